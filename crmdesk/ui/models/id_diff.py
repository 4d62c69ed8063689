"""Turn a model's ordered ids into new ones with row removals, moves and inserts, not a reset.

A reset forgets what the views hold on the model's rows: the selection, the current cell,
the scroll position, an open editor. After a change notice the lazy models re-run their query
and hand the new ordered rowids here, which tells the views what happened in Qt's own terms:

1. the runs of ids that left, last first (``beginRemoveRows``);
2. when the ids both lists hold are in another order, one layout change, each persistent
   index (the selection's, the current cell's, an editor's) following its id;
3. the runs of new ids, first first (``beginInsertRows``).

Set and dict look-ups only: O(n) for n ids. A change scattered over more than ``MAX_RUNS``
runs (a filter's matches swapping wholesale) is told as one layout change in which rows also
come and go, as QSortFilterProxyModel's ``invalidate`` does: each run costs the views a
little (~20 µs with 100,000 rows), so thousands would add up.
"""

from __future__ import annotations

from array import array
from collections.abc import MutableSequence, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex

MAX_RUNS = 500
#: The signals' overload that carries a hint (PySide picks the one without arguments otherwise).
_PARENTS = "QList<QPersistentModelIndex>"
_HINT = "QAbstractItemModel::LayoutChangeHint"


def runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending positions as (first, last) runs of consecutive ones."""
    found: list[tuple[int, int]] = []
    for position in positions:
        if found and found[-1][1] == position - 1:
            found[-1] = (found[-1][0], position)
        else:
            found.append((position, position))
    return found


def _like(ids: MutableSequence[int], values: Sequence[int]) -> MutableSequence[int]:
    """``values`` in the kind of ``ids``: an array's slices take arrays only, and an array never
    equals a list."""
    if isinstance(ids, array):
        return values if isinstance(values, array) else array(ids.typecode, values)
    return values if isinstance(values, list) else list(values)


def update_rows(model: QAbstractItemModel, ids: MutableSequence[int], new: Sequence[int],
                max_runs: int = MAX_RUNS) -> bool:
    """Make ``ids`` (the list or ``array`` ``model`` shows its rows from, changed in place) equal
    ``new``, telling the views; True when anything changed. Ids are unique within each list."""
    new = _like(ids, new)
    if ids == new:
        return False
    kept_ids = set(new)
    old_ids = set(ids)
    removed = runs([i for i, rowid in enumerate(ids) if rowid not in kept_ids])
    inserted = runs([i for i, rowid in enumerate(new) if rowid not in old_ids])
    if len(removed) + len(inserted) > max_runs:
        relayout(model, ids, new)
        return True
    root = QModelIndex()
    for first, last in reversed(removed):
        model.beginRemoveRows(root, first, last)
        del ids[first : last + 1]
        model.endRemoveRows()
    common = _like(ids, [rowid for rowid in new if rowid in old_ids]) if inserted else new
    if common != ids:
        relayout(model, ids, common)
    for first, last in inserted:
        # Every position before ``first`` already holds new[:first]: the runs go in ascending.
        model.beginInsertRows(root, first, last)
        ids[first:first] = new[first : last + 1]
        model.endInsertRows()
    return True


def relayout(model: QAbstractItemModel, ids: MutableSequence[int], new: Sequence[int]) -> None:
    """One layout change from ``ids`` to ``new`` (changed in place): persistent indexes follow
    their id; those of ids that left become invalid."""
    reorder = len(ids) == len(new)
    # A pure reorder is a vertical sort: the horizontal header need not save its sections.
    hint = (QAbstractItemModel.LayoutChangeHint.VerticalSortHint if reorder
            else QAbstractItemModel.LayoutChangeHint.NoLayoutChangeHint)
    model.layoutAboutToBeChanged[_PARENTS, _HINT].emit([], hint)
    before = model.persistentIndexList()
    held = [(ids[index.row()], index.column()) for index in before]
    ids[:] = _like(ids, new)
    position = dict(zip(new, range(len(new)), strict=True))  # twice as fast as a comprehension
    after = []
    for rowid, column in held:
        row = position.get(rowid)
        after.append(model.index(row, column) if row is not None else QModelIndex())
    model.changePersistentIndexList(before, after)
    model.layoutChanged[_PARENTS, _HINT].emit([], hint)
