"""Colors of select options and statuses, and painting them as chips."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPalette, QPixmap

from crmdesk.model import Option

DEFAULT_CHIP = "#94a3b8"
CHIP_HEIGHT = 18
CHIP_GAP = 4


def option_color(option: Option | None) -> QColor:
    color = QColor(option.color) if option is not None and option.color else QColor()
    return color if color.isValid() else QColor(DEFAULT_CHIP)


def dot_icon(color: QColor, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def paint_chips(painter: QPainter, rect: QRect, chips: list[tuple[str, QColor]], palette: QPalette) -> None:
    """Rounded, tinted chips left to right; what does not fit is elided with “+n”."""
    metrics = QFontMetrics(painter.font())
    x = rect.left() + 4
    top = rect.top() + (rect.height() - CHIP_HEIGHT) // 2
    right = rect.right() - 4
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for position, (title, color) in enumerate(chips):
        remaining = len(chips) - position
        more = f"+{remaining - 1}" if remaining > 1 else ""
        room = right - x - (metrics.horizontalAdvance(more) + CHIP_GAP if more else 0)
        if room < 30:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(QRect(x, rect.top(), right - x, rect.height()), Qt.AlignmentFlag.AlignVCenter,
                             f"+{remaining}")
            break
        # Titles are user text: drawText paints them as plain characters.
        text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room - 16)
        width = metrics.horizontalAdvance(text) + 16
        chip = QRectF(x, top, width, CHIP_HEIGHT)
        fill = QColor(color)
        fill.setAlpha(48)
        painter.setPen(color)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), CHIP_HEIGHT / 2, CHIP_HEIGHT / 2)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        x += width + CHIP_GAP
    painter.restore()
