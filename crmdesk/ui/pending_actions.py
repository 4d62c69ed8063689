"""What the Pending changes panel does to the store, without widgets: describe a queued
mutation in words, retry it, change a rejected value, or discard it.

Discarding puts back what the server last had (the mutation's ``base``) with plain store
writes — never through ``store.edits``, which would queue a new mutation and send the
"undo" to the server as if the user had typed it.
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import (
    EntityKind,
    Mutation,
    MutationOp,
    MutationState,
    Note,
    Record,
    RecordLink,
    Task,
    ValidationError,
    is_local_id,
)
from crmdesk.model.values import validate_value
from crmdesk.store import Store
from crmdesk.store.clock import utc_now
from crmdesk.sync.pending import describe as describe  # lives below the UI: `crmdesk sync` words changes too


def retry(store: Store, op_id: int) -> None:
    """A rejected mutation goes back in the queue as it is (the server may accept it now).

    A note's text refused because someone changed the same part meanwhile is sent over theirs:
    retrying it is that choice (it forgets the version it was written against)."""
    with store.write():
        mutation = store.outbox.get(op_id)
        if mutation is not None and mutation.entity is EntityKind.NOTE and "content" in mutation.base:
            store.outbox.update_changes(op_id, mutation.changes, {**mutation.base, "content": None})
        store.outbox.set_state(op_id, MutationState.PENDING)


def change_rejected_value(store: Store, op_id: int, slug: str, value: Any) -> None:
    """The user typed a new value for a refused record edit: store it, queue it again.

    ``value`` is canonical (from ``parse_user_text``); it is validated again here so that a
    bad value raises ``ValidationError`` and never reaches the store.
    """
    with store.write():
        mutation = store.outbox.get(op_id)
        if mutation is None or mutation.entity is not EntityKind.RECORD or mutation.op is not MutationOp.UPDATE:
            raise ValueError("only a queued record edit can be changed here")
        obj = store.schema.get_object(mutation.scope)
        attr = obj.attribute(slug) if obj is not None else None
        if obj is None or attr is None:
            raise ValidationError(slug, "is no longer an attribute of this record")
        value = validate_value(attr, value)
        store.schema.value_limits().check(attr, value)  # the value it was refused for may be this one
        changes = {**mutation.changes, slug: value}
        store.outbox.update_changes(op_id, changes, mutation.base)
        store.outbox.set_state(op_id, MutationState.PENDING)
        row = store.records.get(mutation.target_id)
        if row is not None:
            values = dict(row.values)
            if value is None:
                values.pop(slug, None)
            else:
                values[slug] = value
            store.records.change_values(obj, mutation.target_id, values, utc_now())  # the user's: in the history


def discard(store: Store, op_id: int) -> None:
    """Forget a queued mutation and put the server's last known values back locally.

    One transaction. Nothing is queued: the server never had this change. The later changes
    of the same thing are those of the same entity, target and scope (a link's from either
    end: one link, whichever record it was changed from); a link's target is the *other*
    record, so the record's own edits and its other links are never touched.
    """
    with store.write():
        mutation = store.outbox.get(op_id)
        if mutation is None:
            return
        later = [m for m in _same_thing(store, mutation) if (m.op_id or 0) > op_id]
        if mutation.op is MutationOp.CREATE:
            # Without its create, later edits of the same new thing could never be sent.
            for other in later:
                assert other.op_id is not None
                store.outbox.remove(other.op_id)
            later = []
            if mutation.entity is EntityKind.RECORD and is_local_id(mutation.target_id):
                # Never to be created: its links (from it or to it) could never be sent.
                store.forget_links_of(mutation.target_id, queued=True)
        store.outbox.remove(op_id)
        # A field a later queued edit changed again keeps that later value.
        shadowed = {slug for m in later for slug in m.changes}
        _restore(store, mutation, shadowed)


def _same_thing(store: Store, mutation: Mutation) -> list[Mutation]:
    """The queued mutations (any state, oldest first) of what ``mutation`` changes."""
    if mutation.entity is EntityKind.LINK:
        record_id, other_id = mutation.scope, _other_end(mutation)
        both = [*store.outbox.for_target(other_id, entity=EntityKind.LINK),
                *store.outbox.for_target(record_id, entity=EntityKind.LINK)]
        return sorted((m for m in both if {m.scope, _other_end(m)} == {record_id, other_id}),
                      key=lambda m: m.op_id or 0)
    return [m for m in store.outbox.for_target(mutation.target_id, entity=mutation.entity)
            if m.scope == mutation.scope]


def _other_end(mutation: Mutation) -> str:
    """A link mutation's other record (its target; its changes name it too)."""
    return str(mutation.changes.get("other") or mutation.target_id)


