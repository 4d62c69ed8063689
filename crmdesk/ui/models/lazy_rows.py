"""The lazy part of the record and entry tables: the model holds only the ordered rowids of its
rows; rows are fetched in blocks around the one a view asks for, and cached until a change
notice or an edit says they changed. Subclasses say how a block is fetched (and when the cache
is trimmed) and which record ids a cached row shows.

After a change notice the ids are updated in place (``id_diff``): rows leave, move and arrive
with Qt's row signals, so the views keep their selection, current cell, scroll position and
open editor. Only a schema change resets the model.

The rowids are kept in an ``array('q')``: 8 bytes a row, where a list of ints costs 36 (a list
slot and an int object): 28 MB less resident memory with 1,000,000 rows.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from crmdesk.model import AttributeDef
from crmdesk.ui.models.id_diff import update_rows

BLOCK = 200
Index = QModelIndex | QPersistentModelIndex


def compact(ids: Sequence[int]) -> array[int]:
    """Rowids as the 8-byte integers the models keep (an array is kept as it is)."""
    return ids if isinstance(ids, array) else array("q", ids)


class LazyRowsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._ids: array[int] = array("q")
        self._rows: dict[int, Any] = {}
        self._columns: list[AttributeDef] = []
        #: rowid → row, built when first needed after the ids last changed.
        self._positions: dict[int, int] | None = None

    @property
    def columns(self) -> list[AttributeDef]:
        return list(self._columns)

    def _replace_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = compact(ids)
        self._positions = None
        self._rows.clear()
        self.endResetModel()

    def _update_ids(self, ids: Sequence[int]) -> bool:
        """The new ordered rowids, told as removals, moves and inserts; True when any changed."""
        if not update_rows(self, self._ids, compact(ids)):
            return False
        self._positions = None
        return True

    def _grow_ids(self, ids: Sequence[int]) -> bool:
        """When ``ids`` only adds rows after the current ones (the whole list arriving after its
        head), tell it as one insert at the end; False, changing nothing, when it does more.

        Comparing the head alone: telling 1,000,000 ids apart as ``_update_ids`` does takes a
        few hundred ms of the GUI thread, this a few µs."""
        count = len(self._ids)
        ids = compact(ids)
        if len(ids) <= count or ids[:count] != self._ids:
            return False
        self.beginInsertRows(QModelIndex(), count, len(ids) - 1)
        self._ids = ids
        self._positions = None
        self.endInsertRows()
        return True

    def position_of(self, rowid: int) -> int | None:
        if self._positions is None:
            self._positions = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._positions.get(rowid)

    def _row_ids(self, row: Any) -> Iterable[str]:
        """The ids a change notice may name for this cached row (a record's; an entry's and its record's)."""
        raise NotImplementedError

    def _refresh_cached(self, changed_ids: set[str] | None) -> None:
        """Cached rows showing ``changed_ids`` (None: every row) are fetched again when next
        painted; their rows repaint now, each as one row-wide ``dataChanged``."""
        if not self._ids:
            self._rows.clear()
            return
        if changed_ids is None:
            self._rows.clear()
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))
            return
        stale = [rowid for rowid, row in self._rows.items() if not changed_ids.isdisjoint(self._row_ids(row))]
        for rowid in stale:
            del self._rows[rowid]
        last = self.columnCount() - 1
        for rowid in stale:
            row = self.position_of(rowid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

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
