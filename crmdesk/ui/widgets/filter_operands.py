"""Operand fields for a filter condition, one kind per attribute type and operator."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDateEdit, QDateTimeEdit, QHBoxLayout, QLineEdit, QMenu, QToolButton, QWidget

from crmdesk.model import AttributeDef, AttributeType, Operator
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.filters import TEXT_OPERATORS
from crmdesk.store import Store
from crmdesk.ui.editors.colors import dot_icon, option_color
from crmdesk.ui.editors.reference import member_source, record_source
from crmdesk.ui.text import action_text


class Operand(QWidget):
    """One field; ``value()`` is the operand, or None while it is incomplete."""

    changed = Signal()
    #: Enter in a text field: apply now rather than after the typing pause.
    submitted = Signal()

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field)
        self.setFocusProxy(field)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextOperand(Operand):
    def __init__(self, placeholder: str, parent: QWidget | None = None, *, as_list: bool = False) -> None:
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        super().__init__(self.edit, parent)
        self._as_list = as_list
        self.edit.textChanged.connect(self.changed)
        self.edit.returnPressed.connect(self.submitted)

    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        return [p.strip() for p in text.split(",") if p.strip()] if self._as_list else text

    def set_value(self, value: Any) -> None:
        self.edit.setText(", ".join(map(str, value)) if isinstance(value, list) else str(value or ""))


class ChoiceOperand(Operand):
    """A fixed list: options (with colors), yes/no, members, records."""

    def __init__(self, choices: list[tuple[str, Any, Any]], parent: QWidget | None = None) -> None:
        self.combo = QComboBox()
        self.combo.setMaxVisibleItems(15)
        for title, data, icon in choices:
            if icon is not None:
                self.combo.addItem(icon, title, data)
            else:
                self.combo.addItem(title, data)
        super().__init__(self.combo, parent)
        self.combo.currentIndexChanged.connect(self.changed)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        found = self.combo.findData(value)
        if found < 0 and isinstance(value, str):
            found = self.combo.findText(value, Qt.MatchFlag.MatchFixedString)  # a title, any case
        if found < 0:
            # Never silently show another choice: keep exactly what was asked for, visibly.
            self.combo.addItem(f"{value} (not a choice here)", value)
            found = self.combo.count() - 1
        self.combo.setCurrentIndex(found)


class MultiChoiceOperand(Operand):
    """“is any of”: a button with a checkable menu of the choices."""

    def __init__(self, choices: list[tuple[str, Any, Any]], parent: QWidget | None = None) -> None:
        self.button = QToolButton()
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMinimumWidth(120)
        self.menu = QMenu(self.button)
        self.actions_: list[QAction] = []
        for title, data, icon in choices:
            action = QAction(action_text(title), self.menu)  # the button shows them joined
            if icon is not None:
                action.setIcon(icon)
            action.setCheckable(True)
            action.setData(data)
            action.toggled.connect(self._toggled)
            self.menu.addAction(action)
            self.actions_.append(action)
        self.button.setMenu(self.menu)
        super().__init__(self.button, parent)
        self._toggled()

    def _toggled(self, *_: object) -> None:
        chosen = [a.text() for a in self.actions_ if a.isChecked()]
        self.button.setText(", ".join(chosen) if chosen else "Choose…")
        self.changed.emit()

    def value(self) -> Any:
        return [a.data() for a in self.actions_ if a.isChecked()] or None

    def set_value(self, value: Any) -> None:
        wanted = value if isinstance(value, list) else [value]
        for action in self.actions_:
            action.setChecked(action.data() in wanted)


class DateOperand(Operand):
    def __init__(self, *, with_time: bool, parent: QWidget | None = None) -> None:
        self.picker = QDateTimeEdit() if with_time else QDateEdit()
        self.picker.setCalendarPopup(True)
        self.picker.setDisplayFormat("yyyy-MM-dd HH:mm" if with_time else "yyyy-MM-dd")
        self.picker.setDateTime(QDateTime(QDate.currentDate(), self.picker.time()))
        super().__init__(self.picker, parent)
        self._with_time = with_time
        self.picker.dateTimeChanged.connect(self.changed)

    def value(self) -> Any:
        if self._with_time:
            # The picker shows local time; the filter compares UTC instants.
            return parse_timestamp(self.picker.dateTime().toString("yyyy-MM-ddTHH:mm:ss"), naive_is_local=True)
        day: date = self.picker.date().toPython()  # type: ignore[assignment]
        return day.isoformat()

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            self.picker.setDate(QDate.fromString(value[:10], "yyyy-MM-dd"))


def _choices(attr: AttributeDef, store: Store) -> list[tuple[str, Any, Any]] | None:
    if attr.type in (AttributeType.SELECT, AttributeType.STATUS):
        return [(o.title, o.id, dot_icon(option_color(o))) for o in sorted(attr.options, key=lambda o: o.order)]
    if attr.type is AttributeType.CHECKBOX:
        return [("Yes", True, None), ("No", False, None)]
    if attr.type is AttributeType.ACTOR_REFERENCE:
        return [(title, mid, None) for mid, title in member_source(store)("")]
    if attr.type is AttributeType.RECORD_REFERENCE:
        return [(title, rid, None) for rid, title in record_source(store, attr.target_object)("")]
    return None


def make_operand(attr: AttributeDef, operator: Operator, store: Store) -> Operand | None:
    """The field that fits ``operator`` on ``attr``; None when the operator takes no operand."""
    if not operator.takes_operand:
        return None
    if operator in TEXT_OPERATORS:
        return TextOperand("text")
    choices = _choices(attr, store)
    listing = operator in (Operator.IN, Operator.NOT_IN)
    if choices is not None:
        return MultiChoiceOperand(choices) if listing else ChoiceOperand(choices)
    if attr.type in (AttributeType.DATE, AttributeType.TIMESTAMP) and not listing:
        return DateOperand(with_time=attr.type is AttributeType.TIMESTAMP)
    numeric = attr.type in (AttributeType.NUMBER, AttributeType.CURRENCY, AttributeType.RATING)
    hint = "number" if numeric else "value"
    operand = TextOperand(f"{hint}, {hint}, …" if listing else hint, as_list=listing)
    if numeric:
        operand.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return operand
