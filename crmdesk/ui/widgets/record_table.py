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

Keys and clicks, as the status bar's hint says (``TABLE_HINT``): Enter or Return on a row asks to
open its record (``open_requested``); a double-click, F2 or typing edits the cell
(``EDIT_TRIGGERS``). Enter inside an open cell editor saves the cell and nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from crmdesk.ui.widgets.column_widths import UserSizedHeader, fit_columns
from crmdesk.ui.widgets.mark_header import MarkHeader
from crmdesk.ui.widgets.status_hint import StatusHint

TABLE_HINT = "Enter opens the record · Double-click or F2 edits the cell"

#: How a table's cells start editing: a double-click, F2, or typing over the cell.
EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                 | QAbstractItemView.EditTrigger.AnyKeyPressed)

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

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
    #: Enter or Return on a row: the index of the current cell.
    open_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalHeader(MarkHeader(self))
        #: The horizontal header, which knows the widths the user set (``horizontalHeader()`` too).
        self.user_header = UserSizedHeader(self)
        self.setHorizontalHeader(self.user_header)
        self.setEditTriggers(EDIT_TRIGGERS)
        self.status_hint = StatusHint(TABLE_HINT, self)
        self.status_hint.watch(self)
        self._fitted = False
        #: Fitted while there were no rows (a workspace still downloading): its titles only.
        self._fitted_without_rows = False

    def fit_columns(self) -> None:
        """Columns as wide as the rows on screen show (those the user sized keep their width)."""
        fit_columns(self)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # Qt override
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._fit_first_rows)
            model.rowsInserted.connect(self._fit_first_rows)
            model.layoutChanged.connect(self._fit_first_rows)

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        super().showEvent(event)
        if not self._fitted:
            # Once, when the table opens: the rows on screen are known now. Refitting later
            # would move columns under the user's eyes as they scroll or edit.
            self._fitted = True
            model = self.model()
            self._fitted_without_rows = model is None or model.rowCount() == 0
            self.fit_columns()

    def _fit_first_rows(self, *_: object) -> None:
        """The first rows of a table that opened empty (the demo's, before its first sync): fitted
        to them once, as the table would have been had they been there when it opened."""
        model = self.model()
        if self._fitted_without_rows and model is not None and model.rowCount() > 0:
            self._fitted_without_rows = False
            self.fit_columns()

    def selectAll(self) -> None:  # Qt override: Ctrl+A, Edit ▸ Select All
        # A long table shows its first rows while the rest are read: "all" means all of them.
        complete_now = getattr(self.model(), "complete_now", None)
        if complete_now is not None:
            complete_now()
        super().selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # An editor's Enter that the editor let through reaches the table while it is still
        # editing and without focus: that Enter saved the cell, it must not also open the record.
        editing = self.state() == QAbstractItemView.State.EditingState and not self.hasFocus()
        index = self.currentIndex()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() in _ENTER and plain and not editing and index.isValid():
            self.open_requested.emit(index)
            event.accept()
            return
        super().keyPressEvent(event)

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
