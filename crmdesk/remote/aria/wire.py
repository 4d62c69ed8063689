"""Aria's wire shapes → the common model. Pure functions, no I/O.

The real server (DESIGN §4, tests/fixtures/aria-real) wraps every answer in
``{"data": …}``; lists come as a bare array or under a key that varies by resource
(``records``, ``notes``, ``tasks``, ``entries``, ``events``, ``members``…). Missing
keys that the client cannot do without are a ``ProtocolError``; anything optional
falls back quietly.

Poison never reaches the model (``crmdesk.remote.rows``): an item that cannot stand without a
text (its id or slug, a note's content, a task's text, an option's title) raises ``PoisonedRow``
and is skipped in a list; any other poisoned text is left out. Times come as
``2026-11-24T05:09:18.921Z`` or ``2026-11-24 05:09:18.921663`` (``rows.timestamp`` reads both).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crmdesk.model import (
    LOST,
    WON,
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
from crmdesk.remote.aria import tiptap
from crmdesk.remote.errors import ProtocolError
from crmdesk.remote.rows import clean, each, timestamp, usable_identity, whole

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


def rows_of(data: Any, key: str, *, strict: bool = False) -> list[Mapping[str, Any]]:
    """A list of objects that is either ``data`` itself or ``data[key]``.

    ``strict`` (a page of a paged pull): an item that is not an object refuses the whole answer
    rather than being left out, so a page that fails validation is never partly kept."""
    rows = data.get(key) if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        raise ProtocolError(f"The answer has no list of {key}.")
    if strict and not all(isinstance(row, Mapping) for row in rows):
        raise ProtocolError(f"An item in the answer's list of {key} is not an object; the page is refused.")
    return [row for row in rows if isinstance(row, Mapping)]


def require(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None or value == "":
        raise ProtocolError(f"An item in the answer has no “{key}”.")
    return value


def identity(row: Mapping[str, Any], name: str, what: str) -> str:
    """An item's identity (``id``, ``slug``…) as text: ``ProtocolError`` when missing, ``PoisonedRow``
    when it is text no cache can hold."""
    return usable_identity(str(require(row, name)), name, what)


def text(row: Mapping[str, Any], name: str, field: str, owner: str, fallback: str = "") -> str:
    """``str(row[name])`` (``fallback`` when empty or poisoned)."""
    return str(clean(row.get(name), None, field, owner) or fallback)


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
    whole(ident, "id", "the workspace")
    owner = f"workspace {ident}"
    return Workspace(id=ident, name=text(data, "name", "name", owner),
                     slug=clean(data.get("slug"), None, "slug", owner))


def member(row: Mapping[str, Any]) -> Member:
    ident = identity(row, "id", "A member")
    owner = f"member {ident}"
    return Member(
        id=ident,
        name=str(clean(row.get("userName") or row.get("name"), None, "name", owner) or ""),
        email=str(clean(row.get("userEmail") or row.get("email"), None, "email", owner) or ""),
        role=text(row, "role", "role", owner, "member"),
        user_id=clean(row.get("userId"), None, "user id", owner),
    )


def members(data: Any) -> list[Member]:
    """Members as a bare list or as ``{members, invites}`` (pending invites are not members)."""
    return each(rows_of(data, "members"), member, "a member")


# -- schema -------------------------------------------------------------------------------


def status_outcome(row: Mapping[str, Any]) -> str | None:
    """A status's outcome as the server keeps it: an active status is an open stage; an inactive
    one closes the deal, as won when it celebrates (the server's own Won), else as lost (Lost).
    A select option (no ``isActive``) has none."""
    active = row.get("isActive")
    if not isinstance(active, bool) or active:
        return None
    return WON if row.get("celebrationEnabled") is True else LOST


def outcome_fields(outcome: str | None) -> dict[str, bool]:
    """What a status with ``outcome`` is on the server (``status_outcome`` the other way)."""
    return {"isActive": outcome is None, "celebrationEnabled": outcome == WON}


def option(row: Mapping[str, Any]) -> Option:
    """An option or status; ``PoisonedRow`` for a poisoned id or title (an admin editing an option
    whose title was left out would rename it)."""
    active = row.get("isActive")
    ident = identity(row, "id", "An option")
    owner = f"option {ident}"
    return Option(
        id=ident,
        title=str(whole(row.get("title"), "title", owner) or ""),
        color=clean(row.get("color"), None, "colour", owner),
        order=int_or_none(row.get("sortOrder")) or 0,
        active=True if active is None else bool(active),
        outcome=status_outcome(row),
    )


def attribute(row: Mapping[str, Any]) -> AttributeDef | None:
    """An attribute; None (logged) for a type this client does not know; ``PoisonedRow`` for a
    poisoned slug or id. A poisoned title falls back to the slug, a poisoned option is left out."""
    try:
        kind = AttributeType(str(row.get("type"))[:40])
    except ValueError:
        log.warning("skipping attribute %.60r of unknown type %.40r", row.get("slug"), row.get("type"))
        return None
    slug = identity(row, "slug", "An attribute")
    owner = f"attribute {slug}"
    raw = row.get("config")
    raw_config: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    config = {
        _CONFIG_KEYS.get(name, name): value for name, value in raw_config.items()
        if clean({name: value}, None, f"setting {name[:40]!r}", owner) is not None
    }
    choices = row.get("statuses") if kind is AttributeType.STATUS else row.get("options")
    options = (
        tuple(each((o for o in choices if isinstance(o, Mapping)), option, f"an option of {owner}"))
        if isinstance(choices, list) else ()
    )
    multiselect = bool(row.get("isMultiselect"))
    return AttributeDef(
        slug=slug,
        title=text(row, "title", "title", owner, slug),
        type=kind,
        id=whole(row.get("id"), "id", owner),
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
    parsed = [a for a in each(rows, attribute, "an attribute") if a is not None]
    return tuple(sorted(parsed, key=lambda a: a.order))


def object_def(row: Mapping[str, Any], attrs: tuple[AttributeDef, ...] = ()) -> ObjectDef:
    """An object; ``PoisonedRow`` for a poisoned slug or id, a poisoned name falls back to the slug."""
    slug = identity(row, "slug", "An object")
    owner = f"object {slug}"
    return ObjectDef(
        slug=slug,
        singular_name=text(row, "singularName", "singular name", owner, slug),
        plural_name=text(row, "pluralName", "plural name", owner, slug),
        icon=clean(row.get("icon"), None, "icon", owner),
        id=whole(row.get("id"), "id", owner),
        attributes=attrs,
        system=bool(row.get("isSystem")),
    )


def list_def(row: Mapping[str, Any], attrs: tuple[AttributeDef, ...] = ()) -> ListDef:
    """A list; ``PoisonedRow`` for a poisoned id or object, a poisoned name falls back to the slug."""
    ident = identity(row, "id", "A list")
    owner = f"list {ident}"
    slug = clean(row.get("slug"), None, "slug", owner)
    return ListDef(
        id=ident,
        name=text(row, "name", "name", owner, str(slug or "")),
        parent_object=str(whole(row.get("objectSlug") or row.get("objectId"), "object", owner) or ""),
        slug=slug,
        private=bool(row.get("isPrivate")),
        attributes=attrs,
    )


# -- notes, tasks, timeline, notifications ------------------------------------------------


def note(row: Mapping[str, Any]) -> Note:
    """A note; ``PoisonedRow`` when its content or record is poisoned (shown empty, an edit would
    be built on nothing); a poisoned title is left out (the server keeps it until the user
    gives the note another one)."""
    ident = identity(row, "id", "A note")
    owner = f"note {ident}"
    content = _note_content(ident, whole(row.get("content"), "content", owner))
    return Note(
        id=ident,
        record_id=str(whole(row.get("recordId"), "record", owner) or ""),
        title=text(row, "title", "title", owner),
        # The markdown of many small texts may still be outsized.
        content=whole(content, "content", owner),
        created_at=timestamp(row.get("createdAt")),
        updated_at=timestamp(row.get("updatedAt")),
        created_by=clean(row.get("createdBy"), None, "author", owner),
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


def _ids(items: Any, field: str, owner: str) -> list[str]:
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        ident = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ident, str) and ident and clean(ident, None, field, owner) is not None:
            out.append(ident)
    return out


def task(row: Mapping[str, Any]) -> Task:
    """A task; ``PoisonedRow`` when its text is poisoned (a task is its text)."""
    ident = identity(row, "id", "A task")
    owner = f"task {ident}"
    return Task(
        id=ident,
        content=str(whole(row.get("content"), "text", owner) or ""),
        deadline=timestamp(row.get("deadline")),
        done=bool(row.get("isCompleted")),
        completed_at=timestamp(row.get("completedAt")),
        record_ids=_ids(row.get("linkedRecords") or row.get("recordIds"), "linked record", owner),
        assignee_ids=_ids(row.get("assignees") or row.get("assigneeIds"), "assignee", owner),
        created_at=timestamp(row.get("createdAt")),
        created_by=clean(row.get("createdBy"), None, "author", owner),
    )


def timeline_event(row: Mapping[str, Any], record_id: str) -> TimelineEvent:
    ident = identity(row, "id", "A timeline event")
    owner = f"timeline event {ident}"
    meta = clean(row.get("metadata"), None, "details", owner)
    metadata: Mapping[str, Any] = meta if isinstance(meta, Mapping) else {}
    when = timestamp(row.get("occurredAt") or row.get("createdAt"))
    if when is None:
        raise ProtocolError("A timeline event has no time.")
    return TimelineEvent(
        id=ident,
        record_id=record_id,
        kind=text(row, "type", "type", owner, "event"),
        title=text(row, "title", "title", owner),
        occurred_at=when,
        description=clean(row.get("description"), None, "description", owner),
        actor_id=clean(row.get("createdBy") or metadata.get("createdBy"), None, "author", owner),
        metadata=dict(metadata),
    )


def notification(row: Mapping[str, Any]) -> Notification:
    ident = identity(row, "id", "A notification")
    owner = f"notification {ident}"
    title = clean(row.get("title") or row.get("type"), None, "title", owner)
    body = clean(row.get("body") or row.get("message") or row.get("description"), None, "text", owner)
    return Notification(
        id=ident,
        title=str(title or ""),
        created_at=timestamp(row.get("createdAt")) or "",
        body=str(body or ""),
        record_id=clean(row.get("recordId"), None, "record", owner),
        read=bool(row.get("isRead") or row.get("read") or row.get("readAt")),
    )
