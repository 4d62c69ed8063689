"""The lazy part of the record and entry tables: the model holds only the ordered rowids of its
rows; rows are fetched in blocks around the one a view asks for, and cached until a reload or
an edit says they changed. Subclasses say how a block is fetched (and when the cache is trimmed)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from crmdesk.model import AttributeDef

BLOCK = 200
Index = QModelIndex | QPersistentModelIndex


class LazyRowsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._ids: list[int] = []
        self._rows: dict[int, Any] = {}
        self._columns: list[AttributeDef] = []

    @property
    def columns(self) -> list[AttributeDef]:
        return list(self._columns)

    def _replace_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self.endResetModel()

    def _row_at(self, row: int) -> Any | None:
        """The cached row at this position, fetching its block first if needed; None off the end."""
        if not 0 <= row < len(self._ids):
            return None
        rowid = self._ids[row]
        cached = self._rows.get(rowid)
        if cached is not None:
            return cached
        self._fetch_block(row)
        return self._rows.get(rowid)

    def _uncached_block(self, row: int) -> list[int]:
        """The rowids of the block around this row that are not cached yet."""
        start = max(0, row - BLOCK // 4)
        return [r for r in self._ids[start : start + BLOCK] if r not in self._rows]

    def _fetch_block(self, row: int) -> None:
        raise NotImplementedError

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)
