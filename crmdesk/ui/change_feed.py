"""One stream of change notices for the window's views.

Notices come from the window's own store connection (a local edit, an undo, a dialog's
write: told as soon as it commits), from the sync worker's connection (each page or push
outcome it stores, through a queued signal) and, for writes by another process (a
``crmdesk records set`` in a terminal), from a check when the application becomes active.
The feed merges what arrives close together and hands the views one ``ChangeSet`` at most
every ``interval_ms``: a 100,000-record pull commits hundreds of pages, and re-querying an
open table for each would stall the window. A notice after a quiet spell goes out on the
next turn of the event loop, so a local edit reaches the view on screen (and the status bar)
at once; the window holds the notices of hidden views and hands them over, merged, when one
is shown again (``MainWindow.on_changed``/``navigate``).
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet

#: At most this often the views re-read what changed while a sync streams pages in.
DISPATCH_INTERVAL_MS = 250


class ChangeFeed(QObject):
    #: The merged notice for the views (delivered in the GUI thread).
    dispatched = Signal(object)

    def __init__(self, parent: QObject | None = None, interval_ms: int = DISPATCH_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._interval_ms = interval_ms
        self._pending = ChangeSet()
        self._since_last = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._store: Store | None = None
        #: The store file's ``PRAGMA data_version`` when the views last heard of every change.
        self._seen_version: int | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state_changed)

    def watch(self, store: Store | None) -> None:
        """Listen to this connection's commits (None: the window has no workspace open)."""
        if self._store is not None:
            self._store.remove_change_listener(self.add)
        self._store = store
        self._pending = ChangeSet()
        if store is not None:
            store.add_change_listener(self.add)
            self._seen_version = _data_version(store)

    @Slot(object)
    def add(self, changes: ChangeSet) -> None:
        """A notice from any source; the views get it soon, merged with its neighbours."""
        self._pending.update(changes)
        if self._timer.isActive():
            return
        elapsed = self._since_last.elapsed() if self._since_last.isValid() else self._interval_ms
        self._timer.start(max(0, self._interval_ms - elapsed))

    @Slot()
    def flush(self) -> None:
        self._timer.stop()
        if self._pending.is_empty():
            return
        changes, self._pending = self._pending, ChangeSet()
        self._since_last.start()
        if self._store is not None and _data_version(self._store) is None:
            return  # its workspace was closed meanwhile: no view of it is left to tell
        self.dispatched.emit(changes)

    def check_other_writers(self) -> None:
        """Another process may have written the file (the command line): if the file changed
        since the last check, the views re-read every object, in place. The sync worker's commits
        move the same counter, so the first activation after a sync re-reads too: a notice cannot
        say which commits it explains, and a terminal's edit must never be missed."""
        store = self._store
        if store is None:
            return
        version = _data_version(store)
        if version is None or version == self._seen_version:
            return
        self._seen_version = version
        store.schema.invalidate()
        self.add(ChangeSet(objects=set(store.schema.objects()), lists=set(store.schema.lists()), notes=True,
                           tasks=True, members=True, notifications=True, outbox=True, conflicts=True))

    @Slot(Qt.ApplicationState)
    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_other_writers()


def _data_version(store: Store) -> int | None:
    """SQLite's counter of commits by other connections to this file (ours do not move it);
    None once the store is closed (the window is switching workspaces or quitting)."""
    try:
        return int(store.conn.execute("PRAGMA data_version").fetchone()[0])
    except sqlite3.ProgrammingError:
        return None
