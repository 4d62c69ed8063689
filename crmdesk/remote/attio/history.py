"""A record's timeline from what Attio keeps: its comments, and its attributes' past values. Pure functions.

Attio keeps every value an attribute ever held (``…/values?show_historic=true``): a replaced or
cleared value has its ``active_until``, the value replacing it its ``active_from`` and the actor
who wrote it (``created_by_actor``). A change is a moment some value ended or began (moments less
than a second apart are one change, as Attio stamps the end of the old and the start of the new
separately); values given when the record was made are no change. Each change is an event of kind
``attribute_changed`` titled "Stage: Lead → Won" (what the attribute held just before and just
after, as the model shows it; "Company changed" for references, whose titles are the cache's),
by the member who wrote the new value.

Comments (``/v2/threads``: each thread's comments) are events of kind ``comment``, their text the
description, their author the actor, their thread in ``metadata``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, NullContext, TimelineEvent, codec_for
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.values import element_in
from crmdesk.remote.errors import PoisonedRow, ProtocolError
from crmdesk.remote.rows import timestamp, whole

CHANGED = "attribute_changed"
COMMENT = "comment"
#: Moments closer than this are one change; values this close to the record's creation are its own.
_SAME_MOMENT = timedelta(seconds=1)
_EMPTY = "(empty)"
_NO_TITLES = frozenset({AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})
_CONTEXT = NullContext()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _spans(attr: AttributeDef, raw_values: list[Any]) -> list[tuple[datetime, datetime | None, Any, str | None]]:
    """(from, until, canonical element, author) of each value that reads; the others are left out."""
    spans = []
    for raw in raw_values:
        if not isinstance(raw, Mapping):
            continue
        start, until = timestamp(raw.get("active_from")), timestamp(raw.get("active_until"))
        try:
            element = element_in(attr, raw)
        except (ValueError, KeyError, TypeError):
            continue
        if element is not None and start is not None:
            spans.append((_moment(start), _moment(until) if until else None, element,
                          ids.member_of(raw.get("created_by_actor"))))
    return spans


def _clusters(moments: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Sorted moments grouped into (first, last) runs less than ``_SAME_MOMENT`` apart."""
    runs: list[tuple[datetime, datetime]] = []
    for moment in sorted(moments):
        if runs and moment - runs[-1][1] < _SAME_MOMENT:
            runs[-1] = (runs[-1][0], moment)
        else:
            runs.append((moment, moment))
    return runs


def _shown(attr: AttributeDef, elements: list[Any]) -> str:
    codec = codec_for(attr.type)
    return ", ".join(codec.display(element, attr, _CONTEXT) for element in elements) or _EMPTY


def history_events(
    attr: AttributeDef, record_id: str, raw_values: list[Any], created_at: str | None,
) -> list[TimelineEvent]:
    """The changes of one attribute of a record, from all its values (active and past)."""
    spans = _spans(attr, raw_values)
    born = _moment(created_at) + _SAME_MOMENT if created_at else None
    moments = [s for s, _u, _e, _a in spans if born is None or s > born] + [u for _s, u, _e, _a in spans if u]
    events = []
    for first, last in _clusters(moments):
        before = [e for s, u, e, _a in spans if s < first and (u is None or u >= first)]
        after = [e for s, u, e, _a in spans if s <= last and (u is None or u > last)]
        if before == after:
            continue
        author = next((a for s, _u, _e, a in spans if first <= s <= last and a), None)
        when = timestamp(last.isoformat()) or ""
        title = (f"{attr.title} changed" if attr.type in _NO_TITLES
                 else f"{attr.title}: {_shown(attr, before)} → {_shown(attr, after)}")
        events.append(TimelineEvent(
            id=f"{CHANGED}:{attr.slug}:{when}", record_id=record_id, kind=CHANGED, title=title, occurred_at=when,
            actor_id=author, metadata={"attribute": attr.slug, "before": before, "after": after},
        ))
    return events


def comment_event(row: Mapping[str, Any], record_id: str) -> TimelineEvent:
    """A comment; ``PoisonedRow`` when its id or text is poisoned (``each`` skips it)."""
    ident = ids.inner(row, "comment_id", "A comment")
    text = whole(row.get("content_plaintext"), "text", f"comment {ident}")
    when = timestamp(row.get("created_at"))
    if when is None:
        raise ProtocolError(f"Comment {ident} from the server has no time.")
    if not isinstance(text, str):
        raise PoisonedRow(f"Comment {ident} from the server has no text.")
    thread = row.get("thread_id")
    return TimelineEvent(
        id=ident, record_id=record_id, kind=COMMENT, title="Comment", occurred_at=when, description=text,
        actor_id=ids.member_of(row.get("author")),
        metadata={"thread_id": thread} if isinstance(thread, str) else {},
    )


def newest_first(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda event: (event.occurred_at, event.id), reverse=True)


__all__ = ["CHANGED", "COMMENT", "comment_event", "history_events", "newest_first"]
