"""Full-text search over record titles, text-like values, notes and tasks (FTS5)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from crmdesk.store.schema_steps import NOTE_ROWID_OFFSET, TASK_ROWID_OFFSET

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 8


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "record", "note" or "task"
    id: str  # the record, note or task id
    title: str
    snippet: str
    object_slug: str | None = None
    record_id: str | None = None  # for notes: the record they belong to


def fts_query(text: str) -> str | None:
    """User text → an FTS5 query: every word must match as a prefix, in any column.

    Words are quoted, so FTS5 syntax characters a user types (quotes, ``*``,
    ``AND``, ``-``) are searched for rather than interpreted.
    """
    tokens = _TOKEN.findall(text.lower())[:MAX_TOKENS]
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


class SearchIndex:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def put(self, rowid: int, title: str, body: str, *, replace: bool = True) -> None:
        if replace:
            self._conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        self._conn.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body)
        )

    def put_many(self, rows: list[tuple[int, str, str]]) -> None:
        self._conn.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", rows)

    def delete(self, rowid: int) -> None:
        self._conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        query = fts_query(text)
        if query is None:
            return []
        rows = self._conn.execute(
            "SELECT rowid, snippet(search_index, 1, '', '', '…', 8) FROM search_index"
            " WHERE search_index MATCH ? ORDER BY bm25(search_index, 10.0, 1.0) LIMIT ?",
            (query, limit),
        ).fetchall()
        return [hit for hit in (self._hit(rowid, snippet) for rowid, snippet in rows) if hit is not None]

    def _hit(self, rowid: int, snippet: str) -> SearchHit | None:
        if rowid >= TASK_ROWID_OFFSET:
            row = self._conn.execute(
                "SELECT id, content FROM tasks WHERE rowid = ?", (rowid - TASK_ROWID_OFFSET,)
            ).fetchone()
            return SearchHit("task", row[0], row[1], snippet) if row else None
        if rowid >= NOTE_ROWID_OFFSET:
            row = self._conn.execute(
                "SELECT id, title, record_id FROM notes WHERE rowid = ?", (rowid - NOTE_ROWID_OFFSET,)
            ).fetchone()
            return SearchHit("note", row[0], row[1], snippet, record_id=row[2]) if row else None
        row = self._conn.execute(
            "SELECT id, title, object_slug FROM records WHERE rowid = ?", (rowid,)
        ).fetchone()
        return SearchHit("record", row[0], row[1], snippet, object_slug=row[2]) if row else None
