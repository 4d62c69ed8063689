"""A record's field history as timeline lines: "Stage: Proposal → Won", by whom, when.

Values read as the table shows them (``ValueFormatter`` over the store's display context). An
empty old value reads "Stage: set to Won", an emptied one "Stage: cleared (was Won)". The changes
of one moment by one hand (an edit of several fields, a pulled record) are one item, a line each.

Where the server keeps its own account of a change (an event whose metadata names the
``attribute`` with its ``before`` and ``after`` elements: Attio's replaced values), that event is
shown and the history row it tells again is not: each such event hides at most one row with the
same attribute, old and new values — the one nearest in time, and only one close to it (an edit
made here up to a week before the event, a pulled change up to a week after it; five minutes the
other way for clocks) — so a stage moved twice to Won still shows twice, and an old event never
hides a new change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crmdesk.model import AttributeDef, ObjectDef, TimelineEvent
from crmdesk.model.values import elements
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.field_history import LOCAL, FieldChange
from crmdesk.ui.formatting import ValueFormatter

#: The timeline item kind of a group of field changes.
HISTORY_KIND = "field_change"
#: How much of one value a line shows (a long text's first words say which it was).
MAX_VALUE_CHARS = 60
#: How many changes a record's timeline reads.
HISTORY_LIMIT = 1000
#: How long after an edit made here the server's event of it may come (the edit waited offline),
#: or before a pulled change the server's event of it may lie (the laptop was closed).
TELLING_DELAY = 7 * 24 * 3600.0
#: Clocks here and on the server may differ by this much (seconds).
CLOCK_SKEW = 5 * 60.0


@dataclass(slots=True)
class HistoryGroup:
    """The changes of one moment by one hand, as lines, and who made them ("you", a name, or None)."""

    when: str
    lines: list[str]
    by: str | None
    source: str
    first_id: int


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_VALUE_CHARS else flat[: MAX_VALUE_CHARS - 1].rstrip() + "…"


def change_line(attr: AttributeDef | None, slug: str, old: Any, new: Any, formatter: ValueFormatter,
                display: StoreDisplayContext) -> str:
    """"Stage: Proposal → Won", "Stage: set to Won", "Stage: cleared (was Won)"."""
    if attr is None:  # an attribute removed since: its values can no longer be read
        return f"{slug}: changed"
    title = attr.title or attr.slug
    before = _short(formatter.display(attr, old, display)) if elements(old) else ""
    after = _short(formatter.display(attr, new, display)) if elements(new) else ""
    if not before:
        return f"{title}: set to {after}"
    if not after:
        return f"{title}: cleared (was {before})"
    return f"{title}: {before} → {after}"


def _said_by_server(event: TimelineEvent) -> tuple[str, list[Any], list[Any]] | None:
    meta = event.metadata
    attribute, before, after = meta.get("attribute"), meta.get("before"), meta.get("after")
    if isinstance(attribute, str) and isinstance(before, list) and isinstance(after, list):
        return attribute, before, after
    return None


def _may_tell(change: FieldChange, event_at: float) -> bool:
    """Whether an event at ``event_at`` can be the server's account of ``change``: a change made here
    reaches the server after the edit (up to ``TELLING_DELAY`` later: offline for a week); a pulled
    one was made there before the pull noticed it. ``CLOCK_SKEW`` either way for clocks that differ."""
    at = _seconds(change.changed_at)
    if change.source == LOCAL:
        return at - CLOCK_SKEW <= event_at <= at + TELLING_DELAY
    return at - TELLING_DELAY <= event_at <= at + CLOCK_SKEW


def told_by_events(changes: Sequence[FieldChange], events: Iterable[TimelineEvent]) -> set[int]:
    """Indexes of ``changes`` a server event already tells: one change per event, one event per
    change, the closest pairs in time first, and only pairs close enough (``_may_tell``) — an old
    event never hides a new change of the same values (a deal won again after it was reopened)."""
    pairs: list[tuple[float, int, int]] = []
    for event_index, event in enumerate(events):
        said = _said_by_server(event)
        if said is None:
            continue
        attribute, before, after = said
        at = _seconds(event.occurred_at)
        pairs += [(abs(_seconds(c.changed_at) - at), event_index, i) for i, c in enumerate(changes)
                  if c.attribute_slug == attribute and elements(c.old) == before and elements(c.new) == after
                  and _may_tell(c, at)]
    hidden: set[int] = set()
    used: set[int] = set()
    for _distance, event_index, change_index in sorted(pairs):
        if event_index not in used and change_index not in hidden:
            used.add(event_index)
            hidden.add(change_index)
    return hidden


def _seconds(moment: str) -> float:
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _who(change: FieldChange, me: str | None, display: StoreDisplayContext) -> str | None:
    if change.source == LOCAL or (change.actor_id is not None and change.actor_id == me):
        return "you"  # an edit made here is the user's, whether or not "me" is chosen
    if change.actor_id is None:
        return None
    return display.member_name(change.actor_id) or "someone"


def history_groups(store: Store, obj: ObjectDef | None, changes: Sequence[FieldChange],
                   events: Iterable[TimelineEvent], display: StoreDisplayContext,
                   formatter: ValueFormatter) -> list[HistoryGroup]:
    """``changes`` (newest first) as groups of lines, without those the server's events tell."""
    hidden = told_by_events(changes, events)
    me = store.schema.my_actor_id()
    groups: list[HistoryGroup] = []
    last_key: tuple[str, str | None, str] | None = None
    # Newest first, each moment's lines in the object's attribute order (stored in that order).
    for index, change in sorted(enumerate(changes), key=lambda pair: (pair[1].changed_at, -(pair[1].id or 0)),
                                reverse=True):
        if index in hidden:
            continue
        attr = obj.attribute(change.attribute_slug) if obj is not None else None
        line = change_line(attr, change.attribute_slug, change.old, change.new, formatter, display)
        key = (change.changed_at, change.actor_id, change.source)
        if key == last_key:
            groups[-1].lines.append(line)
            continue
        last_key = key
        groups.append(HistoryGroup(change.changed_at, [line], _who(change, me, display), change.source,
                                   change.id or 0))
    return groups
