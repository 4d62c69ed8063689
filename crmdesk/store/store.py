"""The workspace store: one SQLite file per workspace, opened per thread."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from crmdesk.model import ObjectDef, Record
from crmdesk.store.changes import ChangeLog, Listener
from crmdesk.store.clock import canonical
from crmdesk.store.connection import BUSY_TIMEOUT_MS, open_connection, register_functions, translate_error
from crmdesk.store.copy_map import CopyMap
from crmdesk.store.edits import Edits
from crmdesk.store.entries import EntryRepo
from crmdesk.store.errors import DatabaseCorrupt, EmptyDatabase, MissingDatabase, StoreError
from crmdesk.store.field_history import FieldHistoryRepo
from crmdesk.store.links import IssueLinkRepo, LinkRepo
from crmdesk.store.migrations import migrate
from crmdesk.store.notes_tasks import NoteRepo, NotificationRepo, TaskRepo, TimelineRepo
from crmdesk.store.outbox import Outbox
from crmdesk.store.recent import RecentRecords
from crmdesk.store.records import RecordRepo, RecordRow
from crmdesk.store.reminders import ReminderRepo
from crmdesk.store.saved_views import SavedViewRepo
from crmdesk.store.schema_repo import SchemaRepo
from crmdesk.store.search import SearchHit, SearchIndex
from crmdesk.store.settings import WorkspaceSettings
from crmdesk.store.sync_tables import ConflictRepo, IdMap, SyncStateRepo
from crmdesk.store.value_index import search_body

log = logging.getLogger(__name__)

#: Field-history rows dropped per transaction when pruning.
PRUNE_BATCH = 20_000


class Store:
    """Everything in one workspace file. Not thread-safe: each thread opens its own."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        #: What SQLite said when a write met a damaged page: every later ``write()`` is refused.
        self.damaged: str | None = None
        register_functions(conn)
        #: What each committed write changed, for whoever listens (``add_change_listener``).
        self.changes = ChangeLog(conn)
        self.schema = SchemaRepo(conn, self.changes)
        #: Settings kept with the workspace (stale days, history retention, reminders, forecast).
        self.settings = WorkspaceSettings(self.schema, self.changes)
        self.search_index = SearchIndex(conn)
        #: Every value change seen: local edits and what pulls brought (``store/field_history.py``).
        self.history = FieldHistoryRepo(conn)
        self.records = RecordRepo(conn, self.schema, self.search_index, self.changes, self.history)
        self.entries = EntryRepo(conn, self.schema, self.changes)
        self.notes = NoteRepo(conn, self.search_index, self.changes)
        self.tasks = TaskRepo(conn, self.search_index, self.changes)
        self.timeline = TimelineRepo(conn, self.changes)
        self.notifications = NotificationRepo(conn, self.changes)
        self.reminders = ReminderRepo(conn, self.schema, self.changes)
        #: Links between records (with roles), and records' links to issue keys.
        self.links = LinkRepo(conn, self.changes)
        self.issue_links = IssueLinkRepo(conn, self.changes)
        self.outbox = Outbox(conn, self.changes)
        self.conflicts = ConflictRepo(conn, self.changes)
        self.id_map = IdMap(conn)
        self.copy_map = CopyMap(conn)
        self.sync_state = SyncStateRepo(conn)
        #: Records the user opened lately (the palette's "Recent").
        self.recent = RecentRecords(self)
        self.saved_views = SavedViewRepo(conn, self.write)
        self.edits = Edits(
            self.write, self.schema, self.records, self.entries, self.notes, self.tasks, self.outbox,
            self.notifications, self.timeline, self.links, self.issue_links,
        )

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        """Open (creating or upgrading) a workspace file; ``create=False`` for a workspace
        crmdesk already knows, whose file must still be there.

        Raises a ``StoreError`` with a message that says which file and what to do:
        ``NewerDatabase``, ``DatabaseCorrupt``, ``DatabaseLocked``, ``MigrationFailed``,
        ``ReadOnlyDatabase``, ``FolderNotWritable``, ``CannotOpenDatabase``, ``DiskFull``,
        ``EmptyDatabase``, ``MissingDatabase``.

        Opening never writes field history: every background read opens the file too, and must not
        wait on the sync's write lock. The app prunes once per workspace it opens (``prune_history``).
        """
        db_path = Path(path)
        _check_present(db_path, create)
        conn = open_connection(db_path, busy_timeout_ms=busy_timeout_ms)
        try:
            migrate(conn, db_path)
        except Exception:
            conn.close()
            raise
        store = cls(db_path, conn)
        if store.schema.get_meta("search_needs_values") == "1":
            store.rebuild_search()
        return store

    def close(self) -> None:
        self.conn.close()

    def is_open(self) -> bool:
        """False once closed: a workspace switch or the app quitting closes the store before a
        timer or a background answer that was already on its way reaches the view holding it."""
        try:
            self.conn.total_changes  # noqa: B018 - any use of a closed connection raises
        except sqlite3.ProgrammingError:
            return False
        return True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[None]:
        """One write transaction (nested calls join the outer one).

        ``durable=False`` is for data the server can send again (a pulled page): its
        commit survives a crash but not necessarily a power cut, and costs no fsync.
        User edits and push outcomes stay durable.
        """
        if self.conn.in_transaction:
            yield
            return
        if self.damaged is not None:
            raise DatabaseCorrupt(self.path, self.damaged)
        if not durable:
            self.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                self._raise_about_the_file(error)
                raise
            try:
                yield
            except sqlite3.Error as error:
                # The disk filled up, or a damaged page was met half-way: the transaction goes
                # whole, and the error says what happened to the file.
                self._rollback()
                self._raise_about_the_file(error)
                raise
            except BaseException:
                self._rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as error:
                self._rollback()
                self._raise_about_the_file(error)
                raise
            self.changes.committed()
        finally:
            if not durable:
                self.conn.execute("PRAGMA synchronous = FULL")

    def add_change_listener(self, listener: Listener) -> None:
        """Call ``listener(ChangeSet)`` after each committed write of this connection, in its
        thread (another connection's writes are told to that connection's listeners)."""
        self.changes.add_listener(listener)

    def remove_change_listener(self, listener: Listener) -> None:
        self.changes.remove_listener(listener)

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does on some errors)."""
        self.changes.rolled_back()
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rolling back a failed transaction on %s failed too", self.path)

    def _raise_about_the_file(self, error: sqlite3.Error) -> None:
        """Raise the store's error about the file for ``error`` (a full disk, a damaged page, a
        lock...); return when it is not one (a constraint, a statement: our bug, raised as it is).
        Damage found once stops every later write here: crmdesk writes nothing more into a file
        it has told the user to move away."""
        translated = translate_error(self.path, error)
        if translated is error:
            return
        if isinstance(translated, DatabaseCorrupt):
            self.damaged = str(error)
            # (INFO: the error is raised to whoever shows it; this line is for the log file.)
            log.info("%s is damaged (%s): no more writes to it", self.path, error)
        raise translated from error

    # -- conveniences used across layers ----------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        return self.search_index.search(text, limit)

    def put_server_records(self, obj: ObjectDef, records: list[Record]) -> list[int]:
        with self.write():
            return self.records.put_many(obj, records)

    def record_by_id(self, record_id: str) -> RecordRow | None:
        """A record of any object by id; a local id that a sync has since replaced still finds it
        (a script's kept id, an import's or an undo's record made offline)."""
        return self.records.get(record_id) or self.records.get(self.id_map.server_id(record_id) or "")

    def rewrite_local_id(self, local_id: str, server_id: str, entity: str) -> None:
        """Every reference to an offline-made id now names the server's id, in one transaction."""
        with self.write():
            self.schema.rewrite_list_id(local_id, server_id)
            self.records.rewrite_id(local_id, server_id)
            self.entries.rewrite_id(local_id, server_id)
            self.notes.rewrite_id(local_id, server_id)
            self.tasks.rewrite_id(local_id, server_id)
            self.reminders.rewrite_id(local_id, server_id)
            self.timeline.rewrite_id(local_id, server_id)
            self.links.rewrite_id(local_id, server_id)
            self.issue_links.rewrite_id(local_id, server_id)
            self.outbox.rewrite_id(local_id, server_id)
            self.conflicts.rewrite_target(local_id, server_id)
            self.id_map.add(local_id, server_id, entity)
            self.recent.rewrite(local_id, server_id)
            self.saved_views.rewrite_id(local_id, server_id)

    def prune_history(self, now: datetime, batch: int = PRUNE_BATCH) -> int:
        """Drop field history older than ``settings.history_retention_days`` before ``now`` (the
        app's clock, ``AppContext.now``); how many rows went. Called once when the app opens a
        workspace, before its sync starts. A file that cannot be written now (locked, read-only)
        keeps them until the next time: history that lives a little longer harms nothing."""
        before = canonical(now - timedelta(days=self.settings.history_retention_days))
        pruned = 0
        try:
            # The usual open: one indexed read, no write lock. After the retention was cut short,
            # millions of rows may be due: they go in short transactions, so the sync's writes
            # (and the window) never wait behind one long delete.
            while self.history.any_before(before):
                with self.write(durable=False):
                    pruned += self.history.prune(before, batch)
        except StoreError as error:
            log.info("field history of %s not pruned this time: %s", self.path, error)
        return pruned

    def forget_links_of(self, record_id: str, *, queued: bool) -> None:
        """The record's links and issue keys leave the cache (the server drops them with the
        record); with ``queued``, the changes queued for them too (they could never be sent).
        The caller owns the transaction."""
        if queued:
            self.outbox.remove_links_of(record_id)
        self.links.delete_for_record(record_id)
        self.issue_links.delete_for_record(record_id)

    def rebuild_search(self) -> None:
        """Re-index every record's text-like values (after an upgrade or a schema change)."""
        with self.write():
            for obj in self.schema.objects().values():
                title_attr = obj.title_attribute
                skip = title_attr.slug if title_attr else None
                rows = self.conn.execute(
                    "SELECT rowid, title, values_json FROM records WHERE object_slug = ?", (obj.slug,)
                ).fetchall()
                self.conn.executemany("DELETE FROM search_index WHERE rowid = ?", [(r[0],) for r in rows])
                self.search_index.put_many(
                    [(rowid, title, search_body(obj.attributes, json.loads(values), skip))
                     for rowid, title, values in rows]
                )
            self.schema.set_meta("search_needs_values", None)


def _check_present(path: Path, create: bool) -> None:
    """SQLite opens a missing or 0-byte file as a new, empty database: a workspace whose file
    went missing or lost its bytes would silently start afresh. A 0-byte file whose journal
    (``-wal``) holds data is a fresh file whose first writes were not checkpointed yet: fine."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        if not create:
            raise MissingDatabase(path) from None
        return
    except OSError:
        return  # open_connection names what is wrong with it
    if size == 0 and path.is_file():
        wal = path.with_name(path.name + "-wal")
        if not (wal.exists() and wal.stat().st_size > 0):
            raise EmptyDatabase(path)
