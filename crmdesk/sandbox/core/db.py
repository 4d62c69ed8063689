"""The core's SQLite file: its tables are SQLModel models (``core/tables.py``).

The file is created from the models (``SQLModel.metadata.create_all`` of the core's own
tables, ``core_tables``, on an SQLAlchemy engine over the same path; a facade with tables of
its own creates them with ``create_tables``); readers that are not hot (the workspace, one member, the
token list) ``select`` models on a ``session()``. The hot paths keep one plain ``sqlite3``
connection and SQL on the same tables: values are JSON documents evaluated by
``crmdesk.model``'s filter code, a page of 200 records is one indexed SELECT plus
``json.loads``, and the demo build is a handful of ``executemany`` calls without per-row
objects. An ``RLock`` serialises access, sessions included; the server is one event loop
thread and tests poke the core from their own thread. A session has its own connection
(the file is in WAL mode), so it sees what was committed: do not read through one inside
``transaction()``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Table, create_engine
from sqlmodel import Session, SQLModel

from crmdesk.sandbox.core.tables import core_tables


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        # A sandbox loses nothing that matters on power loss; speed counts more.
        self.conn.execute("PRAGMA synchronous=OFF")
        # URL.create takes the path as it is (a "?" or "%" in it is not read as URL syntax).
        self.engine = create_engine(URL.create("sqlite", database=str(path)))
        SQLModel.metadata.create_all(self.engine, tables=core_tables())
        self._add_missing_columns()

    def create_tables(self, tables: Sequence[Table]) -> None:
        """Create ``tables`` (a facade's own) where missing, and any index a table made by an
        older sandbox lacks (``create_all`` skips a table that exists, and with it its indexes)."""
        SQLModel.metadata.create_all(self.engine, tables=list(tables))
        self._add_missing_indexes(tables)

    def _add_missing_columns(self) -> None:
        """Demo files made by an older sandbox lack later columns and indexes; add them in place.

        ``create_all`` skips a table that exists, and with it the table's indexes.
        """
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(records)")}
        if "sent" not in columns:
            self.conn.execute("ALTER TABLE records ADD COLUMN sent TEXT NOT NULL DEFAULT '{}'")
        if "celebration_enabled" not in {row[1] for row in self.conn.execute("PRAGMA table_info(options)")}:
            self.conn.execute("ALTER TABLE options ADD COLUMN celebration_enabled INTEGER NOT NULL DEFAULT 0")
            # The seeded Won stage celebrates, as it would have been made now (else it reads as lost).
            self.conn.execute(
                "UPDATE options SET celebration_enabled = 1 WHERE title = 'Won' AND is_active = 0 AND attribute_id IN"
                " (SELECT a.id FROM attributes a JOIN objects o ON o.id = a.object_id"
                "  WHERE o.slug = 'deals' AND a.slug = 'stage' AND a.is_system = 1)")
        self._add_missing_indexes(core_tables())

    def _add_missing_indexes(self, tables: Sequence[Table]) -> None:
        with self.engine.begin() as connection:
            for table in tables:
                for index in table.indexes:
                    index.create(connection, checkfirst=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An SQLModel session on the same file, for reads that are not hot; under the lock."""
        with self.lock, Session(self.engine) as session:
            yield session

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
            self.engine.dispose()
            self.conn.close()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
