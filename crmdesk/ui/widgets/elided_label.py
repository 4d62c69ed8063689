"""A plain-text label cut with "…" to the room it is given (the tooltip holds the whole text):
record titles, view names and headings that must not push their neighbours out at 1024 px."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.ui.text import plain_tooltip


class ElidedLabel(QLabel):
    """A plain-text label that shows "…" instead of growing past its width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(40)
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(plain_tooltip(text))
        self._elide()

    def setText(self, text: str) -> None:  # Qt override: the text given is the whole text
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full

    def _elide(self) -> None:
        width = max(self.width(), 40)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # Qt override
        hint = super().minimumSizeHint()
        hint.setWidth(40)
        return hint

    def sizeHint(self) -> QSize:  # Qt override
        hint = super().sizeHint()
        hint.setWidth(min(self.fontMetrics().horizontalAdvance(self._full) + 4, 2000))
        return hint
