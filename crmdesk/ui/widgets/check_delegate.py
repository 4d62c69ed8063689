"""Check boxes in item views that can be seen in any palette.

Styles draw an item's check box from the palette's darker roles: on a dark palette that is a
near-black square on a near-black row (about 1.1:1), and on alternating rows nothing at all. This
delegate lets the style draw the item as usual, then paints the box over the style's own in the
row's colours: a frame of the text colour when unticked, the highlight colour with a tick in the
highlighted-text colour when ticked. Both are well above the 3:1 a control's parts need, light or
dark. Clicks and Space still go through the style's box (the same rectangle), so ticking works
as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crmdesk.ui.theme_ink import mix

Index = QModelIndex | QPersistentModelIndex

#: How far the unticked frame goes from the row's background to the text colour.
FRAME_STRENGTH = 0.75


def row_background(option: QStyleOptionViewItem) -> QColor:
    """The colour the style filled the row with (selection, alternate or plain base)."""
    palette: QPalette = option.palette
    state = option.state
    if state & QStyle.StateFlag.State_Selected:
        return palette.color(QPalette.ColorRole.Highlight)
    if option.features & QStyleOptionViewItem.ViewItemFeature.Alternate:
        return palette.color(QPalette.ColorRole.AlternateBase)
    return palette.color(QPalette.ColorRole.Base)


def paint_check_box(painter: QPainter, area: QRect, checked: bool, option: QStyleOptionViewItem) -> None:
    """A rounded box centred in ``area``, over whatever the style drew there."""
    palette: QPalette = option.palette
    background = row_background(option)
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    text = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
    side = min(area.width(), area.height(), 16)
    box = QRectF(area.center().x() - side / 2 + 0.5, area.center().y() - side / 2 + 0.5, side - 1, side - 1)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(area.adjusted(-1, -1, 1, 1), background)  # the style's own box goes
    if checked:
        fill = text if selected else palette.color(QPalette.ColorRole.Highlight)
        mark = background if selected else palette.color(QPalette.ColorRole.HighlightedText)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 3, 3)
        tick = QPainterPath(QPointF(box.left() + side * 0.24, box.top() + side * 0.52))
        tick.lineTo(QPointF(box.left() + side * 0.42, box.top() + side * 0.70))
        tick.lineTo(QPointF(box.left() + side * 0.76, box.top() + side * 0.32))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(mark, max(1.6, side / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(tick)
    else:
        painter.setPen(QPen(mix(background, text, FRAME_STRENGTH), 1.5))
        painter.setBrush(background)
        painter.drawRoundedRect(box, 3, 3)
    painter.restore()


class VisibleCheckDelegate(QStyledItemDelegate):
    """The style's item painting, with a check box that shows in light and dark palettes."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        if state is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if not opt.features & QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator:
            return  # the style drew no box here (a row toggled by a click anywhere still has one)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, widget)
        paint_check_box(painter, area, Qt.CheckState(state) == Qt.CheckState.Checked, opt)
