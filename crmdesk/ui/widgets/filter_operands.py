"""Operand fields for a filter condition, one kind per attribute type and operator.

A reference (to a record or a member) starts with no value: the condition waits, unapplied,
until one is picked in a search over the whole object (``ReferenceOperand``): the reference
editor's picker, laid over the window. An
owner/assignee can be "me" (``ME``), resolved when the filter runs (``FilterBar.apply``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType, Operator
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.filters import ME, TEXT_OPERATORS, operators_for
from crmdesk.store import Store
from crmdesk.ui.editors.colors import dot_icon, option_color
from crmdesk.ui.editors.reference import ReferencePicker
from crmdesk.ui.reference_search import Matches, member_matches, record_matches
from crmdesk.ui.text import action_text

REFERENCES = (AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE)
#: What makes sense for a reference: it names one record (or member), or none.
REFERENCE_OPERATORS = (Operator.EQUALS, Operator.NOT_EQUALS, Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)


def filter_operators(attr: AttributeDef) -> tuple[Operator, ...]:
    """The operators the filter bar offers for ``attr``, most useful first."""
    if attr.type in REFERENCES:
        return REFERENCE_OPERATORS
    return operators_for(attr.type)


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


class ReferenceOperand(Operand):
    """A button naming the chosen record or member (“Choose…” until one is): a click, Space or
    Enter opens the search popup; picking applies the filter at once."""

    def __init__(self, attr: AttributeDef, store: Store, parent: QWidget | None = None) -> None:
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.setMinimumWidth(160)
        self.button.setAccessibleName(f"{attr.title} value")
        super().__init__(self.button, parent)
        self._attr = attr
        self._store = store
        self._value: str | None = None
        target = store.schema.get_object(attr.target_object) if attr.target_object else None
        members = attr.type is AttributeType.ACTOR_REFERENCE
        self._noun = "members" if members else (target.plural_name.lower() if target else "records")
        self.popup: ReferencePicker | None = None
        self.button.clicked.connect(self.open_search)
        self.button.installEventFilter(self)
        self._show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # On the button, Enter, Down or a letter opens the search (the letter starts it).
        if watched is self.button and event.type() == QEvent.Type.KeyPress:
            key, text = event.key(), event.text()  # type: ignore[attr-defined]
            plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down, Qt.Key.Key_F4):
                self.open_search()
                return True
            if plain and text.strip() and text.isprintable():
                self.open_search()
                assert self.popup is not None
                self.popup.search.setText(text)
                return True
        return super().eventFilter(watched, event)

    def _search(self, text: str) -> Matches:
        if self._attr.type is AttributeType.RECORD_REFERENCE:
            return record_matches(self._store, self._attr.target_object, text)
        # "my deals": first, and kept as "me" in a saved view
        return member_matches(self._store, text, me=self._me_title())

    def _me_title(self) -> str:
        actor = self._store.schema.my_actor_id()
        name = self._store.schema.member_name(actor) if actor else None
        return f"Me ({name})" if name else "Me" if actor else "Me (not set yet)"

    def open_search(self) -> None:
        if self.popup is None:
            # Laid over the window (a child of it, so nothing clips it); it goes with this field.
            self.popup = ReferencePicker(self._attr, self._search, self._title, self._noun,
                                         self.button.window(), popup=True)
            self.popup.picked.connect(self._picked)
            self.destroyed.connect(self.popup.deleteLater)
        self.popup.show_below(self.button)

    def _picked(self) -> None:
        assert self.popup is not None
        self._value = self.popup.result()[1]
        self._show()
        self.changed.emit()
        self.submitted.emit()  # a pick is a decision: no typing pause to wait for

    def _title(self, value: str) -> str:
        if value == ME:
            return self._me_title()
        if self._attr.type is AttributeType.ACTOR_REFERENCE:
            return self._store.schema.member_name(value) or f"{value} (not a member here)"
        return self._store.records.titles([value]).get(value) or f"{value} (not in this workspace)"

    def _show(self) -> None:
        text = self._title(self._value) if self._value is not None else "Choose…"
        self.button.setText(action_text(text))  # a title with “&” shows it, not a mnemonic
        self.button.setToolTip("")

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        if isinstance(value, list):
            value = value[0] if value else None
        self._value = None if value is None else str(value)
        self._show()


def _choices(attr: AttributeDef) -> list[tuple[str, Any, Any]] | None:
    if attr.type in (AttributeType.SELECT, AttributeType.STATUS):
        return [(o.title, o.id, dot_icon(option_color(o))) for o in sorted(attr.options, key=lambda o: o.order)]
    if attr.type is AttributeType.CHECKBOX:
        return [("Yes", True, None), ("No", False, None)]
    return None


def make_operand(attr: AttributeDef, operator: Operator, store: Store) -> Operand | None:
    """The field that fits ``operator`` on ``attr``; None when the operator takes no operand."""
    if not operator.takes_operand:
        return None
    if attr.type in REFERENCES:
        return ReferenceOperand(attr, store)
    if operator in TEXT_OPERATORS:
        return TextOperand("text")
    choices = _choices(attr)
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
