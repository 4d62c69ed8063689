"""What the Pending changes panel does to the store, without widgets: describe a queued
mutation in words, retry it, change a rejected value, or discard it.

Discarding puts back what the server last had (the mutation's ``base``) with plain store
writes — never through ``store.edits``, which would queue a new mutation and send the
"undo" to the server as if the user had typed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmdesk.model import (
    EntityKind,
    Mutation,
    MutationOp,
    MutationState,
    Note,
    Record,
    Task,
    ValidationError,
    record_title,
)
from crmdesk.model.values import display_text, validate_value
from crmdesk.store import Store
from crmdesk.store.clock import utc_now

VERBS = {MutationOp.CREATE: "Create", MutationOp.UPDATE: "Edit", MutationOp.DELETE: "Delete"}


@dataclass(frozen=True, slots=True)
class Description:
    """A mutation in a user's words: the row text and what discarding it loses."""

    what: str
    loses: str


def _record_title(store: Store, mutation: Mutation) -> str:
    obj = store.schema.get_object(mutation.scope)
    row = store.records.get(mutation.target_id)
    if row is not None:
        return row.title
    if obj is not None:
        # A deleted record is gone from the cache: its last values are the mutation's base.
        return record_title(obj, mutation.base or mutation.changes)
    return mutation.target_id


def _field_titles(store: Store, mutation: Mutation) -> list[str]:
    obj = store.schema.get_object(mutation.scope)
    titles = []
    for slug in mutation.fields:
        attr = obj.attribute(slug) if obj is not None else None
        titles.append(attr.title if attr is not None and attr.title else slug)
    return titles


def _shown(store: Store, mutation: Mutation, slug: str, value: Any) -> str:
    obj = store.schema.get_object(mutation.scope)
    attr = obj.attribute(slug) if obj is not None else None
    if attr is None:
        return "" if value is None else str(value)
    return display_text(attr, value) or "(empty)"


def describe(store: Store, mutation: Mutation) -> Description:
    """“Edit Job title of Jane Doe”, and what a discard would throw away."""
    verb = VERBS[mutation.op]
    if mutation.entity is EntityKind.RECORD:
        title = _record_title(store, mutation)
        obj = store.schema.get_object(mutation.scope)
        noun = obj.singular_name if obj is not None else "record"
        if mutation.op is MutationOp.UPDATE:
            names = _field_titles(store, mutation)
            fields = ", ".join(names)
            lost = "; ".join(
                f"{name}: {_shown(store, mutation, slug, mutation.changes[slug])}"
                for name, slug in zip(names, mutation.fields, strict=True)
            )
            return Description(f"Edit {fields} of {title}",
                               f"your new value ({lost}); {title} goes back to the server's value")
        if mutation.op is MutationOp.CREATE:
            return Description(f"Create {noun} {title}", f"the new {noun} “{title}” and any edits queued for it")
        return Description(f"Delete {noun} {title}", f"the deletion; “{title}” comes back as the server has it")
    if mutation.entity is EntityKind.NOTE:
        title = str(mutation.changes.get("title") or mutation.base.get("title") or "untitled note")
        return Description(f"{verb} note “{title}”", f"this change to the note “{title}”")
    if mutation.entity is EntityKind.TASK:
        content = str(mutation.changes.get("content") or mutation.base.get("content") or "task")
        return Description(f"{verb} task “{content}”", f"this change to the task “{content}”")
    if mutation.entity is EntityKind.ENTRY:
        list_def = store.schema.get_list(mutation.scope)
        name = list_def.name if list_def is not None else "a list"
        action = {MutationOp.CREATE: "Add to", MutationOp.UPDATE: "Edit entry in",
                  MutationOp.DELETE: "Remove from"}[mutation.op]
        return Description(f"{action} {name}", f"this change to the list “{name}”")
    if mutation.entity is EntityKind.NOTIFICATION:
        return Description("Mark a notification read", "marking it read on the server")
    return Description(f"{verb} {mutation.entity.value}", "this change")


def retry(store: Store, op_id: int) -> None:
    """A rejected mutation goes back in the queue as it is (the server may accept it now)."""
    with store.write():
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
            store.records.set_values(obj, mutation.target_id, values, utc_now())


def discard(store: Store, op_id: int) -> None:
    """Forget a queued mutation and put the server's last known values back locally.

    One transaction. Nothing is queued: the server never had this change.
    """
    with store.write():
        mutation = store.outbox.get(op_id)
        if mutation is None:
            return
        later = [m for m in store.outbox.for_target(mutation.target_id) if (m.op_id or 0) > op_id]
        if mutation.op is MutationOp.CREATE:
            # Without its create, later edits of the same new thing could never be sent.
            for other in later:
                assert other.op_id is not None
                store.outbox.remove(other.op_id)
            later = []
        store.outbox.remove(op_id)
        # A field a later queued edit changed again keeps that later value.
        shadowed = {slug for m in later for slug in m.changes}
        _restore(store, mutation, shadowed)


def _restore(store: Store, mutation: Mutation, shadowed: set[str]) -> None:
    if mutation.entity is EntityKind.RECORD:
        _restore_record(store, mutation, shadowed)
    elif mutation.entity is EntityKind.NOTE:
        _restore_note(store, mutation, shadowed)
    elif mutation.entity is EntityKind.TASK:
        _restore_task(store, mutation, shadowed)
    elif mutation.entity is EntityKind.ENTRY:
        _restore_entry(store, mutation, shadowed)


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
    for slug in mutation.changes:
        if slug in shadowed:
            continue
        base = mutation.base.get(slug)
        if base is None:
            values.pop(slug, None)
        else:
            values[slug] = base
    store.records.set_values(obj, mutation.target_id, values, None)


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
