"""Showing user and server text safely: always as plain text, never as markup.

Qt reads text as HTML wherever it may (``Qt.mightBeRichText``): every tooltip, and every
``QLabel`` and ``QMessageBox`` left in their default ``AutoText`` format. And it reads a single
``&`` in a button's, an action's or a menu item's text as a keyboard-shortcut marker. So text a
server or a user wrote goes through these helpers: ``plain_tooltip`` for tooltips (they have no
text format), ``action_text`` for button and menu texts, ``plain_message_box`` for message boxes
(``plain_for_autotext`` for the static ones); labels set ``Qt.TextFormat.PlainText`` where they
are made.
"""

from __future__ import annotations

import html

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def plain_tooltip(text: str) -> str:
    """Tooltips render anything that looks like HTML as rich text; this shows the characters."""
    if not text:
        return ""
    return "<qt><p style='white-space:pre-wrap'>" + html.escape(text) + "</p></qt>"


def plain_for_autotext(text: str) -> str:
    """``text`` for a place that reads it as HTML when it looks like HTML (``QMessageBox.question``
    and the other static message boxes): unchanged when Qt would show it as it is, else escaped."""
    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


def action_text(text: str) -> str:
    """A button's or menu item's text showing every ``&`` (“R&D”), not underlining the next letter."""
    return text.replace("&", "&&")


def plain_message_box(parent: QWidget | None, title: str, text: str,
                      icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A ``QMessageBox`` (not yet shown) whose text is plain: the static ``QMessageBox.warning``
    and friends read text that looks like HTML as HTML."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
