"""A table's vertical header as a narrow gutter: the glyph of each row's unsynced change.

The header asks the model's ``row_mark(row)`` for each section it paints (a model without one
shows no glyphs) and paints the glyph over the section's usual background, so a row whose record
waits to be sent, was refused or is in conflict shows it at the row's start, whatever columns are
scrolled to. The section's tooltip is the model's (``headerData``, vertical).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHeaderView, QWidget

from crmdesk.ui.widgets.unsynced_glyph import GUTTER, paint_mark


class MarkHeader(QHeaderView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHighlightSections(False)

    def sizeHint(self) -> QSize:
        # As wide as the glyph needs, however many rows: no row numbers to make room for.
        hint = super().sizeHint()
        return QSize(GUTTER, hint.height())

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        super().paintSection(painter, rect, logical)
        model: Any = self.model()
        row_mark = getattr(model, "row_mark", None)
        mark = row_mark(logical) if row_mark is not None else None
        if mark is not None:
            paint_mark(painter, rect, mark, self.palette())
