"""The first-run screen: try the demo workspace, or connect to a server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from crmdesk.ui.theme import scaled_font

if TYPE_CHECKING:
    from crmdesk.context import AppContext


class WelcomeView(QWidget):
    demo_requested = Signal()
    connect_requested = Signal()

    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        heading = QLabel("Welcome to crmdesk")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        heading.setFont(scaled_font(font, "title"))
        text = QLabel(
            "Your team's CRM on this computer: tables, records, notes and tasks that work offline "
            "and sync with the server in the background.\n\n"
            "Try it with a demo workspace (a local server with sample data), or connect to your "
            "team's server with an API token."
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.demo_button = QPushButton("Try the demo workspace")
        self.demo_button.setDefault(True)
        self.connect_button = QPushButton("Connect to a server…")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.demo_button.clicked.connect(self.demo_requested)
        self.connect_button.clicked.connect(self.connect_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(heading)
        column.addSpacing(8)
        column.addWidget(text)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addWidget(self.status)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(560)
        # Centred with stretches, not an alignment flag: an aligned widget gets its size hint's
        # height, which is too short for wrapped text.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def show_busy(self, message: str) -> None:
        self.status.setText(message)
        for button in (self.demo_button, self.connect_button):
            button.setEnabled(not message)

    def on_changed(self, _changes: Any) -> None:
        """Nothing here changes with a sync."""
