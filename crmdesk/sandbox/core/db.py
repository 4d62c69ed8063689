"""The core's SQLite file: one connection shared by the server thread and tests.

Plain ``sqlite3`` rather than SQLModel: values are JSON documents evaluated by
``crmdesk.model``'s filter code, the hot path (a page of 200 records) is one
indexed SELECT, and bulk demo builds need ``executemany`` without per-row ORM
objects. An ``RLock`` serialises access; the server is one event loop thread and
tests poke the core from their own thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspace (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL, settings TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, email TEXT NOT NULL,
    role TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, name TEXT NOT NULL, user_id TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, singular_name TEXT NOT NULL,
    plural_name TEXT NOT NULL, icon TEXT, is_system INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY, object_id TEXT, list_id TEXT, slug TEXT NOT NULL, title TEXT NOT NULL,
    type TEXT NOT NULL, config TEXT NOT NULL, is_system INTEGER NOT NULL, is_required INTEGER NOT NULL,
    is_unique INTEGER NOT NULL, is_multiselect INTEGER NOT NULL, sort_order INTEGER NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS options (
    id TEXT PRIMARY KEY, attribute_id TEXT NOT NULL, title TEXT NOT NULL, color TEXT,
    sort_order INTEGER NOT NULL, is_active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, object_id TEXT NOT NULL,
    title TEXT NOT NULL, subtitle TEXT NOT NULL DEFAULT '', search TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    sent TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS records_by_created ON records (object_id, created_at);
CREATE INDEX IF NOT EXISTS records_by_updated ON records (updated_at);
CREATE INDEX IF NOT EXISTS records_by_object_updated ON records (object_id, updated_at);
CREATE TABLE IF NOT EXISTS refs (
    source_id TEXT NOT NULL, attribute_slug TEXT NOT NULL, target_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refs_by_source ON refs (source_id);
CREATE INDEX IF NOT EXISTS refs_by_target ON refs (target_id);
CREATE TABLE IF NOT EXISTS lists (
    id TEXT PRIMARY KEY, object_id TEXT NOT NULL, name TEXT NOT NULL, slug TEXT NOT NULL,
    is_private INTEGER NOT NULL, created_by TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, list_id TEXT NOT NULL,
    record_id TEXT NOT NULL, data TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, UNIQUE (list_id, record_id));
CREATE TABLE IF NOT EXISTS notes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL,
    title TEXT NOT NULL, content TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notes_by_record ON notes (record_id);
CREATE INDEX IF NOT EXISTS notes_by_created ON notes (created_at, seq);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, content TEXT NOT NULL,
    deadline TEXT, is_completed INTEGER NOT NULL, completed_at TEXT, created_by TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS task_records (task_id TEXT NOT NULL, record_id TEXT NOT NULL, position INTEGER);
CREATE INDEX IF NOT EXISTS task_records_by_record ON task_records (record_id);
CREATE TABLE IF NOT EXISTS task_assignees (task_id TEXT NOT NULL, user_id TEXT NOT NULL, position INTEGER);
CREATE TABLE IF NOT EXISTS notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
    type TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, record_id TEXT,
    is_read INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    user_id TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key));
"""


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        # A sandbox loses nothing that matters on power loss; speed counts more.
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.executescript(SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Demo files made by an older sandbox lack later columns; add them in place."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(records)")}
        if "sent" not in columns:
            self.conn.execute("ALTER TABLE records ADD COLUMN sent TEXT NOT NULL DEFAULT '{}'")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
