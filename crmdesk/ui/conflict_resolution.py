"""Settling a conflict, without widgets: each choice is ONE store transaction.

- keep mine: the local value becomes mine and an update is queued whose base is *theirs*
  (what the server holds now), so the next push does not see a conflict again;
- take theirs: the local value becomes theirs; nothing is queued (the server has it);
- merge: like keep mine, with a value the user typed (validated first);
- a record deleted on the server (``DELETED_FIELD``): recreate it from my values under a
  new local id (a create is queued), or let it go (deleted locally, nothing queued).

The caller then pokes the sync worker (``context.sync.local_edit()``).
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeDef, EntityKind, MutationOp, ObjectDef, Record, ValidationError
from crmdesk.model.values import validate_value, values_equal
from crmdesk.store import Store
from crmdesk.store.clock import utc_now
from crmdesk.store.edits import new_local_id
from crmdesk.store.sync_tables import Conflict
from crmdesk.sync.apply import DELETED_FIELD


def is_deletion(conflict: Conflict) -> bool:
    return conflict.field == DELETED_FIELD


def attribute_of(store: Store, conflict: Conflict) -> AttributeDef | None:
    obj = store.schema.get_object(conflict.scope)
    return obj.attribute(conflict.field) if obj is not None else None


def _set_local(store: Store, obj: ObjectDef | None, conflict: Conflict, value: Any, changed_at: str) -> None:
    """The user's choice becomes the local value, kept in the field history as theirs (nothing
    when it is the value the cache already shows: taking theirs after a pull)."""
    if obj is None:
        return
    row = store.records.get(conflict.target_id)
    if row is None:
        return
    values = dict(row.values)
    if value is None:
        values.pop(conflict.field, None)
    else:
        values[conflict.field] = value
    store.records.change_values(obj, conflict.target_id, values, changed_at)


def _queue_value(store: Store, conflict: Conflict, value: Any) -> None:
    """Local value := ``value``; queue it against the server's current value; conflict gone."""
    obj = store.schema.get_object(conflict.scope)
    attr = obj.attribute(conflict.field) if obj is not None else None
    if attr is not None:
        value = validate_value(attr, value)
        if value is None and attr.required:
            raise ValidationError(attr.title or attr.slug, "is required and cannot be emptied")
    now = utc_now()  # the history row's and the queued change's time: Discard finds the row by it
    with store.write():
        _set_local(store, obj, conflict, value, now)
        if not values_equal(value, conflict.theirs):
            store.outbox.append(
                EntityKind(conflict.entity), MutationOp.UPDATE, conflict.target_id, conflict.scope,
                {conflict.field: value}, {conflict.field: conflict.theirs}, created_at=now,
            )
        store.conflicts.remove(conflict.id)


def keep_mine(store: Store, conflict: Conflict) -> None:
    _queue_value(store, conflict, conflict.mine)


def merge(store: Store, conflict: Conflict, value: Any) -> None:
    """``value`` is canonical (``parse_user_text``); raises ``ValidationError`` before any write."""
    _queue_value(store, conflict, value)


def take_theirs(store: Store, conflict: Conflict) -> None:
    obj = store.schema.get_object(conflict.scope)
    with store.write():
        _set_local(store, obj, conflict, conflict.theirs, utc_now())
        store.conflicts.remove(conflict.id)


def recreate(store: Store, conflict: Conflict) -> str:
    """Make the record again from my values; returns its new local id."""
    obj = store.schema.get_object(conflict.scope)
    if obj is None:
        raise ValidationError(conflict.scope, "is no longer an object in this workspace")
    mine = conflict.mine if isinstance(conflict.mine, dict) else {}
    # Only attributes that still exist, and values that still validate, can be sent.
    values: dict[str, Any] = {}
    for slug, value in mine.items():
        attr = obj.attribute(slug)
        if attr is None or value is None:
            continue
        try:
            checked = validate_value(attr, value)
        except ValidationError:
            continue
        if checked is not None:
            values[slug] = checked
    new_id = new_local_id()
    now = utc_now()
    with store.write():
        # The server's id is gone for good; the copy lives on under a local id until pushed, with
        # the history of the record it copies.
        store.history.rewrite_id(conflict.target_id, new_id)
        store.records.delete(conflict.target_id)
        store.records.put(obj, Record(new_id, obj.slug, values, now, now))
        store.outbox.append(EntityKind.RECORD, MutationOp.CREATE, new_id, obj.slug, values, {})
        store.conflicts.remove(conflict.id)
    return new_id


def let_go(store: Store, conflict: Conflict) -> None:
    """Accept the server's deletion: drop the local copy and anything still queued for it —
    its own edits and, for a record, its links and issue links (the server dropped them with
    it; a queued link to it could only be refused)."""
    entity = EntityKind(conflict.entity)
    with store.write():
        store.records.delete(conflict.target_id)
        for mutation in store.outbox.for_target(conflict.target_id, entity=entity):
            assert mutation.op_id is not None
            store.outbox.remove(mutation.op_id)
        if entity is EntityKind.RECORD:
            store.forget_links_of(conflict.target_id, queued=True)
        store.conflicts.remove(conflict.id)
