"""Keep the item at the top of a view at the top while its model's rows change under it.

Rows inserted or removed above the viewport would otherwise shift what the user is reading
(the scroll bar keeps its number, not its record). The anchor is a persistent index, so it
follows its row through Qt's row and layout signals; when that row itself is removed the view
stays where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPersistentModelIndex, QPoint
from PySide6.QtWidgets import QAbstractItemView


@contextmanager
def keeping_top(view: QAbstractItemView) -> Iterator[None]:
    top = view.indexAt(QPoint(1, 1))
    if not top.isValid():
        yield
        return
    anchor = QPersistentModelIndex(top)
    offset = view.visualRect(top).top()
    row = top.row()
    yield
    if not anchor.isValid() or anchor.row() == row:
        return  # gone, or nothing above it came or went
    # Lay the view out now: the scroll bar's range must already count the new rows.
    view.doItemsLayout()
    bar = view.verticalScrollBar()
    if view.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
        bar.setValue(bar.value() + view.visualRect(anchor).top() - offset)
    else:
        bar.setValue(bar.value() + anchor.row() - row)
