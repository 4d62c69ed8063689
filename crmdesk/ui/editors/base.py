"""What all editors share: the roles they answer with and one way to check a result."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crmdesk.model import AttributeDef, ValidationError
from crmdesk.ui.models.record_table_model import ValueRole, check_value

EditRole = Qt.ItemDataRole.EditRole


class ValueEditor(Protocol):
    attr: AttributeDef

    def set_value(self, value: Any) -> None: ...

    def result(self) -> tuple[int, Any]: ...

    def problem(self) -> str | None: ...


def problem_of(editor: ValueEditor) -> str | None:
    try:
        role, value = editor.result()
        check_value(editor.attr, role, value)
    except ValidationError as error:
        return str(error)
    return None


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Show a refused value on the widget itself: a red frame and the message as tooltip."""
    from crmdesk.ui.text import plain_tooltip

    invalid = message is not None
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        widget.setStyleSheet("border: 1px solid #dc2626;" if invalid else "")
    widget.setToolTip(plain_tooltip(message) if message else "")


__all__ = ["EditRole", "ValueEditor", "ValueRole", "mark_invalid", "problem_of"]
