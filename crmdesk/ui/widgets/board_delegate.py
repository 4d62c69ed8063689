"""Paints one board card: the title and up to four attribute lines, as plain text.

Every card of a board has the same height (title + the number of fields chosen),
so the column's QListView can use uniform item sizes: it lays out 10,000 cards
without asking for any of them, and fetches only the ones it paints.

A card with a change the server does not have yet shows its glyph at the end of the
title line; the title is elided before it, never painted under it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crmdesk.ui.models.board_model import CardRole, CardView, Index
from crmdesk.ui.theme_ink import mix
from crmdesk.ui.widgets.unsynced_glyph import GUTTER, gutter, paint_mark

MARGIN_X = 8  # space between the card and the column's edges
GAP_Y = 4  # half the space between two cards
PAD = 10  # inside the card
LINE_GAP = 3
RADIUS = 6.0


class CardDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_lines = 0

    def set_field_lines(self, count: int) -> None:
        self.field_lines = count

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.9))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title, small = self._fonts(option)
        height = 2 * PAD + QFontMetrics(title).height()
        height += self.field_lines * (QFontMetrics(small).height() + LINE_GAP)
        return QSize(200, height + 2 * GAP_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # Straight from the model, not through a QVariant: cheaper on every paint, and it avoids
        # a PySide6 refcount bug (a fatal "deallocating None" after ~10^5 Python-object round trips).
        model = index.model()
        card = model.card_at(index.row()) if hasattr(model, "card_at") else index.data(CardRole)
        if not isinstance(card, CardView):
            return
        palette = option.palette
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        dark = window.lightness() < 128
        rect = QRect(option.rect).adjusted(MARGIN_X, GAP_Y, -MARGIN_X, -GAP_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        fill = mix(window, QColor("white"), 0.10 if dark else 0.85)
        if hovered:
            fill = mix(fill, text, 0.05)
        border = palette.color(QPalette.ColorRole.Highlight) if selected else mix(fill, text, 0.18)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border))
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        if selected:
            inner = QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5)
            painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            painter.drawRoundedRect(inner, RADIUS - 1, RADIUS - 1)

        title_font, small_font = self._fonts(option)
        inner_rect = rect.adjusted(PAD, PAD, -PAD, -PAD)
        title_metrics = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(QPen(text))
        line = QRect(inner_rect.left(), inner_rect.top(), inner_rect.width(), title_metrics.height())
        card_mark = getattr(getattr(model, "board", None), "card_mark", None)
        mark = card_mark(card) if card_mark is not None else None
        title_rect = line.adjusted(0, 0, -GUTTER, 0) if mark is not None else line
        # drawText with a plain string never interprets markup: "<b>x</b>" shows those characters.
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title_metrics.elidedText(card.title, Qt.TextElideMode.ElideRight, title_rect.width()))
        if mark is not None:
            # On the card's own fill: the card is never filled with the highlight colour.
            paint_mark(painter, gutter(line), mark, palette)

        painter.setFont(small_font)
        metrics = QFontMetrics(small_font)
        muted = mix(text, fill, 0.45)
        label_width = min(inner_rect.width() * 2 // 5, max((metrics.horizontalAdvance(f.label) for f in card.fields),
                                                       default=0) + 8)
        y = line.bottom() + 1 + LINE_GAP
        for card_field in card.fields[: self.field_lines]:
            row = QRect(inner_rect.left(), y, inner_rect.width(), metrics.height())
            label_rect = QRect(row.left(), row.top(), label_width, row.height())
            painter.setPen(QPen(muted))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(card_field.label, Qt.TextElideMode.ElideRight, label_width - 6))
            value_rect = row.adjusted(label_width, 0, 0, 0)
            if card_field.color:
                dot = metrics.height() // 2
                painter.setPen(QPen(Qt.PenStyle.NoPen))
                painter.setBrush(QBrush(QColor(card_field.color)))
                painter.drawEllipse(value_rect.left(), value_rect.center().y() - dot // 2, dot, dot)
                value_rect.setLeft(value_rect.left() + dot + 5)
            painter.setPen(QPen(text))
            painter.drawText(value_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(card_field.text, Qt.TextElideMode.ElideRight, value_rect.width()))
            y += metrics.height() + LINE_GAP
        painter.restore()
