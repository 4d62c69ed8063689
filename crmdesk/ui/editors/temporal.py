"""Date and timestamp pickers (calendar popups), with a button that empties the value.

A timestamp is edited in local time and stored in UTC. Each picker is one Tab stop: Qt's own
date-time edit spends Tab on its sections (day, month, year, hour…), so a user tabbing through
a form stopped five times in one field; here Tab leaves the field and the arrow keys (or typing)
move between its parts. The clear button is for the mouse; Ctrl+Backspace empties from the keys."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QHBoxLayout, QToolButton, QWidget

from crmdesk.model import AttributeDef, DisplayContext
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.ui.editors.base import ValueRole, problem_of


class OneStopDateTimeEdit(QDateTimeEdit):
    """A date-time edit that Tab leaves at once (Left / Right move between its sections)."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # Qt override
        return QWidget.focusNextPrevChild(self, forward)


class OneStopDateEdit(QDateEdit):
    """A date edit that Tab leaves at once (Left / Right move between its sections)."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # Qt override
        return QWidget.focusNextPrevChild(self, forward)


class _TemporalEditor(QWidget):
    """A picker that can also say “empty”: an untouched picker over an empty value stays empty."""

    def __init__(self, attr: AttributeDef, picker: QDateTimeEdit, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.picker = picker
        picker.setParent(self)
        picker.setCalendarPopup(True)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Clear (Ctrl+Backspace)")
        self.clear_button.setAutoRaise(True)
        # Not a second Tab stop in the one field; Ctrl+Backspace in the picker does the same.
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(picker, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(picker)
        # Empty until the user moves the picker away from what it showed for “empty”.
        self._empty = True
        self._shown_for_empty = picker.dateTime()
        picker.dateTimeChanged.connect(self._changed)
        picker.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (watched is self.picker and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Backspace and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.clear()
            return True
        return super().eventFilter(watched, event)

    def _changed(self, *_: object) -> None:
        if self.picker.dateTime() != self.picker.minimumDateTime():
            self.picker.setSpecialValueText("")

    def _show_empty(self, placeholder: QDateTime) -> None:
        self._empty = True
        self.picker.setDateTime(placeholder)
        self._shown_for_empty = self.picker.dateTime()

    def clear(self) -> None:
        # The special value text shows at the minimum: a visible “empty” without a fake date.
        self.picker.setSpecialValueText("Empty")
        self._show_empty(self.picker.minimumDateTime())

    def is_empty(self) -> bool:
        return self._empty and self.picker.dateTime() == self._shown_for_empty

    def problem(self) -> str | None:
        return problem_of(self)


class DateEditor(_TemporalEditor):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        picker = OneStopDateEdit()
        picker.setDisplayFormat("yyyy-MM-dd")
        super().__init__(attr, picker, parent)

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            self.picker.setDate(QDate.fromString(value, "yyyy-MM-dd"))
            self._empty = False
        else:
            self._show_empty(QDateTime(QDate.currentDate(), QTime(0, 0)))

    def result(self) -> tuple[int, Any]:
        if self.is_empty():
            return ValueRole, None
        day: date = self.picker.date().toPython()  # type: ignore[assignment]
        return ValueRole, day.isoformat()


class TimestampEditor(_TemporalEditor):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        picker = OneStopDateTimeEdit()
        picker.setDisplayFormat("yyyy-MM-dd HH:mm")
        super().__init__(attr, picker, parent)

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone()
            self.picker.setDateTime(QDateTime(QDate(moment.year, moment.month, moment.day),
                                              QTime(moment.hour, moment.minute, moment.second)))
            self._empty = False
        else:
            now = QDateTime.currentDateTime()
            self._show_empty(QDateTime(now.date(), QTime(now.time().hour(), 0)))

    def result(self) -> tuple[int, Any]:
        if self.is_empty():
            return ValueRole, None
        shown = self.picker.dateTime()
        # What the user sees is local wall-clock time; the store keeps the UTC instant.
        local = datetime(shown.date().year(), shown.date().month(), shown.date().day(),
                         shown.time().hour(), shown.time().minute()).astimezone()
        return ValueRole, parse_timestamp(local.astimezone(UTC))
