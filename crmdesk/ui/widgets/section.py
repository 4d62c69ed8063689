"""The record page's headings, quiet lines and questions: a small-caps section title
("DETAILS", "LINKS"), a muted, wrapped line of plain text (hints, empty states, what a server
cannot do), and the question asked before something goes ("Unlink …?"), built apart from
asking it so its words can be read without a modal loop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text.upper(), parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("sectionTitle")
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setLetterSpacing(font.SpacingType.PercentageSpacing, 108)
    label.setFont(font)
    label.setContentsMargins(0, 14, 0, 4)
    mute(label)
    return label


def muted(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # record titles and server words are never markup
    label.setWordWrap(True)
    mute(label)
    return label


def mute(label: QLabel) -> None:
    """Draw ``label`` in the palette's placeholder colour (readable in light and dark themes)."""
    palette = label.palette()
    palette.setColor(label.foregroundRole(), palette.color(palette.ColorRole.PlaceholderText))
    label.setPalette(palette)


def question(title: str, text: str, action: str, parent: QWidget | None = None) -> QMessageBox:
    """A question before a destructive ``action`` ("Unlink"): plain text (it may quote a record's
    title), Cancel the default, so Enter or Escape keeps things as they are."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a title is user text, never markup
    box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def ask(box: QMessageBox) -> bool:
    """Show ``question``'s box, modal; True when the user chose the action."""
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) is QMessageBox.ButtonRole.DestructiveRole