def _restore(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    if mutation.entity is EntityKind.RECORD:
        _restore_record(store, mutation, shadowed)
    elif mutation.entity is EntityKind.NOTE:
        _restore_note(store, mutation, shadowed)
    elif mutation.entity is EntityKind.TASK:
        _restore_task(store, mutation, shadowed)
    elif mutation.entity is EntityKind.ENTRY:
        _restore_entry(store, mutation, shadowed)
    elif mutation.entity is EntityKind.COMMENT:
        store.timeline.delete(mutation.target_id)  # a comment is only ever created: it goes
    elif mutation.entity is EntityKind.LINK:
        _restore_link(store, mutation, shadowed)
    elif mutation.entity is EntityKind.ISSUE_LINK:
        _restore_issue_link(store, mutation)


def _restore_link(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    """The link as the server last had it: none for a discarded create; the roles it had before
    a discarded role change (unless a later queued change sets them again); the link with its
    last roles for a discarded unlink. The record pages of both ends hear of it either way
    (its unsent or refused mark is gone)."""
    record_id, other_id = mutation.scope, _other_end(mutation)
    if mutation.op is MutationOp.CREATE:
        store.links.delete(record_id, other_id)
    elif "roles" not in shadowed:
        own_object = mutation.changes.get("object") or store.links.object_of(record_id, other_id)
        other_object = mutation.changes.get("other_object") or store.links.object_of(other_id, record_id)
        if own_object and other_object:
            roles = mutation.base.get("roles", mutation.changes.get("roles")) or []
            store.links.put(RecordLink(record_id, other_id, str(other_object), tuple(map(str, roles))),
                            str(own_object))
    store.changes.links({record_id, other_id})


def _restore_issue_link(store: Store, mutation: Mutation) -> None:
    """A discarded link of an issue key takes it off the record; a discarded unlink puts it back."""
    key = str(mutation.changes.get("key") or mutation.target_id)
    if mutation.op is MutationOp.CREATE:
        store.issue_links.remove(mutation.scope, key)
    elif mutation.op is MutationOp.DELETE:
        store.issue_links.add(mutation.scope, key)
    store.changes.links({mutation.scope})


def _restore_record(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    obj = store.schema.get_object(mutation.scope)
    if mutation.op is MutationOp.CREATE:
        store.records.delete(mutation.target_id)
        return
    if obj is None:
        return
    if mutation.op is MutationOp.DELETE:
        values = {k: v for k, v in mutation.base.items() if v is not None}
        store.records.put(obj, Record(mutation.target_id, obj.slug, values))
        return
    row = store.records.get(mutation.target_id)
    if row is None:
        return
    values = dict(row.values)
    restored = [slug for slug in mutation.changes if slug not in shadowed]
    for slug in restored:
        base = mutation.base.get(slug)
        if base is None:
            values.pop(slug, None)
        else:
            values[slug] = base
    store.records.set_values(obj, mutation.target_id, values, None)
    # The discarded change never happened anywhere but here: its history rows go with it, so the
    # timeline and the dashboard's stage moves do not tell a move that was taken back.
    store.history.forget_local(mutation.target_id, restored, mutation.created_at)


def _restore_note(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    if mutation.op is MutationOp.CREATE:
        store.notes.delete(mutation.target_id)
        return
    note = store.notes.get(mutation.target_id)
    if note is None:
        note = Note(mutation.target_id, mutation.scope, created_at=utc_now())
    for key in ("title", "content"):
        if key in mutation.base and key not in shadowed:
            setattr(note, key, mutation.base[key])
    store.notes.put(note)


def _restore_task(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    if mutation.op is MutationOp.CREATE:
        store.tasks.delete(mutation.target_id)
        return
    task = store.tasks.get(mutation.target_id)
    if task is None:
        task = Task(mutation.target_id, str(mutation.base.get("content", "")), created_at=utc_now())
    for key, value in mutation.base.items():
        if key not in shadowed and hasattr(task, key):
            setattr(task, key, value)
    store.tasks.put(task)


def _restore_entry(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    from crmdesk.model import Entry

    list_def = store.schema.get_list(mutation.scope)
    if mutation.op is MutationOp.CREATE:
        store.entries.delete(mutation.target_id)
        return
    if list_def is None:
        return
    row = store.entries.get(mutation.target_id)
    if mutation.op is MutationOp.DELETE or row is None:
        base = dict(mutation.base)
        record_id = str(base.pop("record_id", ""))
        values = {k: v for k, v in base.items() if v is not None}
        store.entries.put(list_def, Entry(mutation.target_id, list_def.id, record_id, values))
        return
    values = dict(row.values)
    for slug in mutation.changes:
        if slug not in shadowed:
            values[slug] = mutation.base.get(slug)
    values = {k: v for k, v in values.items() if v is not None}
    store.entries.put(list_def, Entry(row.id, row.list_id, row.record_id, values, row.created_at, utc_now()))


def unsynced_count(store: Store) -> int:
    """Edits the server does not have yet, rejected ones included (sign out counts these)."""
    return store.outbox.count()
