"""Home's "Recently viewed": the records the user opened lately (``store.recent``), newest first,
each with its object; Enter opens one."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from crmdesk.store.recent import RecentRecord
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.home_section import SHORT_ROW_HEIGHT, HomeList, HomeSection, KeyRole

NOTHING_YET = "Records you open show here, newest first, so you can get back to them in a keystroke."


class RecentSection(HomeSection):
    #: ``record:<id>``
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Recently viewed", HomeList("Recently viewed", ("Record", "Object"), header=False,
                                                      row_height=SHORT_ROW_HEIGHT), parent)
        self.list.itemActivated.connect(self._activated)
        self.keep_to_its_height()

    def fill(self, records: list[RecentRecord], object_names: Mapping[str, str]) -> None:
        key, row = self.list.current_key(), self.list.current_row()
        self.list.clear()
        if not records:
            self.show_empty(NOTHING_YET)
            return
        for record in records:
            item = QTreeWidgetItem([record.title or "(untitled)", object_names.get(record.object_slug, "")])
            item.setData(0, KeyRole, record.id)
            item.setToolTip(0, plain_tooltip(record.title))
            self.list.addTopLevelItem(item)
        self.list.fit_height()
        self.show_list()
        self.list.put_back(key, max(row, 0))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        record_id = item.data(0, KeyRole)
        if isinstance(record_id, str):
            self.open_requested.emit(f"record:{record_id}")
