"""Checkbox, select and status (a combo with option colors), multiselect (a checkable list).

In a table cell a choice is one gesture: the select's list opens with the editor (``open_list``)
and ``picked`` fires when an option is chosen — the delegate saves at once and closes the editor;
closing the list without a choice (Esc, a click elsewhere) fires ``dismissed``. A multiselect
list saves each toggle as it happens (``picked``) and stays open for the next one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QListWidgetItem, QWidget

from crmdesk.model import AttributeDef, DisplayContext, Option
from crmdesk.model.values import elements
from crmdesk.ui.editors.base import ValueRole, problem_of
from crmdesk.ui.editors.colors import dot_icon, option_color
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate

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

    #: An option was chosen from the open list (a click, or Enter on the highlighted one).
    picked = Signal()
    #: The list opened by ``open_list`` closed without a choice.
    dismissed = Signal()
    #: A pick ends the edit (a multiselect's does not).
    closes_on_pick = True

    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.setMaxVisibleItems(15)
        self._open_when_shown = False
        #: The list is open, or was just closed and its choice (if any) not yet reported.
        self._listing = False
        self.activated.connect(self._activated)

    def open_list(self) -> None:
        """Show the list as soon as the editor is on screen (at once when it already is)."""
        if self.isVisible():
            self.showPopup()
        else:
            self._open_when_shown = True

    def showEvent(self, event: Any) -> None:  # Qt override
        super().showEvent(event)
        if self._open_when_shown:
            self._open_when_shown = False
            # After the view has placed and focused the editor, so the list opens under the cell.
            QTimer.singleShot(0, self, self.showPopup)

    def showPopup(self) -> None:  # Qt override
        self._listing = True
        super().showPopup()
        # The list's window, watched for closing: Esc and a click elsewhere close it directly,
        # without going through hidePopup().
        self.view().window().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.Hide and watched is self.view().window():
            # Qt closes the list first and reports a choice right after: look once that is done.
            QTimer.singleShot(0, self, self._list_closed)
        return super().eventFilter(watched, event)

    def _activated(self, _index: int) -> None:
        self._listing = False
        self.picked.emit()

    def _list_closed(self) -> None:
        if self._listing:
            self._listing = False
            self.dismissed.emit()

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
    """Every option with a check box; Space or a click toggles (and ``picked`` fires), Enter saves."""

    picked = Signal()
    closes_on_pick = False

    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.setItemDelegate(VisibleCheckDelegate(self))  # boxes that show in a dark palette too
        self.itemClicked.connect(self._toggle)

    def set_value(self, value: Any) -> None:
        current = elements(value)
        if self.count() and set(self.checked_ids()) == set(current) & set(self._ids()):
            return  # the value just saved from here: keep the list where the user is
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
        self.picked.emit()

    def _ids(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def keyPressEvent(self, event: Any) -> None:
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            self._toggle(item)
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
