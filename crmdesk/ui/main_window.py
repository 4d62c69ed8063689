"""The main window. For now: a sidebar of objects with record counts and the sync status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter

if TYPE_CHECKING:
    from crmdesk.app import AppContext
    from crmdesk.sync.changes import ChangeSet

_STATUS_TEXT = {
    "idle": "Not synced yet",
    "syncing": "Syncing…",
    "synced": "Synced",
    "offline": "Offline — your edits are kept and will be sent later",
    "auth_needed": "Sign-in needed",
    "error": "Sync error",
    "cancelled": "Sync cancelled",
}


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("crmdesk")
        self.resize(1200, 760)
        splitter = QSplitter(self)
        self.sidebar = QListWidget(splitter)
        self.sidebar.setMaximumWidth(260)
        self.empty_state = QLabel(splitter)
        self.empty_state.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.sync_label = QLabel(_STATUS_TEXT["idle"])
        self.sync_label.setTextFormat(Qt.TextFormat.PlainText)
        self.pending_label = QLabel("")
        self.statusBar().addWidget(self.sync_label, 1)
        self.statusBar().addPermanentWidget(self.pending_label)
        if context.sync is not None:
            worker = context.sync.worker
            worker.state_changed.connect(self.show_sync_state)
            worker.pending_changed.connect(self.show_pending)
            worker.changed.connect(self.on_changed)
            worker.progress.connect(self.show_progress)
        self.refresh()

    def save_screenshot_when_ready(self, path: str, *, wait_for_sync: bool) -> None:
        """Render the window to ``path`` and quit: now, or after the first sync round."""
        self._screenshot_path = path
        if wait_for_sync and self.context.sync is not None:
            self.context.sync.worker.finished.connect(self._save_screenshot)
        else:
            QTimer.singleShot(0, self._save_screenshot)

    @Slot()
    def _save_screenshot(self, *_: object) -> None:
        # A slot of this GUI-thread object: a queued call even when the worker emits.
        self.grab().save(self._screenshot_path)
        QApplication.quit()

    def refresh(self) -> None:
        self.sidebar.clear()
        for title in ("Home", "Tasks", "Notes"):
            self.sidebar.addItem(QListWidgetItem(title))
        store = self.context.store
        if store is None:
            self.empty_state.setText("No workspace yet.")
            return
        objects = store.schema.objects()
        for obj in objects.values():
            self.sidebar.addItem(QListWidgetItem(f"{obj.plural_name}  ({store.records.count(obj.slug):,})"))
        for list_def in store.schema.lists().values():
            self.sidebar.addItem(QListWidgetItem(f"☰ {list_def.name}"))
        workspace = store.schema.workspace()
        if objects:
            self.empty_state.setText(f"{workspace.name if workspace else 'Workspace'} — choose an object on the left.")
        else:
            self.empty_state.setText("Downloading the workspace…")

    def on_changed(self, changes: ChangeSet) -> None:
        if self.context.store is not None and (changes.schema or changes.full_reset):
            # This thread's connection caches the schema; the worker changed it.
            self.context.store.schema.invalidate()
        self.refresh()

    def show_sync_state(self, status: str, message: str) -> None:
        text = _STATUS_TEXT.get(status, status)
        self.sync_label.setText(f"{text}: {message}" if message else text)

    def show_progress(self, phase: str, done: int, total: int) -> None:
        suffix = f" {done:,} of {total:,}" if total > 0 else ""
        self.sync_label.setText(f"Syncing {phase}{suffix}")

    def show_pending(self, count: int) -> None:
        self.pending_label.setText(f"{count} unsynced edit{'s' if count != 1 else ''}" if count else "All saved")
