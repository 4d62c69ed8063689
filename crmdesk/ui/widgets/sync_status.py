"""The status bar's sync part: state, progress on a first sync, last sync, pending and conflicts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from crmdesk.ui.text import plain_tooltip

STATUS_TEXT = {
    "idle": "Not synced yet",
    "connecting": "Connecting…",
    "syncing": "Syncing…",
    "synced": "Synced",
    "offline": "Offline",
    "auth_needed": "Sign-in needed",
    "error": "Sync error",
    "cancelled": "Sync cancelled",
}


class SyncStatusWidget(QWidget):
    pending_clicked = Signal()
    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.state_label = QLabel(STATUS_TEXT["idle"])
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.last_sync = QLabel("")
        self.last_sync.setTextFormat(Qt.TextFormat.PlainText)
        self.pending_button = QPushButton("All saved")
        self.pending_button.setFlat(True)
        self.pending_button.clicked.connect(self.pending_clicked)
        self.conflicts_button = QPushButton("")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self.conflicts_button.hide()
        for widget in (self.state_label, self.progress, self.last_sync):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.conflicts_button)
        layout.addWidget(self.pending_button)
        self.status = "idle"

    def show_state(self, status: str, message: str) -> None:
        self.status = status
        text = STATUS_TEXT.get(status, status)
        self.state_label.setText(text)
        self.state_label.setToolTip(plain_tooltip(message) if message else "")
        if status != "syncing":
            self.progress.hide()

    def show_progress(self, phase: str, done: int, total: int) -> None:
        label = phase.replace("records:", "").replace("_", " ")
        if total > 0:
            self.state_label.setText(f"Syncing {label} — {done:,} of {total:,}")
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.show()
        else:
            self.state_label.setText(f"Syncing {label}…")

    def show_last_sync(self, text: str) -> None:
        self.last_sync.setText(text)

    def show_pending(self, count: int) -> None:
        self.pending_button.setText(f"{count:,} unsynced edit{'s' if count != 1 else ''}" if count else "All saved")

    def show_conflicts(self, count: int) -> None:
        self.conflicts_button.setText(f"{count:,} conflict{'s' if count != 1 else ''}")
        self.conflicts_button.setVisible(count > 0)
