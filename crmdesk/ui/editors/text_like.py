"""Editors that take typed text: text, number, email, phone, domain, and multiselect lists
of them. The text goes to ``parse_user_text`` (the same parser the store's users get); the
field turns red with the message while the text is not valid."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from crmdesk.model import AttributeDef, AttributeType, DisplayContext, ValidationError
from crmdesk.model.codecs.numeric import parse_number_text
from crmdesk.model.values import edit_text
from crmdesk.ui.editors.base import EditRole, ValueRole, mark_invalid, problem_of

_PLACEHOLDERS = {
    AttributeType.EMAIL_ADDRESS: "name@example.com",
    AttributeType.PHONE_NUMBER: "+1 555 0100",
    AttributeType.DOMAIN: "example.com",
    AttributeType.NUMBER: "0",
    AttributeType.RECORD_REFERENCE: "record id",
}
#: Types whose fields are checked as the user types (a message beats a surprise on Enter).
_LIVE_CHECK = frozenset({AttributeType.EMAIL_ADDRESS, AttributeType.PHONE_NUMBER, AttributeType.DOMAIN,
                         AttributeType.NUMBER, AttributeType.CURRENCY})
CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "INR", "CNY", "SEK", "NOK", "DKK", "PLN", "BRL")


class TextEditor(QLineEdit):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self._ctx = ctx
        placeholder = _PLACEHOLDERS.get(attr.type, "")
        if attr.multiselect:
            separator = "; " if attr.type in (AttributeType.LOCATION, AttributeType.INTERACTION) else ", "
            placeholder = separator.join(filter(None, [placeholder or "value", "another"]))
        self.setPlaceholderText(placeholder)
        if attr.type is AttributeType.NUMBER and not attr.multiselect:
            self.setAlignment(Qt.AlignmentFlag.AlignRight)
        if attr.type in _LIVE_CHECK:
            self.textEdited.connect(lambda _text: mark_invalid(self, self.problem()))

    def set_value(self, value: Any) -> None:
        self.setText(edit_text(self.attr, value, self._ctx))
        self.selectAll()

    def result(self) -> tuple[int, Any]:
        return EditRole, self.text()

    def problem(self) -> str | None:
        return problem_of(self)


class CurrencyEditor(QWidget):
    """An amount and its code: the code defaults to the attribute's, any three letters go."""

    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self.amount = QLineEdit(self)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setPlaceholderText("0.00")
        self.code = QComboBox(self)
        self.code.setEditable(True)
        self.code.addItem("")
        self.code.addItems(CURRENCY_CODES)
        self.code.setMinimumContentsLength(4)
        self.code.setToolTip("Currency code")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.amount, 1)
        layout.addWidget(self.code)
        self.setFocusProxy(self.amount)
        self.amount.textEdited.connect(lambda _text: mark_invalid(self.amount, self.problem()))

    def set_value(self, value: Any) -> None:
        element = value[0] if isinstance(value, list) and value else value
        if isinstance(element, dict):
            self.amount.setText(str(element.get("amount", "")))
            self.code.setCurrentText(element.get("currency") or self.attr.currency_code or "")
        else:
            self.amount.clear()
            self.code.setCurrentText(self.attr.currency_code or "")
        self.amount.selectAll()

    def result(self) -> tuple[int, Any]:
        text = self.amount.text().strip()
        if not text:
            return ValueRole, None
        try:
            amount = parse_number_text(text)
        except ValueError as error:
            raise ValidationError(self.attr.title, str(error)) from None
        return ValueRole, {"amount": amount, "currency": self.code.currentText().strip().upper() or None}

    def problem(self) -> str | None:
        return problem_of(self)
