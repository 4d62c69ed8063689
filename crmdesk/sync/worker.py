"""The sync worker: a QObject living in its own QThread, with its own store connection and
backend. It runs the engine on triggers and reports through queued signals, so the GUI
thread never waits on the network or on a sync's database writes."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from crmdesk.remote import Backend
from crmdesk.store import Store, StoreError
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import SyncReport, SyncStatus

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 60_000
#: How soon a thread holding the GIL hands it over while the worker runs (see ``SyncController.start``).
GIL_SWITCH_INTERVAL_S = 0.001
#: After a local edit, wait this long for more typing before pushing: long enough to make a run
#: of keystrokes one request, short enough for an edit to reach the server within 2 seconds.
EDIT_DEBOUNCE_MS = 600
#: Waits after failures: 5 s, 10 s, 20 s … at most 5 minutes.
BACKOFF_START_MS = 5_000
BACKOFF_MAX_MS = 300_000
#: Without "changed since" a pull reads every record, and notes, tasks, entries and notifications
#: are re-read whole on any server: at start, on "Sync now", and at most this often in between
#: (the 60-second syncs between push and, where the server can, pull only what changed).
DEFAULT_SCAN_INTERVAL = timedelta(minutes=15)
#: The window's setting (QSettings) for that interval, in minutes.
SCAN_SETTING = "sync/full_scan_minutes"


def scan_interval_from(settings: Any) -> timedelta:
    """The full-scan interval a QSettings (or None) holds under ``SCAN_SETTING``, in minutes: kept
    between one minute and a day; the default when it is missing or not a number."""
    raw = settings.value(SCAN_SETTING, None) if settings is not None else None
    try:
        minutes = float(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        log.info("ignoring %s = %.20r: not a number of minutes", SCAN_SETTING, raw)
        minutes = None
    if minutes is None or minutes != minutes:  # missing, or NaN
        return DEFAULT_SCAN_INTERVAL
    return timedelta(minutes=min(max(1.0, minutes), 24 * 60.0))


class SyncWorker(QObject):
    """Lives in the worker thread. Create it with ``SyncController``, never directly."""

    state_changed = Signal(str, str)  # status, message
    progress = Signal(str, int, int)  # phase, done, total (-1: unknown)
    changed = Signal(object)  # ChangeSet: what one commit of the worker's connection changed
    finished = Signal(object)  # SyncReport
    #: A failed round will be tried again in this many milliseconds (the backoff timer started).
    retry_scheduled = Signal(int)

    def __init__(
        self, db_path: Path, backend_factory: Callable[[], Backend], interval_ms: int,
        scan_interval: timedelta = DEFAULT_SCAN_INTERVAL,
    ) -> None:
        super().__init__()
        self._db_path = db_path
        self._backend_factory = backend_factory
        self._interval_ms = interval_ms
        self._scan_interval = scan_interval
        self.cancel_event = threading.Event()
        #: Set by the GUI thread the moment the user edits (``SyncController.local_edit``): a scan
        #: running in this thread pushes at its next page boundary instead of after its last page.
        self.push_event = threading.Event()
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
        # Each commit of this connection (a page stored, a push's outcome, a timeline) reaches
        # the window as it happens, not when the round ends.
        self._store.add_change_listener(self.changed.emit)
        # Collections follow the scans' rule: re-read whole at start, on "Sync now", and on the
        # slow cadence.
        self._engine = SyncEngine(self._store, self._backend_factory(), progress=self._report_progress,
                                  cancel=self.cancel_event, collections_interval=self._scan_interval,
                                  scan_interval=self._scan_interval, push_requested=self.push_event)
        self._timer = QTimer(self)
        self._timer.setInterval(self._interval_ms)
        self._timer.timeout.connect(self.sync_now)
        self._timer.start()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(EDIT_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.push_now)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.sync_now)
        self.sync_all()

    @Slot(int)
    def set_scan_minutes(self, minutes: int) -> None:
        """The user chose another cadence for full scans (and the collections' re-reads)."""
        self._scan_interval = timedelta(minutes=minutes)
        if self._engine is not None:
            self._engine.scan_interval = self._engine.collections_interval = self._scan_interval

    @Slot()
    def local_edit(self) -> None:
        """A local edit was made: push it (a push round, not a scan) once typing pauses."""
        if self._debounce is not None:
            self._debounce.start()

    @Slot()
    def sync_all(self) -> None:
        """The user asked (or the app just started): everything — a full scan where the server has
        no "changed since", and the collections."""
        self._force_next = True
        self.sync_now()

    @Slot()
    def sync_now(self) -> None:
        """The timer's (and a retry's) round: push, then records and collections where due."""
        if self._engine is None:
            return
        if self._running:
            self._again = True
            return
        force, self._force_next = self._force_next, False
        engine = self._engine
        self._run(lambda: engine.sync(force_collections=force, force_scan=force))

    @Slot()
    def push_now(self) -> None:
        """Send what the user queued: the touched records are checked and the outbox pushed; no
        records page is read. Nothing queued: no round at all."""
        if self._engine is None or self._store is None:
            return
        # (A round never lets this thread's events run: no round is under way here. One that a
        # scan runs pushes at its page boundaries, the GUI thread having set ``push_event``.)
        if not self._store.outbox.unsent():
            self.push_event.clear()
            return
        self._run(self._engine.push)

    def _run(self, round_: Callable[[], SyncReport]) -> None:
        self._running = True
        self.cancel_event.clear()
        self.state_changed.emit(SyncStatus.SYNCING.value, "")
        try:
            report = round_()
        except Exception as error:  # our bug: say so, keep the worker alive for the next trigger
            log.exception("sync failed unexpectedly")
            report = SyncReport(SyncStatus.ERROR, f"Unexpected error: {error}")
        self._running = False
        self._after(report)

    def _after(self, report: SyncReport) -> None:
        self.state_changed.emit(report.status.value, report.message)
        self.finished.emit(report)
        if report.status in (SyncStatus.OFFLINE, SyncStatus.ERROR):
            self._backoff_ms = min(BACKOFF_MAX_MS, max(BACKOFF_START_MS, self._backoff_ms * 2))
            if self._retry is not None:
                self._retry.start(self._backoff_ms)
                self.retry_scheduled.emit(self._backoff_ms)
        else:
            self._backoff_ms = 0
        if self._again and report.status is SyncStatus.SYNCED:
            self._again = False
            QTimer.singleShot(0, self.sync_now)

    def _report_progress(self, phase: str, done: int, total: int | None) -> None:
        self.progress.emit(phase, done, -1 if total is None else total)

    @Slot(str)
    def open_record(self, record_id: str) -> None:
        """The user opened a record: fetch its timeline, then its links (each on its own: one
        failing does not keep the other away)."""
        if self._engine is None:
            return
        try:
            self._engine.pull_timeline(record_id)
        except Exception as error:
            log.info("timeline of %s not fetched: %s", record_id, error)
        try:
            if self._engine.capabilities.record_links:
                self._engine.pull_links(record_id)
        except Exception as error:
            log.info("links of %s not fetched: %s", record_id, error)

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
    request_scan_minutes = Signal(int)

    def __init__(
        self,
        db_path: Path,
        backend_factory: Callable[[], Backend],
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
        *,
        scan_interval: timedelta = DEFAULT_SCAN_INTERVAL,
    ) -> None:
        super().__init__(parent)
        # Not ``self.thread``: that would hide QObject.thread() (the thread this object lives in).
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("crmdesk-sync")
        self.worker = SyncWorker(db_path, backend_factory, interval_ms, scan_interval)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.start)
        self.request_sync.connect(self.worker.sync_all)
        self.request_local_edit.connect(self.worker.local_edit)
        self.request_open_record.connect(self.worker.open_record)
        self.request_scan_minutes.connect(self.worker.set_scan_minutes)
        # ``finished`` is emitted in the worker thread after its event loop ends: the worker's
        # timers, connection and client are closed in the thread that owns them.
        self.worker_thread.finished.connect(self.worker.shutdown, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        # The worker's Python (decoding pages) and the window's (painting rows) share one GIL.
        # Each of the hundreds of small calls a repaint makes can wait a whole switch interval
        # for it (5 ms by default): the window stalled up to 500–665 ms during a first 100k pull,
        # 250–305 ms at 0.5–1 ms, which made that pull ~20% slower (benchmarks/bench_live_window).
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_INTERVAL_S))
        self.worker_thread.start()

    def sync_now(self) -> None:
        self.request_sync.emit()

    def set_scan_minutes(self, minutes: int) -> None:
        self.request_scan_minutes.emit(minutes)

    def local_edit(self) -> None:
        # Set here, in the GUI thread: the worker thread may be inside a scan, where the queued
        # signal below would wait for the scan's end; the scan looks at the event between pages.
        self.worker.push_event.set()
        self.request_local_edit.emit()

    def cancel(self) -> None:
        """Stop at the next request boundary (thread-safe: just sets an event)."""
        self.worker.cancel_event.set()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Cancel, close the worker's connection and end the thread. The outbox is on disk."""
        self.cancel()
        self.worker_thread.quit()
        return self.worker_thread.wait(timeout_ms)
