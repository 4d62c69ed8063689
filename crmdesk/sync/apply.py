"""Server records into the cache, each merged with the edits still queued for it.

The one code path for the pull's pages and the push round's fetched records: a record with
queued edits is merged field by field (``merge.merge_record``), the same field changed on both
sides becomes a row in ``conflicts``, fields the server already holds (or that became
conflicts) leave the queue; every other record is stored as the server has it. A record edited
here that the server no longer has becomes a "deleted on the server" conflict
(``deleted_on_server_conflict``), whichever step finds it gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from crmdesk.model import EntityKind, Mutation, MutationOp, ObjectDef, Record
from crmdesk.store import Store
from crmdesk.sync.merge import merge_record

#: The conflict's field when the whole record (or note, task, entry) is gone on the server.
DELETED_FIELD = "__record__"


def deleted_on_server_conflict(store: Store, entity: EntityKind, target_id: str, scope: str,
                               mutations: Sequence[Mutation]) -> None:
    """Edited here, deleted there: a conflict the user settles (recreate, or let it go), holding
    what the cache shows of it; the queued ``mutations`` leave the queue. The conflict names the
    latest of them (its time and op id), as a field conflict does. Inside the caller's write."""
    current = store.records.get(target_id)
    latest = mutations[-1]
    store.conflicts.add(
        entity.value, target_id, scope, DELETED_FIELD, current.values if current else {}, None, None,
        mine_at=latest.created_at, op_id=latest.op_id,
    )
    for mutation in mutations:
        assert mutation.op_id is not None
        store.outbox.remove(mutation.op_id)


class RecordApplier:
    def __init__(self, store: Store) -> None:
        self.store = store

    def apply(self, obj: ObjectDef, records: Sequence[Record]) -> None:
        """Inside the caller's write transaction: what is queued is read in the same transaction,
        so an edit the user makes meanwhile is either merged here or made on top of this write —
        never overwritten by it."""
        # Record edits only: a queued link's target is the other record's id, not an edit of it.
        queued = self.store.outbox.unsent_for([r.id for r in records], entity=EntityKind.RECORD)
        plain = []
        for record in records:
            mutations = queued.get(record.id)
            if not mutations:
                plain.append(record)
                continue
            outcome = merge_record(record.values, mutations)
            if outcome.deleted_locally:
                continue
            for conflict in outcome.conflicts:
                self.store.conflicts.add(
                    EntityKind.RECORD.value, record.id, obj.slug, conflict.field, conflict.mine, conflict.theirs,
                    conflict.base, theirs_by=record.created_by, theirs_at=record.updated_at,
                    mine_at=mutations[-1].created_at, op_id=mutations[-1].op_id,
                )
            settled = outcome.already_applied | {c.field for c in outcome.conflicts}
            if settled:
                self.drop_fields(mutations, settled)
            record.values = outcome.values
            plain.append(record)
        if plain:
            self.store.records.put_server_page(obj, plain)

    def drop_fields(self, mutations: list[Mutation], fields: set[str]) -> None:
        """Fields the server already has, or that became conflicts, leave the queue."""
        for mutation in mutations:
            if mutation.op is not MutationOp.UPDATE or mutation.op_id is None:
                continue
            remaining = {k: v for k, v in mutation.changes.items() if k not in fields}
            if remaining == mutation.changes:
                continue
            if remaining:
                base = {k: v for k, v in mutation.base.items() if k in remaining}
                self.store.outbox.update_changes(mutation.op_id, remaining, base)
                mutation.changes, mutation.base = remaining, base
            else:
                self.store.outbox.remove(mutation.op_id)
                mutation.changes = {}
