"""Home: the workspace at a glance — record counts, open tasks, what needs attention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from crmdesk.ui.text import action_text

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


class HomeView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.heading)
        layout.addSpacing(12)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
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
            self.grid.addWidget(waiting, 0, 0)
            return
        for row, obj in enumerate(objects):
            button = QPushButton(action_text(obj.plural_name))
            button.setFlat(True)
            button.clicked.connect(lambda _=False, slug=obj.slug: self._go(f"object:{slug}"))
            count = QLabel(f"{store.records.count(obj.slug):,}")
            count.setTextFormat(Qt.TextFormat.PlainText)
            self.grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignLeft)
            self.grid.addWidget(count, row, 1, Qt.AlignmentFlag.AlignRight)
        open_tasks = sum(1 for task in store.tasks.all() if not task.done)
        tasks = QPushButton(f"{open_tasks:,} open task{'s' if open_tasks != 1 else ''}")
        tasks.setFlat(True)
        tasks.clicked.connect(lambda: self._go("tasks"))
        self.grid.addWidget(tasks, len(objects), 0, Qt.AlignmentFlag.AlignLeft)

    def _go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.objects or changes.schema or changes.tasks or changes.full_reset:
            self.refresh()
