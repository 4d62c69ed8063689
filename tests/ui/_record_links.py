"""Shared by the record page's tests: a sync stand-in that counts what the page tells the
worker, capabilities kept in the workspace file as a sync keeps them, a page opened like a user
opens one, and the fixtures of the links and issues tests (``page_fixtures``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.navigation import Navigator
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


def unanswered(box: QMessageBox) -> bool:
    """A page's question no test answered: fails it, where the modal box would wait forever."""
    raise AssertionError(f"Asked {box.text()!r} with no answer set (set the section's confirm_unlink)")


def open_page(context: AppContext, qtbot: Any, record_id: str, size: tuple[int, int] = (1100, 800)) -> RecordPage:
    page = RecordPage(context, record_id)
    qtbot.addWidget(page)
    page.links_section.confirm_unlink = unanswered
    page.issues_section.confirm_unlink = unanswered
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()  # the posted layout requests settle, as they have before a user clicks
    return page


def page_fixtures(**capabilities: bool) -> tuple[Any, Any, Any]:
    """A test module's ``store`` (the synced sandbox copy, with these capabilities kept),
    ``context`` (with a navigator and a ``FakeSync``) and ``page_of(record_id)`` fixtures:

        store, context, page_of = page_fixtures(record_links=True)
    """

    @pytest.fixture
    def store(synced_store: Callable[..., Store]) -> Store:
        opened = synced_store(records=200, seed=1)
        keep_capabilities(opened, **capabilities)
        return opened

    @pytest.fixture
    def context(store: Store, ui_context: Callable[..., AppContext]) -> AppContext:
        return ui_context(store, navigator=Navigator(), sync=FakeSync())

    @pytest.fixture
    def page_of(context: AppContext, qtbot: Any) -> Callable[[str], RecordPage]:
        return lambda record_id: open_page(context, qtbot, record_id)

    return store, context, page_of
