"""Aria's wire shapes → the common model. Pure functions, no I/O.

The real server (DESIGN §4, tests/fixtures/aria-real) wraps every answer in
``{"data": …}``; lists come as a bare array or under a key that varies by resource
(``records``, ``notes``, ``tasks``, ``entries``, ``events``, ``members``…). Missing
keys that the client cannot do without are a ``ProtocolError``; anything optional
falls back quietly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crmdesk.model import (
    AttributeDef,
    AttributeType,
    ListDef,
    Member,
    Note,
    Notification,
    ObjectDef,
    Option,
    Task,
    TimelineEvent,
    Workspace,
)
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.remote.aria import tiptap
from crmdesk.remote.errors import ProtocolError

log = logging.getLogger(__name__)

#: Aria attribute config keys → the model's (``AttributeDef.target_object`` etc.).
_CONFIG_KEYS = {
    "targetObjectSlug": "target_object",
    "targetObject": "target_object",
    "currencyCode": "currency_code",
    "defaultCurrency": "currency_code",
}


def data_of(payload: Any) -> Any:
    """The ``data`` of an envelope."""
    if not isinstance(payload, Mapping) or "data" not in payload:
        raise ProtocolError("The answer has no “data” envelope.")
    return payload["data"]


def rows_of(data: Any, key: str) -> list[Mapping[str, Any]]:
    """A list of objects that is either ``data`` itself or ``data[key]``."""
    rows = data.get(key) if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        raise ProtocolError(f"The answer has no list of {key}.")
    return [row for row in rows if isinstance(row, Mapping)]


def require(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None or value == "":
        raise ProtocolError(f"An item in the answer has no “{key}”.")
    return value


def timestamp(value: Any) -> str | None:
    """Canonical UTC text from ``2026-11-24T05:09:18.921Z`` or ``2026-11-24 05:09:18.921663``."""
    if not value:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        log.warning("unreadable timestamp from the server: %.40r", value)
        return None


def pagination(data: Any) -> Mapping[str, Any]:
    page = data.get("pagination") if isinstance(data, Mapping) else None
    return page if isinstance(page, Mapping) else {}


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- workspace and members --------------------------------------------------------------


def workspace(data: Mapping[str, Any]) -> Workspace:
    ident = require(data, "id")
    # The id names the workspace's file on disk: anything but a plain string is the server's fault.
    if not isinstance(ident, str) or not ident.strip() or len(ident) > 200:
        raise ProtocolError(f"The server answered an unusable workspace id ({type(ident).__name__}).")
    return Workspace(id=ident, name=str(data.get("name") or ""), slug=data.get("slug"))


def member(row: Mapping[str, Any]) -> Member:
    return Member(
        id=str(require(row, "id")),
        name=str(row.get("userName") or row.get("name") or ""),
        email=str(row.get("userEmail") or row.get("email") or ""),
        role=str(row.get("role") or "member"),
        user_id=row.get("userId"),
    )


def members(data: Any) -> list[Member]:
    """Members as a bare list or as ``{members, invites}`` (pending invites are not members)."""
    return [member(row) for row in rows_of(data, "members")]


# -- schema -------------------------------------------------------------------------------


def option(row: Mapping[str, Any]) -> Option:
    active = row.get("isActive")
    return Option(
        id=str(require(row, "id")),
        title=str(row.get("title") or ""),
        color=row.get("color"),
        order=int_or_none(row.get("sortOrder")) or 0,
        active=True if active is None else bool(active),
    )


def attribute(row: Mapping[str, Any]) -> AttributeDef | None:
    """An attribute; None (logged) for a type this client does not know."""
    try:
        kind = AttributeType(str(row.get("type")))
    except ValueError:
        log.warning("skipping attribute %r of unknown type %r", row.get("slug"), row.get("type"))
        return None
    raw = row.get("config")
    raw_config: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    config = {_CONFIG_KEYS.get(key, key): value for key, value in raw_config.items()}
    choices = row.get("statuses") if kind is AttributeType.STATUS else row.get("options")
    options = tuple(option(o) for o in choices if isinstance(o, Mapping)) if isinstance(choices, list) else ()
    multiselect = bool(row.get("isMultiselect"))
    return AttributeDef(
        slug=str(require(row, "slug")),
        title=str(row.get("title") or row.get("slug")),
        type=kind,
        id=row.get("id"),
        required=bool(row.get("isRequired")),
        unique=bool(row.get("isUnique")),
        # The server would not store a list for these anyway; keep the model consistent.
        multiselect=multiselect and kind not in (AttributeType.STATUS, AttributeType.CHECKBOX),
        config=config,
        options=tuple(sorted(options, key=lambda o: o.order)),
        order=int_or_none(row.get("sortOrder")) or 0,
        system=bool(row.get("isSystem")),
    )


def attributes(rows: list[Mapping[str, Any]]) -> tuple[AttributeDef, ...]:
    parsed = [a for a in (attribute(row) for row in rows) if a is not None]
    return tuple(sorted(parsed, key=lambda a: a.order))


def object_def(row: Mapping[str, Any], attrs: tuple[AttributeDef, ...] = ()) -> ObjectDef:
    slug = str(require(row, "slug"))
    return ObjectDef(
        slug=slug,
        singular_name=str(row.get("singularName") or slug),
        plural_name=str(row.get("pluralName") or slug),
        icon=row.get("icon"),
        id=row.get("id"),
        attributes=attrs,
        system=bool(row.get("isSystem")),
    )


def list_def(row: Mapping[str, Any], attrs: tuple[AttributeDef, ...] = ()) -> ListDef:
    return ListDef(
        id=str(require(row, "id")),
        name=str(row.get("name") or ""),
        parent_object=str(row.get("objectSlug") or row.get("objectId") or ""),
        slug=row.get("slug"),
        private=bool(row.get("isPrivate")),
        attributes=attrs,
    )


# -- notes, tasks, timeline, notifications ------------------------------------------------


def note(row: Mapping[str, Any]) -> Note:
    ident = str(require(row, "id"))
    return Note(
        id=ident,
        record_id=str(row.get("recordId") or ""),
        title=str(row.get("title") or ""),
        content=_note_content(ident, row.get("content")),
        created_at=timestamp(row.get("createdAt")),
        updated_at=timestamp(row.get("updatedAt")),
        created_by=row.get("createdBy"),
    )


def _note_content(ident: str, content: Any) -> str:
    """The model keeps a note as markdown; the web app's TipTap documents read into it whole.

    Reading is written never to fail, but one note this client cannot read must not stop the
    sync of everything else: should it fail all the same, the note shows its words. Logged once
    per conversion; the notes re-read converts a note again only when the server's row changed.
    """
    try:
        return tiptap.markdown_of(content)
    except Exception:
        log.exception("Note %s: its content could not be read as a document; showing its plain text", ident)
        return tiptap.plain_text_of(content)


def _ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        ident = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ident, str) and ident:
            out.append(ident)
    return out


def task(row: Mapping[str, Any]) -> Task:
    return Task(
        id=str(require(row, "id")),
        content=str(row.get("content") or ""),
        deadline=timestamp(row.get("deadline")),
        done=bool(row.get("isCompleted")),
        completed_at=timestamp(row.get("completedAt")),
        record_ids=_ids(row.get("linkedRecords") or row.get("recordIds")),
        assignee_ids=_ids(row.get("assignees") or row.get("assigneeIds")),
        created_at=timestamp(row.get("createdAt")),
        created_by=row.get("createdBy"),
    )


def timeline_event(row: Mapping[str, Any], record_id: str) -> TimelineEvent:
    meta = row.get("metadata")
    metadata: Mapping[str, Any] = meta if isinstance(meta, Mapping) else {}
    when = timestamp(row.get("occurredAt") or row.get("createdAt"))
    if when is None:
        raise ProtocolError("A timeline event has no time.")
    return TimelineEvent(
        id=str(require(row, "id")),
        record_id=record_id,
        kind=str(row.get("type") or "event"),
        title=str(row.get("title") or ""),
        occurred_at=when,
        description=row.get("description"),
        actor_id=row.get("createdBy") or metadata.get("createdBy"),
        metadata=dict(metadata),
    )


def notification(row: Mapping[str, Any]) -> Notification:
    return Notification(
        id=str(require(row, "id")),
        title=str(row.get("title") or row.get("type") or ""),
        created_at=timestamp(row.get("createdAt")) or "",
        body=str(row.get("body") or row.get("message") or row.get("description") or ""),
        record_id=row.get("recordId"),
        read=bool(row.get("isRead") or row.get("read") or row.get("readAt")),
    )
