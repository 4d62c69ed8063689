"""Shared by the record page's links, issues and sections tests: a sync stand-in that counts
what the page tells the worker, capabilities kept in the workspace file as a sync keeps them,
and a page opened like a user opens one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.views.record_page import RecordPage


class FakeSync(QObject):
    """Stands in for SyncController: records the records opened and counts the local edits."""

    request_open_record = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.local_edits = 0
        self.opened: list[str] = []
        self.request_open_record.connect(self.opened.append)

    def local_edit(self) -> None:
        self.local_edits += 1


def keep_capabilities(store: Store, **flags: Any) -> None:
    """What the last probe found, as the sync engine keeps it in the file (the store's own dialect)."""
    with store.write():
        store.schema.set_capabilities_json({"dialect": store.schema.get_meta("dialect") or "aria", **flags})


def open_page(context: AppContext, qtbot: Any, record_id: str, size: tuple[int, int] = (1100, 800)) -> RecordPage:
    page = RecordPage(context, record_id)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()  # the posted layout requests settle, as they have before a user clicks
    return page
