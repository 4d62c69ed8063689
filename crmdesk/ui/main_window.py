"""The main window. For now a plain frame with a sidebar and an empty state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QSplitter

if TYPE_CHECKING:
    from crmdesk.app import AppContext


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("crmdesk")
        self.resize(1200, 760)
        splitter = QSplitter(self)
        self.sidebar = QListWidget(splitter)
        self.sidebar.addItems(["Home", "Tasks", "Notes"])
        self.sidebar.setMaximumWidth(240)
        self.empty_state = QLabel("No workspace yet.", splitter)
        self.empty_state.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.statusBar().showMessage("Offline cache ready")
