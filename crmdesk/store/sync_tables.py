"""Conflicts, the local-id → server-id map, and per-scope sync state."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import utc_now


@dataclass(slots=True)
class Conflict:
    id: int
    entity: str
    target_id: str
    scope: str
    field: str
    mine: Any
    theirs: Any
    base: Any
    theirs_by: str | None
    theirs_at: str | None
    mine_at: str | None
    op_id: int | None
    created_at: str


class ConflictRepo:
    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    def add(
        self,
        entity: str,
        target_id: str,
        scope: str,
        field: str,
        mine: Any,
        theirs: Any,
        base: Any,
        *,
        theirs_by: str | None = None,
        theirs_at: str | None = None,
        mine_at: str | None = None,
        op_id: int | None = None,
    ) -> None:
        """Record (or refresh) the conflict on one field; both sides are kept."""
        self._conn.execute(
            "INSERT INTO conflicts (entity, target_id, scope, field, mine_json, theirs_json, base_json,"
            " theirs_by, theirs_at, mine_at, op_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (entity, target_id, field) DO UPDATE SET mine_json = excluded.mine_json,"
            " theirs_json = excluded.theirs_json, base_json = excluded.base_json,"
            " theirs_by = excluded.theirs_by, theirs_at = excluded.theirs_at, mine_at = excluded.mine_at,"
            " op_id = excluded.op_id",
            (
                entity, target_id, scope, field, json.dumps(mine), json.dumps(theirs), json.dumps(base),
                theirs_by, theirs_at, mine_at, op_id, utc_now(),
            ),
        )
        self._changes.flag("conflicts")

    def all(self) -> list[Conflict]:
        rows = self._conn.execute(
            "SELECT id, entity, target_id, scope, field, mine_json, theirs_json, base_json, theirs_by,"
            " theirs_at, mine_at, op_id, created_at FROM conflicts ORDER BY id"
        )
        return [
            Conflict(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), json.loads(r[7]), *r[8:])
            for r in rows
        ]

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM conflicts").fetchone()[0])

    def remove(self, conflict_id: int) -> None:
        self._conn.execute("DELETE FROM conflicts WHERE id = ?", (conflict_id,))
        self._changes.flag("conflicts")

    def rewrite_target(self, old_id: str, new_id: str) -> None:
        self._conn.execute("UPDATE conflicts SET target_id = ? WHERE target_id = ?", (new_id, old_id))


class IdMap:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, local_id: str, server_id: str, entity: str) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO id_map (local_id, server_id, entity, mapped_at) VALUES (?, ?, ?, ?)",
            (local_id, server_id, entity, utc_now()),
        )

    def server_id(self, local_id: str) -> str | None:
        row = self._conn.execute("SELECT server_id FROM id_map WHERE local_id = ?", (local_id,)).fetchone()
        return row[0] if row else None

    def all(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT local_id, server_id FROM id_map"))


@dataclass(slots=True)
class ScopeState:
    scope: str
    cursor: str | None = None
    last_pull_at: str | None = None
    last_sweep_at: str | None = None
    details: dict[str, Any] | None = None


class SyncStateRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, scope: str) -> ScopeState:
        row = self._conn.execute(
            "SELECT cursor, last_pull_at, last_sweep_at, details_json FROM sync_state WHERE scope = ?", (scope,)
        ).fetchone()
        if row is None:
            return ScopeState(scope, details={})
        return ScopeState(scope, row[0], row[1], row[2], json.loads(row[3]))

    def put(self, state: ScopeState) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO sync_state (scope, cursor, last_pull_at, last_sweep_at, details_json)"
            " VALUES (?, ?, ?, ?, ?)",
            (state.scope, state.cursor, state.last_pull_at, state.last_sweep_at, json.dumps(state.details or {})),
        )

    def forget(self, scope: str) -> None:
        """The scope starts over: its next pull reads everything again."""
        self._conn.execute("DELETE FROM sync_state WHERE scope = ?", (scope,))

    def all(self) -> list[ScopeState]:
        return [self.get(row[0]) for row in self._conn.execute("SELECT scope FROM sync_state ORDER BY scope")]
