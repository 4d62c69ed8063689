"""Column widths of the record and entry tables: fitted to what the user sees when a view opens,
and the user's own widths kept.

* **Fitting** (``fit_columns``) measures the header title and the cells of the rows on screen
  (at most ``SAMPLE_ROWS``: a lazy table of 100,000 rows is never read to the end), adds a little
  air, and caps the width at ``MAX_FIT_WIDTH`` so one long note does not push every other column
  off screen. A column the user sized is left alone.
* **The user's widths** are the ones set with the mouse on the header (dragging a section's edge,
  or double-clicking it). ``UserSizedHeader`` tells them apart from the widths the program sets
  (fitting, restoring, showing a hidden column), which must not be remembered as the user's
  choice: only ``user_resized`` is saved, and ``user_sized`` lists the columns it applies to.
  The record table keeps them in its column layout (crmdesk.ui.widgets.column_chooser); a list's
  entry table by slug, on their own (``user_widths`` / ``restore_user_widths``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHeaderView, QStyleOptionViewItem, QTableView, QWidget

#: No column is fitted wider than this; the user may drag it wider.
MAX_FIT_WIDTH = 360
#: Nor narrower than this.
MIN_FIT_WIDTH = 56
#: Rows measured at most: those on screen when the view opens.
SAMPLE_ROWS = 60
#: Air beside the contents (room for the unsynced-change strip, and to tell columns apart).
PADDING = 16


class UserSizedHeader(QHeaderView):
    """A horizontal header that says which widths the user set with the mouse."""

    #: A section the user resized: logical index, new width.
    user_resized = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # As QTableView's own header: a click on a title sorts, the current column's title shows.
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        #: Logical indexes of the sections whose width is the user's.
        self.user_sized: set[int] = set()
        self._by_mouse = False
        self.sectionResized.connect(self._resized)
        self.sectionCountChanged.connect(self._count_changed)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._by_mouse = True
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # A double-click on a section's edge fits it (Qt's own): the user asked for that width.
        self._by_mouse = True
        super().mouseDoubleClickEvent(event)
        self._by_mouse = False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._by_mouse = False

    def _resized(self, logical: int, _old: int, new: int) -> None:
        if self._by_mouse and new > 0:
            self.user_sized.add(logical)
            self.user_resized.emit(logical, new)

    def _count_changed(self, old: int, new: int) -> None:
        # Fewer columns (a schema change) may number them afresh: the view applies its saved layout
        # again. A reset for a new sort or filter keeps the columns, and so the user's widths.
        if new < old:
            self.user_sized.clear()

    def title_width(self, logical: int) -> int:
        """The width the header's own drawing needs for the title and sort arrow."""
        return self.sectionSizeFromContents(logical).width()


def sample_rows(table: QTableView) -> range:
    """The rows on screen (from the top visible one), or the first ones before the table is laid out."""
    model = table.model()
    count = model.rowCount() if model is not None else 0
    top = max(0, table.rowAt(0))
    bottom = table.rowAt(max(0, table.viewport().height() - 1))
    if bottom < 0:  # fewer rows than the viewport holds, or not laid out yet
        bottom = count - 1
    return range(top, min(bottom + 1, top + SAMPLE_ROWS, count))


def content_width(table: QTableView, logical: int, rows: Iterable[int]) -> int:
    """The widest of the header title and the cells of ``rows`` in column ``logical``."""
    model = table.model()
    header = table.horizontalHeader()
    title = header.title_width(logical) if isinstance(header, UserSizedHeader) else header.sectionSize(logical)
    option = QStyleOptionViewItem()
    option.initFrom(table.viewport())
    option.font = table.font()
    widest = 0
    for row in rows:
        index: QModelIndex = model.index(row, logical)
        delegate = table.itemDelegateForIndex(index)
        if delegate is not None:
            widest = max(widest, delegate.sizeHint(option, index).width())
    return max(title, widest + PADDING)


def fit_columns(table: QTableView, skip: set[int] | None = None) -> None:
    """Each visible column not in ``skip`` (and not sized by the user) as wide as what it shows."""
    header = table.horizontalHeader()
    keep = set(skip or ()) | set(getattr(header, "user_sized", ()))
    rows = sample_rows(table)
    for logical in range(header.count()):
        if logical in keep or header.isSectionHidden(logical):
            continue
        width = content_width(table, logical, rows)
        header.resizeSection(logical, max(MIN_FIT_WIDTH, min(width, MAX_FIT_WIDTH)))


def user_widths(header: UserSizedHeader, slugs: list[str]) -> dict[str, int]:
    """The widths the user set, by column slug (``slugs[logical]``)."""
    return {slugs[logical]: header.sectionSize(logical) for logical in sorted(header.user_sized)
            if 0 <= logical < len(slugs)}


def restore_user_widths(header: UserSizedHeader, slugs: list[str], widths: dict[str, Any]) -> None:
    """Widths saved by ``user_widths`` back on their columns, again the user's."""
    for logical, slug in enumerate(slugs):
        width = widths.get(slug)
        if isinstance(width, int) and width >= MIN_FIT_WIDTH:
            header.resizeSection(logical, width)
            header.user_sized.add(logical)


def load_widths(settings: Any, key: str) -> dict[str, Any]:
    raw = settings.value(key) if settings is not None else None
    try:
        data = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}  # a damaged setting is forgotten, not an error
    return data if isinstance(data, dict) else {}


def save_widths(settings: Any, key: str, widths: dict[str, int]) -> None:
    if settings is not None:
        settings.setValue(key, json.dumps(widths))
