"""Home: the workspace at a glance — record counts, open tasks, unread notifications.

One grid, read like a table: what (a flat button that opens it) on the left, how many on the
right, right-aligned in a column of its own right beside the names — not across the window — so
the eye runs down the counts and each count sits on its name's line. Records first, then a gap,
then the work waiting for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from crmdesk.ui.recent_visits import watch_visits
from crmdesk.ui.text import action_text, plain_tooltip
from crmdesk.ui.theme import scaled_font

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet

#: The names' column is at least this wide, so short names do not pull the counts to the left edge.
NAME_COLUMN_MIN = 220
COUNT_COLUMN_MIN = 72
SECTION_GAP = 16


class HomeView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        # Home is usually the first view built: from here on, opened records are kept for the palette.
        watch_visits(context)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setFont(scaled_font(self.heading.font(), "title"))
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnMinimumWidth(0, NAME_COLUMN_MIN)
        self.grid.setColumnMinimumWidth(1, COUNT_COLUMN_MIN)
        self.grid.setColumnStretch(2, 1)  # the room left over goes to the right of the counts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.heading)
        layout.addSpacing(12)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        # A grid's row count never shrinks: rows are counted here, so a refresh starts at the top.
        self._rows = 0
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for row in range(self.grid.rowCount()):
            self.grid.setRowMinimumHeight(row, 0)  # the gap moves when objects come or go
        store = self.context.store
        if store is None:
            self.heading.setText("Welcome to crmdesk")
            return
        workspace = store.schema.workspace()
        self.heading.setText(workspace.name if workspace else "Your workspace")
        objects = list(store.schema.objects().values())
        if not objects:
            waiting = QLabel("Downloading the workspace… your records appear here as they arrive.")
            waiting.setTextFormat(Qt.TextFormat.PlainText)
            self.grid.addWidget(waiting, 0, 0, 1, 3)
            return
        for obj in objects:
            self._add_row(obj.plural_name, store.records.count(obj.slug), f"object:{obj.slug}")
        # A gap, not a line, between the records and the work waiting: a line's colour fights dark palettes.
        self.grid.setRowMinimumHeight(self._rows, SECTION_GAP)
        self._rows += 1
        self._add_row("Open tasks", sum(1 for task in store.tasks.all() if not task.done), "tasks")
        self._add_row("Unread notifications", store.notifications.unread_count(), "notifications")

    def _add_row(self, name: str, count: int, target: str) -> None:
        row = self._rows
        self._rows += 1
        button = QPushButton(action_text(name))
        button.setFlat(True)
        # Names start at one left edge whatever their length: the button fills its column.
        button.setStyleSheet("text-align: left;")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setToolTip(plain_tooltip(f"Open {name}"))
        button.clicked.connect(self._opener(target))
        number = QLabel(QLocale().toString(count))
        number.setTextFormat(Qt.TextFormat.PlainText)
        number.setAccessibleName(f"{name}: {count}")
        number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(button, row, 0)
        self.grid.addWidget(number, row, 1)

    def _opener(self, target: str) -> Callable[[], None]:
        return lambda: self._go(target)

    def _go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.objects or changes.schema or changes.tasks or changes.notifications or changes.full_reset:
            self.refresh()
