"""The sandbox's CRM core: one SQLite file (``core/tables.py``) and the stores over it.

Facades (``crmdesk.sandbox.facades``) translate HTTP to calls on a ``Core``: the aria
facade on its stores (schema, records, lists, notes, tasks, notifications, workspace), the
atomic facade on its workspace and the ``atomic_*`` tables it keeps in the same file
(``crmdesk.sandbox.atomic.store``). Tests reach the same stores through
``SandboxServer.core`` to change server-side data directly (another user's edit, a
deleted record…).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from crmdesk.sandbox.clock import Clock
from crmdesk.sandbox.core.collab import NoteStore, NotificationStore, TaskStore
from crmdesk.sandbox.core.db import Database
from crmdesk.sandbox.core.errors import BadRequest, CoreError, Forbidden, NotFound, Unprocessable
from crmdesk.sandbox.core.lists import ListStore
from crmdesk.sandbox.core.records import RecordStore
from crmdesk.sandbox.core.schema import SchemaStore
from crmdesk.sandbox.core.standard import install_standard_objects
from crmdesk.sandbox.core.workspace import WorkspaceStore


class Core:
    def __init__(self, db_path: Path | None = None) -> None:
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if db_path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="crmdesk-sandbox-")
            db_path = Path(self._tempdir.name) / "sandbox.sqlite"
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(db_path)
        self.clock = Clock()
        latest = self.db.scalar("SELECT MAX(updated_at) FROM records")
        if latest:
            self.clock.observe(latest)
        self.schema = SchemaStore(self.db, self.clock)
        self.records = RecordStore(self.db, self.clock, self.schema)
        self.lists = ListStore(self.db, self.clock, self.schema, self.records)
        self.notes = NoteStore(self.db, self.clock, self.records)
        self.tasks = TaskStore(self.db, self.clock, self.records)
        self.notifications = NotificationStore(self.db, self.clock)
        self.workspace = WorkspaceStore(self.db, self.clock)

    @property
    def path(self) -> Path:
        return self.db.path

    def is_initialised(self) -> bool:
        return self.db.one("SELECT 1 FROM workspace") is not None

    def initialise(self, name: str = "Sandbox", slug: str = "sandbox", *, standard_objects: bool = True) -> None:
        """A workspace with the standard objects (people, companies, deals) and nothing else;
        without them for a facade that keeps its data in tables of its own (atomic)."""
        self.workspace.create(name, slug)
        if standard_objects:
            install_standard_objects(self.schema)

    @property
    def dialect(self) -> str | None:
        """The facade the file was made for (``meta``'s ``dialect`` row); ``None`` in a file
        from before it was recorded."""
        value = self.db.scalar("SELECT value FROM meta WHERE key = 'dialect'")
        return None if value is None else str(value)

    @dialect.setter
    def dialect(self, name: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dialect', ?)", (name,))

    def close(self) -> None:
        self.db.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None


__all__ = ["BadRequest", "Core", "CoreError", "Forbidden", "NotFound", "Unprocessable"]
