"""A long table paints its first rows at once and reads the rest off the GUI thread.

Over 1,000,000 records reading every id before the first paint took ~0.5 s (issue 19): the
table now asks the store for its first ``HEAD_ROWS`` ids, paints them, and the whole ordered
list arrives from a background read, the rows growing under what the user holds. Everything
that works on all the rows (select all, export) waits for the whole list instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QPoint

from crmdesk.context import AppContext
from crmdesk.model import Condition, FilterGroup, Operator, Sort
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.models.record_table_model import HEAD_ROWS, RecordIdRole
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.store._support import company, open_store

COMPANIES = HEAD_ROWS + 500


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "ws.sqlite") as store:
        obj = store.schema.get_object("companies")
        assert obj is not None
        store.put_server_records(obj, [company(f"c{i}", f"Company {i}") for i in range(COMPANIES)])
        yield store


@pytest.fixture
def open_view(
    store: Store, ui_context: Callable[..., AppContext], qtbot: Any
) -> Iterator[Callable[[], RecordTableView]]:
    views: list[RecordTableView] = []

    def build() -> RecordTableView:
        view = RecordTableView(ui_context(store), "companies")
        qtbot.addWidget(view)
        view.resize(900, 600)
        view.show()
        views.append(view)
        return view

    yield build
    # The store closes after the test: no read may land on a view over a closed store.
    for view in views:
        qtbot.waitUntil(lambda view=view: view.model.complete)


def ids_shown(view: RecordTableView, rows: range) -> list[str]:
    return [view.model.index(row, 0).data(RecordIdRole) for row in rows]


def record_ids(store: Store, rowids: list[int]) -> list[str]:
    return [row.id for row in store.records.rows(rowids)]


def test_a_long_table_shows_its_first_rows_at_once_and_its_last_once_read(
    open_view: Callable[[], RecordTableView], store: Store, qtbot: Any
) -> None:
    whole = record_ids(store, store.records.query_ids("companies"))
    view = open_view()

    assert not view.model.complete and view.model.rowCount() == HEAD_ROWS
    assert ids_shown(view, range(5)) == whole[:5]
    assert view.count_label.text() == f"{HEAD_ROWS:,}+ companies"  # the rest not counted yet
    view.table.selectionModel().select(view.model.index(3, 0), QItemSelectionModel.SelectionFlag.Select
                                       | QItemSelectionModel.SelectionFlag.Rows)

    qtbot.waitUntil(lambda: view.model.complete)
    assert view.model.rowCount() == COMPANIES
    assert view.selected_rows() == [3] and ids_shown(view, range(3, 4)) == whole[3:4]  # still held
    view.table.scrollToBottom()
    bottom = view.table.indexAt(QPoint(5, view.table.viewport().height() - 3))
    assert bottom.row() == COMPANIES - 1 and bottom.data(RecordIdRole) == whole[-1]
    assert view.count_label.text() == f"{COMPANIES:,} companies"


def test_a_sort_shows_its_first_rows_at_once_then_the_whole_order(
    open_view: Callable[[], RecordTableView], store: Store, qtbot: Any
) -> None:
    view = open_view()
    qtbot.waitUntil(lambda: view.model.complete)
    by_name = [Sort("name", descending=True)]
    whole = record_ids(store, store.records.query_ids("companies", None, by_name))

    view.model.set_sorts(by_name)
    assert ids_shown(view, range(10)) == whole[:10]
    qtbot.waitUntil(lambda: view.model.complete)
    assert ids_shown(view, range(COMPANIES)) == whole


def test_a_filter_counts_its_matches_once_they_are_all_read(
    open_view: Callable[[], RecordTableView], store: Store, qtbot: Any
) -> None:
    view = open_view()
    qtbot.waitUntil(lambda: view.model.complete)
    no_fives = FilterGroup("and", (Condition("name", Operator.NOT_CONTAINS, "5"),))
    whole = record_ids(store, store.records.query_ids("companies", no_fives))
    assert HEAD_ROWS < len(whole) < COMPANIES

    view.model.set_filter(no_fives)
    assert ids_shown(view, range(5)) == whole[:5]
    assert view.count_label.text() == f"{HEAD_ROWS:,}+ of {COMPANIES:,} companies"
    qtbot.waitUntil(lambda: view.model.complete)
    assert view.count_label.text() == f"{len(whole):,} of {COMPANIES:,} companies"
    assert ids_shown(view, range(len(whole))) == whole


def test_select_all_before_the_whole_list_arrives_selects_every_record(
    open_view: Callable[[], RecordTableView], qtbot: Any
) -> None:
    view = open_view()
    assert not view.model.complete
    view.table.selectAll()
    assert view.model.complete and len(view.selected_rows()) == COMPANIES
    assert view.delete_action.text() == f"Delete {COMPANIES:,}"


def test_a_record_arriving_while_the_whole_list_is_read_is_shown(
    open_view: Callable[[], RecordTableView], store: Store, qtbot: Any
) -> None:
    view = open_view()
    with Store.open(store.path) as sync_side:
        obj = sync_side.schema.get_object("companies")
        assert obj is not None
        sync_side.put_server_records(obj, [company("c-new", "Arrived", created_at="2031-01-01T00:00:00.000Z")])
    view.on_changed(ChangeSet(objects={"companies"}, record_ids={"c-new"}))
    qtbot.waitUntil(lambda: view.model.complete and view.model.rowCount() == COMPANIES + 1)
    assert view.model.row_of("c-new") == 0


def test_a_whole_head_shown_before_the_read_starts_does_not_keep_the_next_list_from_being_read(
    open_view: Callable[[], RecordTableView], qtbot: Any
) -> None:
    """A saved view's filter set right after the table opens (matching a few) and then cleared:
    the whole list is still read, not left at its first rows."""
    view = open_view()
    few = FilterGroup("and", (Condition("name", Operator.EQUALS, "Company 7"),))
    view.model.set_filter(few)  # before the read the opening queued has started
    assert view.model.complete and view.model.rowCount() == 1
    QCoreApplication.processEvents()  # the read the opening queued fires, and finds the rows whole
    view.model.set_filter(None)
    assert not view.model.complete
    qtbot.waitUntil(lambda: view.model.complete)
    assert view.model.rowCount() == COMPANIES


def test_a_record_a_sync_moves_far_down_the_whole_list_stays_selected_and_is_found(
    open_view: Callable[[], RecordTableView], store: Store, qtbot: Any
) -> None:
    """The whole list arrives as compact rowids: a record the user selected, then moved past the
    first screen by a sync, is still the selected one, and found by its id where the store puts it."""
    view = open_view()
    qtbot.waitUntil(lambda: view.model.complete)
    by_name = [Sort("name")]
    view.model.set_sorts(by_name)
    qtbot.waitUntil(lambda: view.model.complete)
    picked = ids_shown(view, range(2, 3))[0]
    view.table.selectionModel().select(view.model.index(2, 0), QItemSelectionModel.SelectionFlag.Select
                                       | QItemSelectionModel.SelectionFlag.Rows)
    with Store.open(store.path) as sync_side:
        obj = sync_side.schema.get_object("companies")
        row = sync_side.records.get(picked)
        assert obj is not None and row is not None
        sync_side.put_server_records(obj, [company(picked, "Zz moved last", created_at=row.created_at)])
    view.on_changed(ChangeSet(objects={"companies"}, record_ids={picked}))
    qtbot.waitUntil(lambda: view.model.row_of(picked) == COMPANIES - 1)

    whole = record_ids(store, store.records.query_ids("companies", None, by_name))
    assert whole[-1] == picked and ids_shown(view, range(COMPANIES)) == whole
    assert view.selected_rows() == [COMPANIES - 1]
