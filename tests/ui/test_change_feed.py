"""One change feed for every open view: an edit in one view reaches the others at once, without a
sync; an edit another process made is noticed when the window becomes active; a burst of notices
reaches the views merged (``ui/change_feed.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.change_feed import ChangeFeed
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.attribute_form import TextField
from tests.cli_support import crmdesk


@pytest.fixture
def data(tmp_path: Path, synced_template: Callable[[int, int], Path]) -> Path:
    """A data dir holding one synced workspace, the one the command line picks on its own."""
    folder = tmp_path / "data" / "workspaces"
    folder.mkdir(parents=True)
    shutil.copy(synced_template(60, 3), folder / "ws-feed.sqlite")
    return tmp_path / "data"


@pytest.fixture
def window(qtbot: Any, data: Path, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store.open(data / "workspaces" / "ws-feed.sqlite", create=False)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(data), store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=settings)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    yield window
    store.close()


def _table(window: MainWindow, slug: str) -> Any:
    window.navigate(f"object:{slug}")
    return window.current_view().table  # type: ignore[union-attr]


def _become_active() -> None:
    """What the platform tells the application when the user comes back to its window."""
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)


def _row_of(model: Any, record_id: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data(RecordIdRole) == record_id)


def test_an_edit_on_a_record_page_reaches_the_open_table_without_a_sync(window: MainWindow, qtbot: Any) -> None:
    store = window.context.store
    assert store is not None and window.context.sync is None  # no worker: nothing but the feed can tell
    table = _table(window, "companies")
    model = table.model
    record_id = model.index(0, 0).data(RecordIdRole)
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Name")
    before = model.index(_row_of(model, record_id), column).data()
    window.navigate(f"record:{record_id}")
    field = window.current_view().form.fields["name"]  # type: ignore[union-attr]
    assert isinstance(field, TextField)
    field.edit.setText("Renamed on its page")
    field.edit.editingFinished.emit()
    assert store.records.get(record_id).values["name"] == "Renamed on its page"  # type: ignore[union-attr]
    heard: list[ChangeSet] = []
    window.change_feed.dispatched.connect(heard.append)
    qtbot.waitUntil(lambda: len(heard) == 1)
    window.navigate("object:companies")  # the same table, kept, not rebuilt
    assert window.current_view().table is table  # type: ignore[union-attr]
    assert model.index(_row_of(model, record_id), column).data() == "Renamed on its page"
    assert before != "Renamed on its page"


def test_an_edit_in_the_table_reaches_the_open_record_page(window: MainWindow, qtbot: Any) -> None:
    table = _table(window, "companies")
    model = table.model
    record_id = model.index(0, 0).data(RecordIdRole)
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Name")
    window.navigate(f"record:{record_id}")
    page: Any = window.current_view()
    window.navigate("object:companies")
    assert model.setData(model.index(_row_of(model, record_id), column), "Renamed in the table")
    heard: list[ChangeSet] = []
    window.change_feed.dispatched.connect(heard.append)
    qtbot.waitUntil(lambda: len(heard) == 1)
    # Out of sight, the page keeps the notice for when it is shown again: the same page, no sync.
    window.navigate(f"record:{record_id}")
    assert window.current_view() is page
    assert page.form.fields["name"].edit.text() == "Renamed in the table"


def test_an_edit_by_another_process_shows_when_the_window_becomes_active(
    window: MainWindow, data: Path, qtbot: Any
) -> None:
    table = _table(window, "companies")
    model = table.model
    record_id = model.index(3, 0).data(RecordIdRole)
    column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Name")
    crmdesk("records", "set", "companies", record_id, "name=Renamed in a terminal", "--data-dir", str(data))
    table.table.selectRow(_row_of(model, record_id))
    # Before the user comes back, the sync worker reports a commit of its own (the terminal's edit
    # sent, its values unchanged): that notice must not count as having told the terminal's edit.
    heard: list[ChangeSet] = []
    window.change_feed.dispatched.connect(heard.append)
    window.change_feed.add(ChangeSet(outbox=True))
    qtbot.waitUntil(lambda: len(heard) == 1)
    assert model.index(_row_of(model, record_id), column).data() != "Renamed in a terminal"
    _become_active()
    qtbot.waitUntil(lambda: model.index(_row_of(model, record_id), column).data() == "Renamed in a terminal")
    # Re-read in place: the row the user had selected is still selected.
    assert [i.row() for i in table.table.selectionModel().selectedRows()] == [_row_of(model, record_id)]


def test_nothing_is_re_read_on_activation_when_no_other_process_wrote(window: MainWindow, qtbot: Any) -> None:
    heard: list[ChangeSet] = []
    window.change_feed.dispatched.connect(heard.append)
    _become_active()
    window.context.store.edits.update_record(  # type: ignore[union-attr]
        next(iter(window.context.store.records.ids("companies"))), {"name": "Ours"})  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(heard) == 1)
    _become_active()
    window.change_feed.flush()
    assert len(heard) == 1 and heard[0].objects == {"companies"}  # our own edit only, no re-read of everything


def test_a_burst_of_notices_reaches_the_views_as_one(qtbot: Any) -> None:
    feed = ChangeFeed()
    heard: list[ChangeSet] = []
    feed.dispatched.connect(heard.append)
    for page in range(50):
        feed.add(ChangeSet(objects={"people"}, record_ids={f"p-{page}"}))
    qtbot.waitUntil(lambda: len(heard) == 1)
    assert heard[0].record_ids == {f"p-{page}" for page in range(50)}
    feed.add(ChangeSet(outbox=True))  # within the interval of the last: waits for it, then goes
    assert len(heard) == 1
    qtbot.waitUntil(lambda: len(heard) == 2)
    assert heard[1].outbox and not heard[1].record_ids


def test_a_view_out_of_sight_does_its_work_when_shown_again(window: MainWindow, qtbot: Any) -> None:
    table = _table(window, "companies")
    model = table.model
    store = window.context.store
    assert store is not None
    window.navigate("home")
    count_before = model.rowCount()
    doomed = model.index(0, 0).data(RecordIdRole)
    with store.write():
        store.records.delete(doomed)  # as a sync's sweep would
    heard: list[ChangeSet] = []
    window.change_feed.dispatched.connect(heard.append)
    qtbot.waitUntil(lambda: len(heard) == 1)
    assert model.rowCount() == count_before  # hidden: nothing re-read yet
    window.navigate("object:companies")
    assert model.rowCount() == count_before - 1 and model.row_of(doomed) is None
