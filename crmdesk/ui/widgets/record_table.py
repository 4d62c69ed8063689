"""The QTableView of the record and list entry tables: one that lets its rows change under the user.

Change notices update the model in place (rows removed, moved, inserted, repainted), and the
table keeps what the user holds through them:

* the record at the top of the viewport stays at the top (the views wrap each change of the
  rows in ``view_anchor.keeping_top``);
* an open editor keeps what the user typed: QAbstractItemView's ``dataChanged`` hands the
  model's value to every open editor inside the changed range (``setEditorData``), so a
  repaint of the edited row would throw the typing away. The range is told in pieces around
  each open editor's cell instead.

The vertical header is a narrow gutter with each row's unsynced-change glyph (``MarkHeader``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTableView, QWidget

from crmdesk.ui.widgets.mark_header import MarkHeader

#: (top, left, bottom, right), inclusive.
Block = tuple[int, int, int, int]


def without_cell(block: Block, row: int, column: int) -> list[Block]:
    """``block`` less one cell, as at most four blocks (above, left of, right of, below it)."""
    top, left, bottom, right = block
    if not (top <= row <= bottom and left <= column <= right):
        return [block]
    pieces = [(top, left, row - 1, right), (row, left, row, column - 1),
              (row, column + 1, row, right), (row + 1, left, bottom, right)]
    return [(t, lf, b, r) for t, lf, b, r in pieces if t <= b and lf <= r]


class RecordTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalHeader(MarkHeader(self))

    def _editor_cells(self) -> list[QPersistentModelIndex]:
        # The delegates of crmdesk.ui.widgets.table_delegate say which editors are open.
        open_editors = getattr(self.itemDelegate(), "open_editors", None)
        return open_editors() if open_editors is not None else []

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()) -> None:
        editors = self._editor_cells() if top_left.isValid() and bottom_right.isValid() else []
        if not editors:
            super().dataChanged(top_left, bottom_right, roles)
            return
        blocks = [(top_left.row(), top_left.column(), bottom_right.row(), bottom_right.column())]
        for cell in editors:
            blocks = [piece for block in blocks for piece in without_cell(block, cell.row(), cell.column())]
        model = self.model()
        for top, left, bottom, right in blocks:
            # None of these pieces holds an editor: Qt repaints them and sets no editor's data.
            super().dataChanged(model.index(top, left), model.index(bottom, right), roles)
