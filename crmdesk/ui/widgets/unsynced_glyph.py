"""The mark of an unsynced change: its words and the small glyph the views paint.

A queued change is a filled circle in the palette's link colour; a refusal a filled circle
and a conflict a filled diamond, both in a warning colour chosen for the palette's lightness,
so the shape tells them apart without colour too. Each glyph has a thin outline in the colour
behind it, so it stays visible on a selected (highlighted) row as on a plain one.
"""

from __future__ import annotations

from types import MappingProxyType

from PySide6.QtCore import QPointF, QRect, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen, QPolygonF

from crmdesk.store.unsynced import CONFLICT, QUEUED, REFUSED, Mark

#: The glyph's diameter, and the room a cell keeps for it beside its text.
SIZE = 8
GUTTER = SIZE + 8

_WORDS = MappingProxyType({
    QUEUED: "Waiting to be sent",
    CONFLICT: "Conflict: changed here and on the server",
})


def mark_text(mark: Mark) -> str:
    """What the tooltip says (plain text: a refusal's reason is the server's)."""
    if mark.state == REFUSED:
        return f"Refused by the server: {mark.reason}" if mark.reason else "Refused by the server"
    return _WORDS[mark.state]


def with_mark(text: str, mark: Mark | None) -> str:
    """A tooltip's text with the mark's words under it."""
    if mark is None:
        return text
    return f"{text}\n{mark_text(mark)}" if text else mark_text(mark)


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def mark_color(mark: Mark, palette: QPalette, selected: bool = False) -> QColor:
    if mark.state == QUEUED:
        if selected:
            # The link colour is near the highlight colour: on a selected row, its text colour.
            return palette.color(QPalette.ColorRole.HighlightedText)
        return palette.color(QPalette.ColorRole.Link)
    # Amber on dark backgrounds, a deep orange on light ones: both read as "look here".
    return QColor("#fbbf24") if _dark(palette) else QColor("#c2410c")


def paint_mark(painter: QPainter, rect: QRect, mark: Mark, palette: QPalette, selected: bool = False) -> None:
    """The glyph, centred in ``rect``."""
    fill = mark_color(mark, palette, selected)
    behind = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
    centre = QRectF(rect).center()
    half = SIZE / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(behind, 1.0))
    painter.setBrush(QBrush(fill))
    if mark.state == CONFLICT:
        painter.drawPolygon(QPolygonF([
            QPointF(centre.x(), centre.y() - half - 1), QPointF(centre.x() + half + 1, centre.y()),
            QPointF(centre.x(), centre.y() + half + 1), QPointF(centre.x() - half - 1, centre.y()),
        ]))
    else:
        painter.drawEllipse(QRectF(centre.x() - half, centre.y() - half, SIZE, SIZE))
    painter.restore()


def gutter(rect: QRect) -> QRect:
    """The strip at the right of a cell where its glyph goes."""
    return QRect(rect.right() - GUTTER + 1, rect.top(), GUTTER, rect.height())

