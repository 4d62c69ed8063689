"""Small forms for values with parts: a location, a personal name, an interaction."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QHBoxLayout, QLineEdit, QWidget

from crmdesk.model import AttributeDef, DisplayContext
from crmdesk.model.values import elements
from crmdesk.ui.editors.base import ValueRole, problem_of

_LOCATION_FIELDS = (
    ("line1", "Street"),
    ("line2", "Line 2"),
    ("city", "City"),
    ("state", "State / region"),
    ("postcode", "Postcode"),
    ("country", "Country"),
)
INTERACTION_KINDS = ("email", "call", "meeting", "note", "message")


def _first(value: Any) -> dict[str, Any]:
    items = elements(value)
    return items[0] if items and isinstance(items[0], dict) else {}


class _Form(QFrame):
    """A raised frame that paints its own background: it overlaps the cells below it."""

    def __init__(self, attr: AttributeDef, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)

    def problem(self) -> str | None:
        return problem_of(self)


class LocationEditor(_Form):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(attr, parent)
        form = QFormLayout(self)
        form.setContentsMargins(6, 6, 6, 6)
        form.setVerticalSpacing(3)
        self.fields: dict[str, QLineEdit] = {}
        for key, label in _LOCATION_FIELDS:
            edit = QLineEdit(self)
            self.fields[key] = edit
            form.addRow(label, edit)
        self.setFocusProxy(self.fields["line1"])
        self.setMinimumWidth(280)

    def set_value(self, value: Any) -> None:
        parts = _first(value)
        for key, edit in self.fields.items():
            edit.setText(str(parts.get(key, "")))

    def result(self) -> tuple[int, Any]:
        parts = {key: edit.text().strip() for key, edit in self.fields.items() if edit.text().strip()}
        if not parts:
            return ValueRole, None
        return ValueRole, [parts] if self.attr.multiselect else parts


class PersonalNameEditor(_Form):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(attr, parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.first = QLineEdit(self)
        self.first.setPlaceholderText("First name")
        self.last = QLineEdit(self)
        self.last.setPlaceholderText("Last name")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.first)
        layout.addWidget(self.last)
        self.setFocusProxy(self.first)
        self.setMinimumWidth(220)

    def set_value(self, value: Any) -> None:
        parts = _first(value)
        first, last = parts.get("first_name", ""), parts.get("last_name", "")
        if not first and not last and parts.get("full_name"):
            first = parts["full_name"]
        self.first.setText(first)
        self.last.setText(last)
        self.first.selectAll()

    def result(self) -> tuple[int, Any]:
        first, last = " ".join(self.first.text().split()), " ".join(self.last.text().split())
        if not first and not last:
            return ValueRole, None
        return ValueRole, {"first_name": first, "last_name": last, "full_name": " ".join(p for p in (first, last) if p)}


class InteractionEditor(_Form):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(attr, parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.kind = QComboBox(self)
        self.kind.setEditable(True)
        self.kind.addItems(INTERACTION_KINDS)
        self.subject = QLineEdit(self)
        self.subject.setPlaceholderText("Subject")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.kind)
        layout.addWidget(self.subject, 1)
        self.setFocusProxy(self.subject)
        self.setMinimumWidth(240)
        self._at: str | None = None

    def set_value(self, value: Any) -> None:
        parts = _first(value)
        self.kind.setCurrentText(parts.get("type", "email"))
        self.subject.setText(parts.get("subject", ""))
        # The time is not edited here; keep it so an edit of the subject does not lose it.
        self._at = parts.get("at")

    def result(self) -> tuple[int, Any]:
        subject = self.subject.text().strip()
        kind = self.kind.currentText().strip()
        if not subject and not kind:
            return ValueRole, None
        element: dict[str, Any] = {"type": kind, "subject": subject}
        if self._at:
            element["at"] = self._at
        return ValueRole, [element] if self.attr.multiselect else element
