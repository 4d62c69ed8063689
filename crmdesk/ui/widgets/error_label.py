"""The line a form or dialog says what went wrong in: plain text (server words are never markup),
wrapped, in a red readable on light and dark palettes, hidden until there is something to say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.ui.theme_ink import is_dark

ERROR_COLOR = "#e5484d"
#: The red of an error said next to what it is about (a form's field, a dialog's status line) on
#: a light palette, and the one on a dark palette, where that dark red is murky on dark grey.
FIELD_ERROR_COLOR = "#b91c1c"
FIELD_ERROR_COLOR_ON_DARK = "#f87171"


def error_color(palette: QPalette) -> str:
    """The field-error red that reads well on ``palette`` (light or dark)."""
    return FIELD_ERROR_COLOR_ON_DARK if is_dark(palette) else FIELD_ERROR_COLOR


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setObjectName("error")
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.hide()
    return label


def show_error_on(label: QLabel, message: str) -> None:
    """Say ``message`` on an error line made by ``error_label`` and show it (a dialog's
    ``show_error``: it stays until the dialog closes)."""
    label.setText(message)
    label.show()


def refusal_text(error: Exception) -> str:
    """A store's refusal as a sentence for a dialog or section that already says what it is
    about: a ``ValidationError``'s message alone, starting with a capital ("“SALES” is not an
    issue key: …"); any other error in its own words."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message[0].upper() + message[1:]
    return str(error)
