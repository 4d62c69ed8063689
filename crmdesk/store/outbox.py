"""The outbox: mutations waiting for the server, in the order the user made them."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, is_local_id
from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import utc_now

_COLUMNS = (
    "op_id, mutation_id, entity, op, target_id, scope, changes_json, base_json, created_at, state, error, attempts"
)


def _row_to_mutation(row: tuple) -> Mutation:  # type: ignore[type-arg]
    op_id, mutation_id, entity, op, target_id, scope, changes, base, created_at, state, error, attempts = row
    return Mutation(
        mutation_id=mutation_id,
        entity=EntityKind(entity),
        op=MutationOp(op),
        target_id=target_id,
        scope=scope,
        changes=json.loads(changes),
        base=json.loads(base),
        created_at=created_at,
        state=MutationState(state),
        error=error,
        attempts=attempts,
        op_id=op_id,
    )


class Outbox:
    """The queue of unsynced edits. Every change to it is noted as ``outbox`` (the window's
    counts, Pending changes and the unsynced marks follow it)."""

    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    def append(
        self,
        entity: EntityKind,
        op: MutationOp,
        target_id: str,
        scope: str,
        changes: Mapping[str, object] | None = None,
        base: Mapping[str, object] | None = None,
        *,
        created_at: str | None = None,
    ) -> Mutation:
        """Queue a mutation. Call inside the transaction that changed the local rows.
        ``created_at`` keeps the time of the user's edit when a queued one is split."""
        mutation = Mutation(
            mutation_id=str(uuid.uuid4()),
            entity=entity,
            op=op,
            target_id=target_id,
            scope=scope,
            changes=dict(changes or {}),
            base=dict(base or {}),
            created_at=created_at or utc_now(),
        )
        cursor = self._conn.execute(
            "INSERT INTO outbox (mutation_id, entity, op, target_id, scope, changes_json, base_json, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mutation.mutation_id, entity.value, op.value, target_id, scope,
                json.dumps(mutation.changes), json.dumps(mutation.base), mutation.created_at,
            ),
        )
        mutation.op_id = cursor.lastrowid
        self._changes.flag("outbox")
        return mutation

    def append_record_creates(self, record_ids: Sequence[str], *, created_at: str | None = None) -> None:
        """Queue the create of each of these records, in order, with the values the records table
        holds for it (an import's batch, just written): SQLite copies each record's values JSON
        into its outbox row, no second encoding. Call inside the transaction that wrote them."""
        when = created_at or utc_now()
        self._conn.executemany(
            "INSERT INTO outbox (mutation_id, entity, op, target_id, scope, changes_json, base_json, created_at)"
            " SELECT ?, ?, ?, id, object_slug, values_json, '{}', ? FROM records WHERE id = ?",
            [(str(uuid.uuid4()), EntityKind.RECORD.value, MutationOp.CREATE.value, when, record_id)
             for record_id in record_ids])
        self._changes.flag("outbox")

    def pending(
        self, states: Iterable[MutationState] = (MutationState.PENDING, MutationState.IN_FLIGHT)
    ) -> list[Mutation]:
        wanted = [s.value for s in states]
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE state IN ({','.join('?' * len(wanted))}) ORDER BY op_id",
            wanted,
        )
        return [_row_to_mutation(row) for row in rows]

    def all(self) -> list[Mutation]:
        return [_row_to_mutation(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM outbox ORDER BY op_id")]

    def get(self, op_id: int) -> Mutation | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE op_id = ?", (op_id,)).fetchone()
        return _row_to_mutation(row) if row else None

    def get_many(self, op_ids: Iterable[int]) -> dict[int, Mutation]:
        """The mutations of these ids still queued, by id: one read for a run the pusher sends
        together, where one ``get`` each would take turns at the interpreter with its requests."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE op_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(op_ids)),))
        return {mutation.op_id: mutation for mutation in map(_row_to_mutation, rows)
                if mutation.op_id is not None}

    def for_target(self, target_id: str, *, entity: EntityKind) -> list[Mutation]:
        """Every queued mutation (any state) of ``entity`` with this target, oldest first.

        ``entity`` is required: targets of different kinds share id spaces (a ``LINK``
        mutation's target is the *other* record's id, an ``ISSUE_LINK``'s an issue key), so a
        read that forgot it would take a link's changes for the record's own."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE target_id = ? AND entity = ? ORDER BY op_id",
            (target_id, entity.value),
        )
        return [_row_to_mutation(r) for r in rows]

    def unsent(self) -> int:
        """How many mutations still go to the server (pending or in flight; refused ones wait
        for the user)."""
        return int(self._conn.execute("SELECT count(*) FROM outbox WHERE state IN (?, ?)",
                                      (MutationState.PENDING.value, MutationState.IN_FLIGHT.value)).fetchone()[0])

    def unsent_for(self, target_ids: Iterable[str], *, entity: EntityKind) -> dict[str, list[Mutation]]:
        """The mutations of ``entity`` still to send (pending or in flight) for any of
        ``target_ids``, by target, oldest first: one indexed query (a scan asks it for every
        page). ``entity`` is required, as for ``for_target``."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE target_id IN (SELECT value FROM json_each(?))"
            " AND entity = ? AND state IN (?, ?) ORDER BY op_id",
            (json.dumps(list(target_ids)), entity.value, MutationState.PENDING.value, MutationState.IN_FLIGHT.value),
        )
        queued: dict[str, list[Mutation]] = {}
        for row in rows:
            mutation = _row_to_mutation(row)
            queued.setdefault(mutation.target_id, []).append(mutation)
        return queued

    def count(self, state: MutationState | None = None) -> int:
        if state is None:
            return int(self._conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
        return int(self._conn.execute("SELECT count(*) FROM outbox WHERE state = ?", (state.value,)).fetchone()[0])

    def set_state(self, op_id: int, state: MutationState, error: str | None = None) -> None:
        self._conn.execute(
            "UPDATE outbox SET state = ?, error = ?, attempts = attempts + (? = 'in_flight'),"
            " sent_at = CASE WHEN ? = 'in_flight' THEN ? ELSE sent_at END WHERE op_id = ?",
            (state.value, error, state.value, state.value, utc_now(), op_id),
        )
        self._changes.flag("outbox")

    def note_failure(self, op_id: int, error: str) -> int:
        """The server failed on this mutation (5xx): count it, keep the message; returns the count."""
        self._conn.execute("UPDATE outbox SET attempts = attempts + 1, error = ? WHERE op_id = ?", (error, op_id))
        self._changes.flag("outbox")
        row = self._conn.execute("SELECT attempts FROM outbox WHERE op_id = ?", (op_id,)).fetchone()
        return int(row[0]) if row else 0

    def set_attempts(self, op_id: int, attempts: int) -> None:
        """Carry the count of failures over to a mutation split off from one that had them."""
        self._conn.execute("UPDATE outbox SET attempts = ? WHERE op_id = ?", (attempts, op_id))

    def update_changes(self, op_id: int, changes: dict[str, object], base: dict[str, object] | None = None) -> None:
        if base is None:
            self._conn.execute("UPDATE outbox SET changes_json = ? WHERE op_id = ?", (json.dumps(changes), op_id))
        else:
            self._conn.execute(
                "UPDATE outbox SET changes_json = ?, base_json = ? WHERE op_id = ?",
                (json.dumps(changes), json.dumps(base), op_id),
            )
        self._changes.flag("outbox")

    def renew_mutation_id(self, op_id: int) -> str:
        """A new id (the idempotency key a create is sent with) for a mutation whose content
        changed after a refusal: the server must not answer it with the refusal it stored."""
        new_id = str(uuid.uuid4())
        self._conn.execute("UPDATE outbox SET mutation_id = ? WHERE op_id = ?", (new_id, op_id))
        return new_id

    def remove(self, op_id: int) -> None:
        """Only for a mutation the server has applied, or one the user chose to discard."""
        self._conn.execute("DELETE FROM outbox WHERE op_id = ?", (op_id,))
        self._changes.flag("outbox")

    def remove_scoped(self, entity: EntityKind, scope: str) -> int:
        """Drop every queued mutation of ``entity`` within ``scope`` (a deleted list's entry changes)."""
        cursor = self._conn.execute("DELETE FROM outbox WHERE entity = ? AND scope = ?", (entity.value, scope))
        self._changes.flag("outbox")
        return cursor.rowcount

    def remove_links_of(self, record_id: str) -> int:
        """Drop every queued link and issue link of ``record_id`` — made from it (its scope) or to
        it from another record (the link's other end) — in any state: the record will never be on
        the server (its create was discarded, or the user let its deletion there stand)."""
        cursor = self._conn.execute(
            "DELETE FROM outbox WHERE entity IN (?, ?) AND (scope = ? OR json_extract(changes_json, '$.other') = ?)",
            (EntityKind.LINK.value, EntityKind.ISSUE_LINK.value, record_id, record_id),
        )
        self._changes.flag("outbox")
        return cursor.rowcount

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        """Point queued mutations (targets and values that mention it) at the server's id."""
        self._conn.execute("UPDATE outbox SET target_id = ? WHERE target_id = ?", (new_id, old_id))
        # A note's scope is its record: a note created on an offline record must be sent to the server's id.
        self._conn.execute("UPDATE outbox SET scope = ? WHERE scope = ?", (new_id, old_id))
        quoted_old, quoted_new = json.dumps(old_id), json.dumps(new_id)
        # The mutations that mention a local id are named in ``outbox_local_refs`` (its triggers
        # keep it): an offline batch's thousands of creates are not each read again per id.
        local = is_local_id(old_id)
        mentioning = ("op_id IN (SELECT op_id FROM outbox_local_refs WHERE ref = ?)" if local
                      else "(instr(changes_json, ?) > 0 OR instr(base_json, ?) > 0)")
        self._conn.execute(
            "UPDATE outbox SET changes_json = replace(changes_json, ?, ?), base_json = replace(base_json, ?, ?)"
            f" WHERE {mentioning}",
            (quoted_old, quoted_new, quoted_old, quoted_new, *((old_id,) if local else (quoted_old, quoted_old))),
        )
