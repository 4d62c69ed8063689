"""The delegates of the tables updated in place: the record table's (attribute editors and
painting) and the list entry table's (plain text editors), each with two things more.

* A cell with an unsynced change shows its glyph in a strip at its right; the cell's contents
  are painted beside the strip, never under it.
* It knows which cells have an editor open (``open_editors``): the table must not let a
  change notice's ``dataChanged`` overwrite what the user is typing there.

The record table's delegate also says how wide its chips are (``sizeHint``), so columns fitted to
their contents (crmdesk.ui.widgets.column_widths) do not cut a status's chip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPersistentModelIndex, QSize
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crmdesk.model import AttributeType
from crmdesk.model.values import elements
from crmdesk.ui.editors.colors import CHIP_GAP
from crmdesk.ui.editors.delegate import AttributeDelegate, Index
from crmdesk.ui.models.record_table_model import AttributeRole, ValueRole
from crmdesk.ui.widgets.unsynced_glyph import GUTTER, gutter, paint_mark

#: Types the record table paints as chips (crmdesk.ui.editors.colors.paint_chips).
CHIP_TYPES = frozenset({AttributeType.SELECT, AttributeType.STATUS})
#: A chip's width beyond its title, and the cell's margins around the row of chips.
CHIP_PADDING = 16
CHIP_MARGINS = 10


class MarksAndEditors:
    """Mixed in before a QStyledItemDelegate class; the model answers ``mark_at(row, column)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: dict[QWidget, QPersistentModelIndex] = {}

    # -- open editors ---------------------------------------------------------------------------

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor: QWidget = super().createEditor(parent, option, index)  # type: ignore[misc]
        self._open[editor] = QPersistentModelIndex(index)
        return editor

    def destroyEditor(self, editor: QWidget, index: Index) -> None:
        self._open.pop(editor, None)
        super().destroyEditor(editor, index)  # type: ignore[misc]

    def open_editors(self) -> list[QPersistentModelIndex]:
        """The cells (followed through row moves) whose editor is open now."""
        return [index for index in self._open.values() if index.isValid()]

    # -- painting --------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # Straight from the model, not through a QVariant (see board_delegate.paint).
        model: Any = index.model()
        mark_at = getattr(model, "mark_at", None)
        mark = mark_at(index.row(), index.column()) if mark_at is not None else None
        if mark is None:
            super().paint(painter, option, index)  # type: ignore[misc]
            return
        rect = option.rect  # type: ignore[attr-defined]
        # The background (alternating rows, selection, focus) across the whole cell first…
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)  # type: ignore[attr-defined]
        background.text = ""  # type: ignore[attr-defined]
        background.icon = QIcon()  # type: ignore[attr-defined]
        background.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration  # type: ignore[attr-defined]
        widget = background.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        # …then the contents beside the glyph's strip, so the glyph never hides text.
        contents = QStyleOptionViewItem(option)
        contents.rect = rect.adjusted(0, 0, -GUTTER, 0)  # type: ignore[attr-defined]
        contents.state &= ~QStyle.StateFlag.State_HasFocus  # type: ignore[attr-defined]  # one focus frame
        super().paint(painter, contents, index)  # type: ignore[misc]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        paint_mark(painter, gutter(rect), mark, option.palette, selected)  # type: ignore[attr-defined]


class TableDelegate(MarksAndEditors, AttributeDelegate):
    """The record table's: one editor per attribute type, chips, stars, check marks."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint: QSize = super().sizeHint(option, index)
        attr = index.data(AttributeRole)
        if attr is None or attr.type not in CHIP_TYPES:
            return hint
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        titles = []
        for element in elements(index.data(ValueRole)):
            found = attr.option_by_id(element)
            titles.append(found.title if found else "(unknown option)")
        chips = sum(metrics.horizontalAdvance(t) + CHIP_PADDING for t in titles) + CHIP_GAP * max(0, len(titles) - 1)
        return QSize(max(hint.width(), chips + CHIP_MARGINS), hint.height())


class EntryDelegate(MarksAndEditors, QStyledItemDelegate):
    """The list entry table's: Qt's text editors."""
