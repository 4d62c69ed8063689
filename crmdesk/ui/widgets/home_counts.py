"""Home's "Records": how many records each object holds, then the open tasks and unread
notifications — names on the left, counts right-aligned in a column of their own beside them.
Enter (or a double click) opens what a row names."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidgetItem, QWidget

from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.home_section import SHORT_ROW_HEIGHT, HomeList, HomeSection, KeyRole

#: The names' column is at least this wide, so short names do not pull the counts to the left.
NAME_COLUMN_MIN = 220
WAITING = "Downloading the workspace… your records appear here as they arrive."


class CountsList(HomeList):
    def fit_columns(self) -> None:
        """The names' column at its usual width, or less in a narrow column so the counts stay in view."""
        super().fit_columns()
        room = self.viewport().width() - self.header().sectionSize(1)
        self.header().resizeSection(0, max(NAME_COLUMN_MIN // 2, min(NAME_COLUMN_MIN, room)))


class CountsSection(HomeSection):
    #: A navigation target: ``object:<slug>``, ``tasks`` or ``notifications``.
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Records", CountsList("Records", ("Name", "Count"), header=False,
                                              row_height=SHORT_ROW_HEIGHT), parent)
        head = self.list.header()
        # The counts sit beside the names, not across the window: the room left over stays empty.
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(0, NAME_COLUMN_MIN)
        self.list.setColumnCount(3)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.list.itemActivated.connect(self._activated)
        self.keep_to_its_height()

    def fill(self, rows: list[tuple[str, str, int]]) -> None:
        """(target, name, count) rows; none: the workspace is still arriving."""
        key, row = self.list.current_key(), self.list.current_row()
        self.list.clear()
        if not rows:
            self.show_empty(WAITING)
            return
        locale = QLocale()
        for target, name, count in rows:
            item = QTreeWidgetItem([name, locale.toString(count)])
            item.setData(0, KeyRole, target)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, plain_tooltip(f"Open {name}"))
            self.list.addTopLevelItem(item)
        self.list.fit_height()
        self.show_list()
        self.list.put_back(key, max(row, 0))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, KeyRole)
        if isinstance(target, str):
            self.open_requested.emit(target)
