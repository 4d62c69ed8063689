"""The options (select) or statuses (status) of an attribute being created: add, rename
(double-click), recolor, reorder (drag), remove — all kept in the form until it is saved."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import Option
from crmdesk.ui.admin.common import PALETTE, swatch

ColorRole = Qt.ItemDataRole.UserRole


def palette_combo(parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for name, color in PALETTE:
        combo.addItem(swatch(color), name, color)
    return combo


class ChoicesEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setMaximumHeight(140)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("New option title")
        self.color = palette_combo(self)
        self.add_button = QPushButton("Add", self)
        self.remove_button = QPushButton("Remove", self)
        for widget in (self.title, self.color, self.add_button, self.remove_button):
            row.addWidget(widget)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_typed)
        # Return in the title adds it (and does not press the form's Save button).
        self.title.installEventFilter(self)
        self.remove_button.clicked.connect(self.remove_current)
        self.color.activated.connect(self._recolor_current)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.title and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # type: ignore[attr-defined]
            self.add_typed()
            return True
        return super().eventFilter(watched, event)

    def set_placeholder(self, text: str) -> None:
        self.title.setPlaceholderText(text)

    def add(self, title: str, color: str | None = None) -> None:
        if color is None:
            color = PALETTE[self.list.count() % len(PALETTE)][1]
        item = QListWidgetItem(swatch(color), title)
        item.setData(ColorRole, color)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)

    def add_typed(self) -> None:
        title = self.title.text().strip()
        if title:
            self.add(title, self.color.currentData())
            self.title.clear()
            self.color.setCurrentIndex((self.color.currentIndex() + 1) % self.color.count())

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def _recolor_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            color = self.color.currentData()
            item.setData(ColorRole, color)
            item.setIcon(swatch(color))

    def options(self) -> list[Option]:
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            out.append(Option(id="", title=item.text().strip(), color=item.data(ColorRole), order=row))
        return out

    def problem(self, needs_one: bool, kind: str) -> str | None:
        titles = [o.title for o in self.options()]
        if needs_one and not titles:
            return f"Add at least one {kind}."
        if any(not t for t in titles):
            return f"Every {kind} needs a title."
        seen: set[str] = set()
        for title in titles:
            if title.casefold() in seen:
                plural = "statuses" if kind == "status" else f"{kind}s"
                return f"Two {plural} are called “{title}”."
            seen.add(title.casefold())
        return None
