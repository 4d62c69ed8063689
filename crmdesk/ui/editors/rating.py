"""Rating stars: click a star, or type 0-5; painted the same way in the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from crmdesk.model import AttributeDef, DisplayContext
from crmdesk.ui.editors.base import ValueRole, problem_of

STARS = 5
STAR_COLOR = QColor("#f59e0b")
STAR_WIDTH = 18


def paint_stars(painter: QPainter, rect: QRect, value: float, palette: QPalette) -> None:
    painter.save()
    font = QFont(painter.font())
    font.setPixelSize(max(12, min(rect.height() - 8, 16)))
    painter.setFont(font)
    empty = palette.color(QPalette.ColorRole.PlaceholderText)
    for star in range(STARS):
        cell = QRect(rect.left() + 4 + star * STAR_WIDTH, rect.top(), STAR_WIDTH, rect.height())
        painter.setPen(empty)
        painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "★")
        fraction = max(0.0, min(1.0, value - star))
        if fraction:
            # Half stars (servers may hold 2.5) are a gold star clipped to its share.
            painter.save()
            painter.setClipRect(QRect(cell.left(), cell.top(), round(cell.width() * fraction), cell.height()))
            painter.setPen(STAR_COLOR)
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "★")
            painter.restore()
    painter.restore()


class RatingEditor(QWidget):
    def __init__(self, attr: AttributeDef, ctx: DisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self._value: float = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.setMouseTracking(True)
        self.setToolTip("Click a star, or type 0 to 5")

    def set_value(self, value: Any) -> None:
        self._value = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
        self.update()

    def stars(self) -> float:
        return self._value

    def set_stars(self, stars: float) -> None:
        self._value = max(0.0, min(float(STARS), stars))
        self.update()

    def result(self) -> tuple[int, Any]:
        value = self._value
        if not value:
            return ValueRole, None
        return ValueRole, int(value) if float(value).is_integer() else value

    def problem(self) -> str | None:
        return problem_of(self)

    def sizeHint(self) -> QSize:
        return QSize(STARS * STAR_WIDTH + 8, 24)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_stars(painter, self.rect(), self._value, self.palette())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        star = int((event.position().x() - 4) // STAR_WIDTH) + 1
        if 1 <= star <= STARS:
            # Clicking the star that is already the rating clears it, as in most apps.
            self.set_stars(0 if star == self._value else star)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and 0 <= int(text) <= STARS:
            self.set_stars(int(text))
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Plus):
            self.set_stars(int(self._value) + 1)
        elif event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Minus):
            self.set_stars(max(0, int(self._value + 0.5) - 1))
        else:
            super().keyPressEvent(event)
