"""What a workspace copy made on another server: one row per copied item of this workspace.

The map lives in the *source* workspace's file, so a copy stopped part-way (a crash, Cancel, a
lost connection) goes on where it stopped, and a second copy to the same target skips what the
first made. ``target_id`` is the item's id in the target workspace's file: a local id until that
file's sync sends it, then the server's (``rebase`` swaps them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping

from crmdesk.store.clock import utc_now


class CopyMap:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def targets(self, target: str, kind: str) -> dict[str, str]:
        """Source id → target id of every item of ``kind`` copied to ``target``."""
        rows = self._conn.execute("SELECT source_id, target_id FROM copy_map WHERE target = ? AND kind = ?",
                                  (target, kind))
        return dict(rows.fetchall())

    def copied_at(self, target: str, kind: str) -> dict[str, str]:
        """Source id → when it was copied to ``target`` (canonical UTC time)."""
        rows = self._conn.execute("SELECT source_id, copied_at FROM copy_map WHERE target = ? AND kind = ?",
                                  (target, kind))
        return dict(rows.fetchall())

    def forget(self, target: str, kind: str, source_ids: Iterable[str]) -> None:
        """Forget these items' copies (the caller owns the transaction): the next copy makes them again."""
        self._conn.executemany("DELETE FROM copy_map WHERE target = ? AND kind = ? AND source_id = ?",
                               [(target, kind, source_id) for source_id in source_ids])

    def add(self, target: str, kind: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Record (source id, target id) pairs; the caller owns the transaction."""
        now = utc_now()
        self._conn.executemany(
            "INSERT OR REPLACE INTO copy_map (target, kind, source_id, target_id, copied_at) VALUES (?, ?, ?, ?, ?)",
            [(target, kind, source_id, target_id, now) for source_id, target_id in pairs])

    def rebase(self, target: str, server_id: Callable[[str], str | None]) -> int:
        """Swap every target id the target's sync has since replaced (``server_id`` of a local id,
        None while unsent) for the server's; how many changed. The caller owns the transaction."""
        rows = self._conn.execute("SELECT kind, source_id, target_id FROM copy_map WHERE target = ?", (target,))
        changed = [(new, target, kind, source) for kind, source, old in rows.fetchall()
                   if (new := server_id(old)) is not None and new != old]
        self._conn.executemany("UPDATE copy_map SET target_id = ? WHERE target = ? AND kind = ? AND source_id = ?",
                               changed)
        return len(changed)

    def counts(self, target: str) -> Mapping[str, int]:
        rows = self._conn.execute("SELECT kind, count(*) FROM copy_map WHERE target = ? GROUP BY kind", (target,))
        return dict(rows.fetchall())
