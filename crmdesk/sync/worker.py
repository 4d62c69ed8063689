"""The sync worker: a QObject living in its own QThread, with its own store connection and
backend. It runs the engine on triggers and reports through queued signals, so the GUI
thread never waits on the network or on a sync's database writes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from crmdesk.remote import Backend
from crmdesk.store import Store, StoreError
from crmdesk.sync.changes import ChangeSet
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import SyncReport, SyncStatus

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 60_000
EDIT_DEBOUNCE_MS = 1_500
#: Waits after failures: 5 s, 10 s, 20 s … at most 5 minutes.
BACKOFF_START_MS = 5_000
BACKOFF_MAX_MS = 300_000
#: Notes, tasks, entries and notifications are re-read whole (no "changed since"): at most
#: this often on background syncs; "Sync now" always includes them.
COLLECTIONS_INTERVAL = timedelta(minutes=2)


class SyncWorker(QObject):
    """Lives in the worker thread. Create it with ``SyncController``, never directly."""

    state_changed = Signal(str, str)  # status, message
    progress = Signal(str, int, int)  # phase, done, total (-1: unknown)
    changed = Signal(object)  # ChangeSet
    pending_changed = Signal(int)
    conflicts_changed = Signal(int)
    finished = Signal(object)  # SyncReport

    def __init__(self, db_path: Path, backend_factory: Callable[[], Backend], interval_ms: int) -> None:
        super().__init__()
        self._db_path = db_path
        self._backend_factory = backend_factory
        self._interval_ms = interval_ms
        self.cancel_event = threading.Event()
        self._store: Store | None = None
        self._engine: SyncEngine | None = None
        self._running = False
        self._again = False
        self._backoff_ms = 0
        self._force_next = False
        self._timer: QTimer | None = None
        self._debounce: QTimer | None = None
        self._retry: QTimer | None = None

    @Slot()
    def start(self) -> None:
        """Runs in the worker thread: open our own connection, set up timers, first sync."""
        try:
            # Never create it: a file that went missing while the window had it open must not
            # come back empty and be synced into as if it were new.
            self._store = Store.open(self._db_path, create=False)
        except StoreError as error:
            self.state_changed.emit(SyncStatus.ERROR.value, error.message)
            return
        self._engine = SyncEngine(self._store, self._backend_factory(), progress=self._report_progress,
                                  cancel=self.cancel_event, collections_interval=COLLECTIONS_INTERVAL)
        self._timer = QTimer(self)
        self._timer.setInterval(self._interval_ms)
        self._timer.timeout.connect(self.sync_now)
        self._timer.start()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(EDIT_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sync_now)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.sync_now)
        self._emit_counts()
        self.sync_all()

    @Slot()
    def local_edit(self) -> None:
        """A local edit was made: sync soon, once typing pauses."""
        self._emit_counts()
        if self._debounce is not None:
            self._debounce.start()

    @Slot()
    def sync_all(self) -> None:
        """The user asked (or the app just started): everything, collections included."""
        self._force_next = True
        self.sync_now()

    @Slot()
    def sync_now(self) -> None:
        if self._engine is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.cancel_event.clear()
        force, self._force_next = self._force_next, False
        self.state_changed.emit(SyncStatus.SYNCING.value, "")
        try:
            report = self._engine.sync(force_collections=force)
        except Exception as error:  # our bug: say so, keep the worker alive for the next trigger
            log.exception("sync failed unexpectedly")
            report = SyncReport(SyncStatus.ERROR, f"Unexpected error: {error}")
        self._running = False
        self._after(report)

    def _after(self, report: SyncReport) -> None:
        if not report.changes.is_empty():
            self.changed.emit(report.changes)
        self._emit_counts()
        self.state_changed.emit(report.status.value, report.message)
        self.finished.emit(report)
        if report.status in (SyncStatus.OFFLINE, SyncStatus.ERROR):
            self._backoff_ms = min(BACKOFF_MAX_MS, max(BACKOFF_START_MS, self._backoff_ms * 2))
            if self._retry is not None:
                self._retry.start(self._backoff_ms)
        else:
            self._backoff_ms = 0
        if self._again and report.status is SyncStatus.SYNCED:
            self._again = False
            QTimer.singleShot(0, self.sync_now)

    def _report_progress(self, phase: str, done: int, total: int | None) -> None:
        self.progress.emit(phase, done, -1 if total is None else total)

    def _emit_counts(self) -> None:
        if self._store is None:
            return
        from crmdesk.model import MutationState

        pending = self._store.outbox.count() - self._store.outbox.count(MutationState.REJECTED)
        self.pending_changed.emit(pending)
        self.conflicts_changed.emit(self._store.conflicts.count())

    @Slot(str)
    def open_record(self, record_id: str) -> None:
        """The user opened a record: fetch its timeline."""
        if self._engine is None:
            return
        try:
            self._engine.pull_timeline(record_id)
        except Exception as error:
            log.info("timeline of %s not fetched: %s", record_id, error)
            return
        changes = ChangeSet()
        changes.record_ids.add(record_id)
        self.changed.emit(changes)

    @Slot()
    def shutdown(self) -> None:
        # Timers belong to this thread: stop and destroy them here, not at interpreter exit
        # from the GUI thread (Qt would warn that timers cannot be stopped from another thread).
        for timer_name in ("_timer", "_debounce", "_retry"):
            timer = getattr(self, timer_name, None)
            if timer is not None:
                timer.stop()
                timer.setParent(None)
                setattr(self, timer_name, None)
                del timer
        if self._engine is not None:
            self._engine.backend.close()
        if self._store is not None:
            self._store.close()
            self._store = None
        self._engine = None


class SyncController(QObject):
    """Owned by the GUI thread: starts the worker thread and forwards triggers to it."""

    request_sync = Signal()
    request_local_edit = Signal()
    request_open_record = Signal(str)

    def __init__(
        self,
        db_path: Path,
        backend_factory: Callable[[], Backend],
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("crmdesk-sync")
        self.worker = SyncWorker(db_path, backend_factory, interval_ms)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.request_sync.connect(self.worker.sync_all)
        self.request_local_edit.connect(self.worker.local_edit)
        self.request_open_record.connect(self.worker.open_record)
        # ``finished`` is emitted in the worker thread after its event loop ends: the worker's
        # timers, connection and client are closed in the thread that owns them.
        self.thread.finished.connect(self.worker.shutdown, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def sync_now(self) -> None:
        self.request_sync.emit()

    def local_edit(self) -> None:
        self.request_local_edit.emit()

    def cancel(self) -> None:
        """Stop at the next request boundary (thread-safe: just sets an event)."""
        self.worker.cancel_event.set()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Cancel, close the worker's connection and end the thread. The outbox is on disk."""
        self.cancel()
        self.thread.quit()
        return self.thread.wait(timeout_ms)
