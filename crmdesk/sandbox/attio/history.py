"""Value history: when each value of a record (or entry) became active, who wrote it, and the
values it replaced (``attio_values``).

The core keeps the current value; this keeps, per element, a row with ``active_from`` and the
writer, and closes it (``active_until``) when a write removes the element. An element with no
open row was written with its record (the demo builds records in bulk), so the record's
creation time and creator stand in for it. Elements are matched by their canonical JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model.values import elements
from crmdesk.sandbox.core.db import Database


def element_key(element: Any) -> str:
    return json.dumps(element, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Meta:
    active_from: str
    actor: dict[str, Any]
    active_until: str | None = None


@dataclass(frozen=True, slots=True)
class Historic:
    """A replaced value: its element and when and by whom it was written, and when it ended."""

    element: Any
    meta: Meta


def _actor(row: sqlite3.Row) -> dict[str, Any]:
    return {"type": row["actor_type"], "id": row["actor_id"]}


class History:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open_meta(self, parent_ids: Sequence[str]) -> dict[tuple[str, str, str], Meta]:
        """(parent, attribute id, element key) → when and by whom each current element was written."""
        found: dict[tuple[str, str, str], Meta] = {}
        for start in range(0, len(parent_ids), 500):
            chunk = list(parent_ids[start:start + 500])
            rows = self.db.all(f"SELECT * FROM attio_values WHERE active_until IS NULL AND parent_id IN "
                               f"({','.join('?' * len(chunk))})", chunk)
            for row in rows:
                found[(row["parent_id"], row["attribute_id"], row["value"])] = Meta(row["active_from"], _actor(row))
        return found

    def historic(self, parent_id: str, attribute_id: str) -> list[Historic]:
        rows = self.db.all("SELECT * FROM attio_values WHERE parent_id = ? AND attribute_id = ? AND active_until "
                           "IS NOT NULL ORDER BY active_from, seq", (parent_id, attribute_id))
        return [Historic(json.loads(r["value"]), Meta(r["active_from"], _actor(r), r["active_until"])) for r in rows]

    def change(self, conn: sqlite3.Connection, parent_id: str, attribute_id: str, before: Any, after: Any, *,
               at: str, actor: dict[str, Any], born: Meta) -> None:
        """Record a write of one attribute: elements gone are closed at ``at``, new ones open at ``at``
        by ``actor``; ``born`` stands in for an element that has no row yet (written with its record)."""
        old = {element_key(e): e for e in elements(before)}
        new = {element_key(e): e for e in elements(after)}
        open_rows = {r["value"]: r["seq"] for r in conn.execute(
            "SELECT seq, value FROM attio_values WHERE parent_id = ? AND attribute_id = ? AND active_until IS NULL",
            (parent_id, attribute_id))}
        for key in old.keys() - new.keys():
            if key in open_rows:
                conn.execute("UPDATE attio_values SET active_until = ? WHERE seq = ?", (at, open_rows[key]))
            else:
                self._insert(conn, parent_id, attribute_id, key, born.active_from, born.actor, until=at)
        for key in new.keys() - old.keys():
            self._insert(conn, parent_id, attribute_id, key, at, actor)

    def start(self, conn: sqlite3.Connection, parent_id: str, written: Iterable[tuple[str, Any]], *, at: str,
              actor: dict[str, Any]) -> None:
        """A new record's or entry's values: (attribute id, value) pairs, open from ``at``."""
        for attribute_id, value in written:
            for element in elements(value):
                self._insert(conn, parent_id, attribute_id, element_key(element), at, actor)

    @staticmethod
    def _insert(conn: sqlite3.Connection, parent_id: str, attribute_id: str, key: str, since: str,
                actor: dict[str, Any], *, until: str | None = None) -> None:
        conn.execute("INSERT INTO attio_values (parent_id, attribute_id, value, active_from, active_until, "
                     "actor_type, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (parent_id, attribute_id, key, since, until, actor.get("type") or "system", actor.get("id")))
