"""Checkbox, select and status (a combo with option colors), multiselect (a checkable list)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QListWidgetItem, QWidget

from crmdesk.model import AttributeDef, DisplayContext, Option
from crmdesk.model.values import elements
from crmdesk.ui.editors.base import ValueRole, problem_of
from crmdesk.ui.editors.colors import dot_icon, option_color

MAX_LIST_HEIGHT = 240


def _offered(attr: AttributeDef, current: list[Any]) -> list[Option]:
    """Every option in its order. A status's ``active`` flag says whether it is an open
    pipeline stage (Won and Lost are not), not whether it may be chosen."""
    return sorted(attr.options, key=lambda o: o.order)


class CheckboxEditor(QCheckBox):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.setAutoFillBackground(True)
        self.toggled.connect(lambda on: self.setText("Yes" if on else "No"))

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))
        self.setText("Yes" if value else "No")

    def result(self) -> tuple[int, Any]:
        return ValueRole, self.isChecked()

    def problem(self) -> str | None:
        return problem_of(self)


class ChoiceEditor(QComboBox):
    """One option (select or status); the first item empties the value unless it is required."""

    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.setMaxVisibleItems(15)

    def set_value(self, value: Any) -> None:
        current = elements(value)
        self.clear()
        if not self.attr.required:
            self.addItem("—", None)
        for option in _offered(self.attr, current):
            self.addItem(dot_icon(option_color(option)), option.title, option.id)
        for unknown in (v for v in current if self.attr.option_by_id(v) is None):
            self.addItem("(unknown option)", unknown)
        found = self.findData(current[0]) if current else (0 if not self.attr.required else -1)
        self.setCurrentIndex(found)

    def result(self) -> tuple[int, Any]:
        return ValueRole, self.currentData()

    def problem(self) -> str | None:
        return problem_of(self)


class MultiChoiceEditor(QListWidget):
    """Every option with a check box; Space or a click toggles, Enter saves."""

    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.itemClicked.connect(self._toggle)

    def set_value(self, value: Any) -> None:
        current = elements(value)
        self.clear()
        for option in _offered(self.attr, current):
            item = QListWidgetItem(dot_icon(option_color(option)), option.title, self)
            item.setData(Qt.ItemDataRole.UserRole, option.id)
            # Not user-checkable: Qt would toggle on the box and we on the row, undoing each other.
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if option.id in current else Qt.CheckState.Unchecked)
        self.setCurrentRow(0)

    def _toggle(self, item: QListWidgetItem) -> None:
        # A click anywhere on the row toggles it, not just on the small box.
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def keyPressEvent(self, event: Any) -> None:
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)

    def checked_ids(self) -> list[str]:
        items = (self.item(i) for i in range(self.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def result(self) -> tuple[int, Any]:
        return ValueRole, self.checked_ids() or None

    def problem(self) -> str | None:
        return problem_of(self)

    def sizeHint(self) -> Any:
        hint = super().sizeHint()
        rows = max(1, self.count())
        hint.setHeight(min(MAX_LIST_HEIGHT, rows * max(self.sizeHintForRow(0), 20) + 2 * self.frameWidth() + 2))
        return hint
