"""The record page's headings and quiet lines: a small-caps section title ("DETAILS", "LINKS")
and a muted, wrapped line of plain text (hints, empty states, what a server cannot do)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


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
