"""Records the user opened lately, newest first, kept in the workspace file.

A JSON list of record ids in the ``meta`` table (``meta_list``; no table of its own, so no
migration): a workspace file opened by an older crmdesk simply keeps the key unread. Ids of
records deleted since are skipped when listed and dropped at the next visit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmdesk.store.meta_list import read_list, write_list

if TYPE_CHECKING:
    from crmdesk.store.store import Store

RECENT_META = "recent_records"
#: How many visits are kept (the palette shows fewer).
KEPT = 30
#: How long a visit waits for the sync's write lock before it is skipped (a user's edit waits the
#: connection's full busy timeout; a skipped visit costs nothing, a frozen window does).
VISIT_WAIT_MS = 250


@dataclass(frozen=True, slots=True)
class RecentRecord:
    id: str
    title: str
    object_slug: str


class RecentRecords:
    def __init__(self, store: Store) -> None:
        self._store = store

    def ids(self) -> list[str]:
        """Every kept id, newest first; an unreadable value (a damaged or foreign key) reads as none."""
        return [item for item in read_list(self._store.schema, RECENT_META) if isinstance(item, str)]

    def visited(self, record_id: str) -> None:
        """``record_id`` was opened: it moves to the front. Raises ``DatabaseLocked`` when another
        connection holds the write lock for longer than ``VISIT_WAIT_MS``."""
        before = self.ids()
        ids = [record_id, *(known for known in before if known != record_id)]
        present = self._present(ids)
        kept = [known for known in ids if known in present][:KEPT]
        if kept == before:
            return  # opened again first (Back, Forward, a second look): nothing to write
        conn: sqlite3.Connection = self._store.conn
        waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout = {VISIT_WAIT_MS}")
        try:
            # Not durable: a visit lost in a power cut is not worth an fsync on every navigation.
            with self._store.write(durable=False):
                write_list(self._store.schema, RECENT_META, kept)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(waits)}")

    def rewrite(self, local_id: str, server_id: str) -> None:
        """A record made offline got its server id: its visit keeps its place under the new id."""
        ids = self.ids()
        if local_id in ids:
            with self._store.write(durable=False):
                write_list(self._store.schema, RECENT_META,
                           [server_id if known == local_id else known for known in ids])

    def records(self, limit: int = 8, *, leaving_out: str | None = None) -> list[RecentRecord]:
        """The newest ``limit`` records still in the workspace (without ``leaving_out``), newest first."""
        ids = [known for known in self.ids() if known != leaving_out]
        found = self._rows(ids)
        return [found[known] for known in ids if known in found][:limit]

    def _present(self, ids: list[str]) -> set[str]:
        return set(self._rows(ids))

    def _rows(self, ids: list[str]) -> dict[str, RecentRecord]:
        if not ids:
            return {}
        conn: sqlite3.Connection = self._store.conn
        rows = conn.execute(
            f"SELECT id, title, object_slug FROM records WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
        return {row[0]: RecentRecord(row[0], row[1], row[2]) for row in rows}
