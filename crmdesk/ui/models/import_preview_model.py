"""The import dialog's preview: each row of the file as it reads, and what importing it will do.

Columns: the file line, what happens ("New", "Update", "Unchanged", "Merged into line 12",
"Refused"), then the file's mapped columns with the text the file holds. A refused row is tinted
and says why in its tooltip; its cells can be edited to fix it (the dialog plans again).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.model.csv_text import CsvTable
from crmdesk.store.csv_import import CREATE, MERGED, REFUSED, UNCHANGED, UPDATE, ImportPlan, PlannedRow, Target
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.theme_ink import mix

#: Which rows the preview shows (the dialog's "Show" choice).
SHOW_ALL, SHOW_REFUSED, SHOW_CREATES, SHOW_UPDATES = "all", "refused", "creates", "updates"
_SHOWN_ACTIONS = {SHOW_REFUSED: {REFUSED}, SHOW_CREATES: {CREATE}, SHOW_UPDATES: {UPDATE, UNCHANGED}}
_WORDS = {CREATE: "New", UPDATE: "Update", UNCHANGED: "Unchanged", REFUSED: "Refused"}
_FIXED = 2  # line, what happens
Index = QModelIndex | QPersistentModelIndex


class ImportPreviewModel(QAbstractTableModel):
    #: (row index in the file, column index in the file, new text): a cell the user corrected.
    cell_fixed = Signal(int, int, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table: CsvTable | None = None
        self._plan: ImportPlan | None = None
        self._columns: list[int] = []
        self._headers: list[str] = []
        self._shown: list[int] = []
        self._show = SHOW_ALL
        self._bold = QFont()
        self._bold.setBold(True)

    # -- what it shows ---------------------------------------------------------------------------

    def set_plan(self, table: CsvTable, mapping: Sequence[Target | None], plan: ImportPlan | None,
                 labels: Sequence[str]) -> None:
        """The file, its mapped columns (``labels``: each mapped column's attribute) and the plan
        (None while one is being made)."""
        self.beginResetModel()
        self._table, self._plan = table, plan
        self._columns = [i for i, target in enumerate(mapping) if target is not None]
        self._headers = [f"{table.headers[i]} → {label}" for i, label in zip(self._columns, labels, strict=True)]
        self._refilter()
        self.endResetModel()

    def set_show(self, show: str) -> None:
        self.beginResetModel()
        self._show = show
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        if self._table is None:
            self._shown = []
            return
        wanted = _SHOWN_ACTIONS.get(self._show)
        if wanted is None or self._plan is None:
            self._shown = list(range(len(self._table.rows)))
        else:
            self._shown = [row.index for row in self._plan.rows if row.action in wanted]

    def planned(self, row: int) -> PlannedRow | None:
        if self._plan is None or not 0 <= row < len(self._shown):
            return None
        return self._plan.rows[self._shown[row]]

    def column_of(self, file_column: int) -> int | None:
        """The preview column showing a file column (None: not mapped)."""
        return self._columns.index(file_column) + _FIXED if file_column in self._columns else None

    # -- Qt --------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _FIXED + len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Line"
        if section == 1:
            return "What happens"
        return self._headers[section - _FIXED] if section - _FIXED < len(self._headers) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() >= _FIXED:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None or not index.isValid():
            return None
        file_row = self._shown[index.row()]
        column = index.column()
        planned = self._plan.rows[file_row] if self._plan is not None else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return str(self._table.lines[file_row])
            if column == 1:
                return self._what(planned) if role == Qt.ItemDataRole.DisplayRole else None
            return self._table.rows[file_row][self._columns[column - _FIXED]]
        if planned is None or planned.action != REFUSED:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(planned.problem or "")  # it may quote the file's text
        if role == Qt.ItemDataRole.BackgroundRole:
            palette = QApplication.palette()
            return mix(palette.color(QPalette.ColorRole.Base), QColor("#d93025"), 0.16)
        if role == Qt.ItemDataRole.FontRole and (column == 1 or (
                planned.column is not None and column == self.column_of(planned.column))):
            return self._bold
        return None

    def _what(self, planned: PlannedRow | None) -> str:
        if planned is None:
            return "…"
        if planned.action == MERGED and planned.merged_into is not None and self._table is not None:
            return f"Merged into line {self._table.lines[planned.merged_into]}"
        if planned.action == REFUSED:
            return f"Refused: {planned.problem}"
        return _WORDS.get(planned.action, planned.action)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self._table is None or role != Qt.ItemDataRole.EditRole or index.column() < _FIXED:
            return False
        file_row, file_column = self._shown[index.row()], self._columns[index.column() - _FIXED]
        text = str(value)
        if self._table.rows[file_row][file_column] == text:
            return False
        self._table.rows[file_row][file_column] = text
        self.dataChanged.emit(index, index)
        self.cell_fixed.emit(file_row, file_column, text)
        return True
