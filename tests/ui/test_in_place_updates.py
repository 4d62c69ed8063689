"""Change notices update the open views in place: what the user holds survives them.

The sync's writes come from a second connection to the workspace file (as the worker's own
connection writes them), then the view hears the notice as the window hands it on. Tables
keep the selection (and say so on their bulk buttons), the current cell, the record at the top
of the viewport and an open editor's typed text; a sort-affecting change moves the row; only a
schema change resets. Boards move a card between columns and keep it selected; the record page
keeps a reference being changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractItemView, QWidget

from crmdesk.context import AppContext
from crmdesk.model import AttributeDef, AttributeType, Record, Sort
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.models.board_model import CardIdRole
from crmdesk.ui.models.board_source import RecordSource
from crmdesk.ui.models.entry_table_model import EntryIdRole
from crmdesk.ui.models.entry_table_model import RecordIdRole as EntryRecordRole
from crmdesk.ui.models.id_diff import MAX_RUNS, update_rows
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.attribute_form import ReferenceField

from ._deals import DEALS

#: Later than every sandbox record's creation: a record made then sorts first (newest first).
FUTURE = "2031-01-0{}T00:00:00.000Z"


# -- the diff under every view ------------------------------------------------------------------


class Ids(QAbstractListModel):
    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.ids[index.row()] if role == Qt.ItemDataRole.DisplayRole and index.isValid() else None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 60), unique=True), st.lists(st.integers(0, 60), unique=True),
       st.sampled_from([2, MAX_RUNS]))
def test_ids_become_the_new_ones_and_every_held_row_follows_its_id(old: list[int], new: list[int],
                                                                   max_runs: int) -> None:
    """Any old and new order (``max_runs=2`` takes the one-layout-change path as well): Qt's
    model tester sees consistent signals, and a persistent index on each row (what a selection,
    a current cell or an editor holds) ends on its id's new row, or invalid when the id left."""
    model = Ids(list(old))
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    held = {rowid: QPersistentModelIndex(model.index(row)) for row, rowid in enumerate(old)}
    update_rows(model, model.ids, new, max_runs)
    assert model.ids == new
    for rowid, index in held.items():
        assert (index.row() if index.isValid() else None) == (new.index(rowid) if rowid in new else None)
    del tester


# -- what the sync writes --------------------------------------------------------------------------


def server_edit(other: Store, record_id: str, **values: Any) -> None:
    """The server changed these fields of a record: the pull stores its page."""
    row = other.records.get(record_id)
    assert row is not None
    obj = other.schema.get_object(row.object_slug)
    assert obj is not None
    with other.write():
        other.records.put_server_page(obj, [Record(record_id, obj.slug, {**row.values, **values}, row.created_at,
                                                   "2031-02-01T00:00:00.000Z", row.created_by)])


def server_add(other: Store, slug: str, record_id: str, created_at: str, **values: Any) -> None:
    obj = other.schema.get_object(slug)
    assert obj is not None
    other.put_server_records(obj, [Record(record_id, slug, values, created_at, created_at)])


def server_delete(other: Store, record_id: str) -> None:
    with other.write():
        assert other.records.delete(record_id)


# -- what the user sees -------------------------------------------------------------------------


def column(view: RecordTableView, slug: str) -> int:
    return [a.slug for a in view.model.columns].index(slug)


def record_id(view: RecordTableView, row: int) -> str:
    return view.model.index(row, 0).data(RecordIdRole)


def select_rows(view: RecordTableView, rows: list[int]) -> None:
    selection = view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.clearSelection()
    for row in rows:
        selection.select(view.model.index(row, 0), flags.Select | flags.Rows)


def selected_ids(view: RecordTableView) -> list[str]:
    return [record_id(view, row) for row in view.selected_rows()]


def top_record(view: RecordTableView) -> str:
    return view.table.indexAt(QPoint(1, 1)).data(RecordIdRole)


def row_of(view: RecordTableView, rid: str) -> int:
    row = view.model.row_of(rid)
    assert row is not None
    return row


# -- tables --------------------------------------------------------------------------------------


def test_the_selection_survives_a_sync_that_edits_it_and_adds_and_removes_other_rows(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("deals")
    select_rows(view, [5, 6, 7])
    chosen = selected_ids(view)
    gone = [record_id(view, 2), record_id(view, 20)]
    assert view.delete_action.text() == "Delete 3"

    for n, rid in enumerate(chosen):
        server_edit(server_side, rid, name=f"Renamed on the server {n}")
    server_add(server_side, "deals", "new-deal-1", FUTURE.format(1), name="Arrived first")
    server_add(server_side, "deals", "new-deal-2", FUTURE.format(2), name="Arrived second")
    for rid in gone:
        server_delete(server_side, rid)
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={*chosen, *gone, "new-deal-1", "new-deal-2"}))

    assert selected_ids(view) == chosen
    name = column(view, "name")
    assert [view.model.index(row_of(view, rid), name).data() for rid in chosen] == [
        f"Renamed on the server {n}" for n in range(3)]
    assert record_id(view, 0) == "new-deal-2" and record_id(view, 1) == "new-deal-1"
    assert view.model.row_of(gone[0]) is None and view.model.row_of(gone[1]) is None
    assert view.model.rowCount() == 50 and view.count_label.text() == "50 deals"
    assert view.delete_action.text() == "Delete 3"


def test_the_delete_button_follows_the_selection_when_a_sync_removes_a_selected_row(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("deals")
    select_rows(view, [3, 4, 5, 6])
    chosen = selected_ids(view)
    assert view.delete_action.text() == "Delete 4"
    server_delete(server_side, chosen[1])
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={chosen[1]}))
    assert view.delete_action.text() == "Delete 3"
    assert selected_ids(view) == [chosen[0], *chosen[2:]]
    server_delete(server_side, chosen[0])
    server_delete(server_side, chosen[2])
    server_delete(server_side, chosen[3])
    view.on_changed(ChangeSet(objects={"deals"}, record_ids=set(chosen)))
    assert view.delete_action.text() == "Delete" and not view.delete_action.isEnabled()


def test_the_current_cell_and_the_record_at_the_top_stay(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("people")
    view.table.verticalScrollBar().setValue(40)
    top = top_record(view)
    current = view.model.index(row_of(view, top) + 4, column(view, "job_title"))
    view.table.setCurrentIndex(current)
    current_id = current.data(RecordIdRole)
    above = record_id(view, 10)

    server_add(server_side, "people", "new-person-1", FUTURE.format(1), job_title="Buyer")
    server_add(server_side, "people", "new-person-2", FUTURE.format(2), job_title="Founder")
    server_delete(server_side, above)
    server_edit(server_side, top, job_title="Changed while on top")
    view.on_changed(ChangeSet(objects={"people"}, record_ids={"new-person-1", "new-person-2", above, top}))

    assert top_record(view) == top
    assert view.table.currentIndex().data(RecordIdRole) == current_id
    assert view.table.currentIndex().column() == column(view, "job_title")
    assert view.model.index(row_of(view, top), column(view, "job_title")).data() == "Changed while on top"


def test_an_open_editor_keeps_what_the_user_typed(
    qtbot: Any, open_view: Callable[[str], RecordTableView], server_side: Store, store: Store
) -> None:
    view = open_view("people")
    rid = record_id(view, 3)
    index = view.model.index(3, column(view, "job_title"))
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    editor = view.table.findChild(QWidget, "editor_job_title")
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    editor.setText("Typed, not saved yet")  # type: ignore[attr-defined]

    server_edit(server_side, rid, job_title="The server's title", description="Written on the server")
    server_add(server_side, "people", "new-person", FUTURE.format(1), job_title="Above")
    view.on_changed(ChangeSet(objects={"people"}, record_ids={rid, "new-person"}))

    assert view.table.state() == QAbstractItemView.State.EditingState and editor.isVisible()
    assert editor.text() == "Typed, not saved yet"  # type: ignore[attr-defined]
    row = row_of(view, rid)
    assert row == 4 and view.table.currentIndex().row() == 4
    assert view.model.index(row, column(view, "description")).data() == "Written on the server"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.state() != QAbstractItemView.State.EditingState)
    saved = store.records.get(rid)
    assert saved is not None
    assert saved.values["job_title"] == "Typed, not saved yet"
    assert saved.values["description"] == "Written on the server"


def test_a_change_that_moves_a_row_in_the_sort_keeps_the_selection(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("deals")
    view.model.set_sorts([Sort("name")])
    view.table.setCurrentIndex(view.model.index(0, column(view, "name")))
    select_rows(view, [0, 1])
    first, second = selected_ids(view)
    server_edit(server_side, first, name="Zz sorted last now")
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={first}))

    assert row_of(view, first) == view.model.rowCount() - 1
    assert row_of(view, second) == 0
    assert sorted(selected_ids(view)) == sorted([first, second])
    assert view.table.currentIndex().data(RecordIdRole) == first
    assert view.delete_action.text() == "Delete 2"


def test_an_offline_record_keeps_its_selection_when_it_gets_its_server_id(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("deals")
    # Made as the quick create makes it (offline: a local id), arriving in the table in place.
    local = view.model.store.edits.create_record("deals", {"name": "Made offline"}).target_id
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={local}))
    row = view.model.row_of(local)
    assert row is not None and record_id(view, row) == local
    select_rows(view, [row])
    server_side.rewrite_local_id(local, "server-deal-1", "record")
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={"server-deal-1"},
                              id_changes={local: "server-deal-1"}))
    assert selected_ids(view) == ["server-deal-1"]


def test_only_a_schema_change_resets_the_table(
    open_view: Callable[[str], RecordTableView], server_side: Store
) -> None:
    view = open_view("deals")
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    select_rows(view, [1])
    rid = selected_ids(view)[0]
    server_edit(server_side, rid, name="Edited")
    server_delete(server_side, record_id(view, 9))
    view.on_changed(ChangeSet(objects={"deals"}))  # named without ids: anything may have changed
    assert resets == [] and selected_ids(view) == [rid]
    assert view.model.index(1, column(view, "name")).data() == "Edited"

    deals = server_side.schema.get_object("deals")
    assert deals is not None
    with server_side.write():
        server_side.schema.save_object(dataclasses.replace(
            deals, attributes=(*deals.attributes, AttributeDef("region", "Region", AttributeType.TEXT))))
    view.on_changed(ChangeSet(schema=True))
    assert resets == [1]
    assert "Region" in [a.title for a in view.model.columns]


def test_a_list_table_keeps_its_selection_through_a_sync(
    qtbot: Any, store: Store, server_side: Store, context: AppContext
) -> None:
    list_def = next(lst for lst in store.schema.lists().values() if lst.name == "Sales pipeline")
    view = ListView(context, list_def.id)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    table, model = view.table.table, view.table.model
    flags = QItemSelectionModel.SelectionFlag
    for row in (2, 3):
        table.selectionModel().select(model.index(row, 0), flags.Select | flags.Rows)
    chosen = view.table.selected_entry_ids()
    record = model.index(2, 0).data(EntryRecordRole)
    gone = model.index(0, 0).data(EntryIdRole)
    server_edit(server_side, record, name="Renamed by the sync")
    with server_side.write():
        assert server_side.entries.delete(gone)
    view.on_changed(ChangeSet(objects={list_def.parent_object}, lists={list_def.id}, record_ids={record}))
    assert view.table.selected_entry_ids() == chosen
    assert model.row_of(gone) is None and model.index(1, 0).data() == "Renamed by the sync"


# -- boards --------------------------------------------------------------------------------------



@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Store]:
    """Sixty leads (a column that scrolls), three won deals."""
    with Store.open(tmp_path / "pipeline.sqlite") as opened:
        with opened.write():
            opened.schema.save_object(DEALS)
        stages = ["s-lead"] * 60 + ["s-won"] * 3
        opened.put_server_records(DEALS, [
            Record(f"d{n}", "deals", {"name": f"Deal {n}", "stage": stage, "value": {"amount": 10, "currency": "USD"}},
                   f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000Z")
            for n, stage in enumerate(stages)])
        yield opened


def test_a_card_moved_to_another_column_by_a_sync_stays_selected_and_columns_keep_their_place(
    qtbot: Any, pipeline: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(pipeline, data=tmp_path), RecordSource(pipeline, "deals"))
    qtbot.addWidget(board)
    board.resize(1000, 600)
    board.show()
    qtbot.waitExposed(board)
    lead, won = board.column_widgets[0], board.column_widgets[1]
    lead.cards.verticalScrollBar().setValue(lead.cards.verticalScrollBar().maximum() // 2)
    top = lead.cards.indexAt(QPoint(1, 1)).data(CardIdRole)
    moving = lead.column.model.index(lead.cards.indexAt(QPoint(1, 1)).row() + 2).data(CardIdRole)
    lead.select_row(lead.column.model.row_of_rowid(pipeline.records.rowid_of(moving)))  # type: ignore[arg-type]
    assert lead.cards.selectionModel().selectedIndexes()[0].data(CardIdRole) == moving

    with Store.open(pipeline.path) as other:
        server_edit(other, moving, stage="s-won")
        server_add(other, "deals", "fresh-lead", FUTURE.format(1), name="Fresh lead", stage="s-lead")
    board.on_changed(ChangeSet(objects={"deals"}, record_ids={moving, "fresh-lead"}))

    assert board.model.locate(moving) == (1, 3)  # older than the won deals: newest first
    assert [i.data(CardIdRole) for i in won.cards.selectionModel().selectedIndexes()] == [moving]
    assert not lead.cards.selectionModel().hasSelection()
    assert lead.cards.indexAt(QPoint(1, 1)).data(CardIdRole) == top
    assert lead.column.model.index(0).data(CardIdRole) == "fresh-lead"
    assert (lead.column.count, won.column.count) == (60, 4)
    assert lead.count_label.text() == "60" and won.count_label.text() == "4"
    assert won.column.totals == {"USD": 40.0}


def test_a_hidden_board_waits_for_its_turn_and_then_shows_every_change_at_once(
    qtbot: Any, pipeline: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    from crmdesk.ui.views.object_view import ObjectView

    view = ObjectView(ui_context(pipeline, data=tmp_path), "deals")
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.show_board()
    view.show_table()  # the board was built, and is now out of sight
    assert view.board is not None
    board: Any = view.board
    with Store.open(pipeline.path) as other:
        server_edit(other, "d1", stage="s-won")
        server_add(other, "deals", "fresh-lead", FUTURE.format(1), name="Fresh lead", stage="s-lead")
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={"d1"}))
    view.on_changed(ChangeSet(objects={"deals"}, record_ids={"fresh-lead"}))
    # The table on screen shows them; the hidden board has not re-read its columns.
    assert view.table.model.row_of("fresh-lead") is not None
    assert board.model.locate("d1")[0] == 0 and board.model.locate("fresh-lead") is None
    view.show_board()
    assert board.model.locate("d1")[0] == 1 and board.model.locate("fresh-lead") == (0, 0)


# -- the record page -----------------------------------------------------------------------------


def test_the_record_page_shows_a_sync_in_place_and_keeps_a_reference_being_changed(
    qtbot: Any, store: Store, server_side: Store, ui_context: Callable[..., AppContext]
) -> None:
    deal = store.records.rows(store.records.query_ids("deals")[:1])[0]
    page = RecordPage(ui_context(store), deal.id)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.form.height() > 0)  # the posted layout requests settled
    company = page.form.fields["company"]
    assert isinstance(company, ReferenceField)
    company.change.click()
    qtbot.waitUntil(company.edit.isVisible)
    company.edit.setText("Half-typed compa")

    server_edit(server_side, deal.id, name="Renamed by a colleague")
    page.on_changed(ChangeSet(objects={"deals"}, record_ids={deal.id}))

    assert page.title_label.full_text() == "Renamed by a colleague"
    assert page.form.fields["name"].edit.text() == "Renamed by a colleague"  # type: ignore[attr-defined]
    assert company.edit.isVisible() and company.edit.text() == "Half-typed compa"


@pytest.mark.parametrize("seed", range(6))
def test_rows_named_by_a_notice_end_where_the_whole_query_puts_them(
    open_view: Callable[[str], RecordTableView], server_side: Store, store: Store, seed: int
) -> None:
    """The table settles a notice by looking at the records it names and their neighbours; after
    renames that move rows, take them out of the filter or bring others in, its rows must be
    exactly what re-running the whole query gives."""
    import random

    from crmdesk.model import Condition, FilterGroup

    chance = random.Random(seed)
    view = open_view("deals")
    view.model.set_sorts([Sort("name", descending=bool(seed % 2))])
    wanted = FilterGroup("and", (Condition("name", "contains", "e"),))
    view.model.set_filter(wanted)
    everyone = sorted(store.records.ids("deals"))
    for round_number in range(4):
        named = set(chance.sample(everyone, chance.choice([1, 2, 5])))
        for rid in named:
            spelling = chance.choice(["Aaron", "Mmm", "Zed", "Eve", "Oslo", "Bee"])
            server_edit(server_side, rid, name=f"{spelling} {round_number} {rid[-4:]}")
        view.on_changed(ChangeSet(objects={"deals"}, record_ids=named))
        shown = [record_id(view, row) for row in range(view.model.rowCount())]
        expected = [r.id for r in store.records.rows(store.records.query_ids("deals", wanted, view.model.sorts))]
        assert shown == expected, f"round {round_number}"


def test_a_long_table_re_reads_off_the_gui_thread_and_keeps_the_selection(
    open_view: Callable[[str], RecordTableView], server_side: Store, qtbot: Any
) -> None:
    view = open_view("deals")
    view.model.background_above = 10  # as a table of 100,000 rows does
    select_rows(view, [5, 6])
    chosen = selected_ids(view)
    before = view.model.rowCount()
    gone = record_id(view, 0)
    server_delete(server_side, gone)
    server_add(server_side, "deals", "new-deal-1", FUTURE.format(1), name="Arrived while reading")
    server_add(server_side, "deals", "new-deal-2", FUTURE.format(2), name="Arrived too")
    view.on_changed(ChangeSet(objects={"deals"}))  # no ids: the whole query must run again

    # The answer comes back through the event loop: the window was never held up for it.
    assert view.model.rowCount() == before and view.model.row_of("new-deal-1") is None
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1)
    assert view.model.row_of("new-deal-2") == 0 and view.model.row_of("new-deal-1") == 1
    assert gone not in [record_id(view, row) for row in range(view.model.rowCount())]
    assert selected_ids(view) == chosen and view.delete_action.text() == "Delete 2"
    assert view.count_label.text() == f"{view.model.rowCount()} deals"


def test_notices_arriving_while_a_long_table_re_reads_all_land(
    open_view: Callable[[str], RecordTableView], server_side: Store, qtbot: Any
) -> None:
    """A pull sends a notice every quarter second: the answer under way lands, then the query runs
    again for what came after it."""
    view = open_view("deals")
    view.model.background_above = 10
    before = view.model.rowCount()
    for n in range(1, 4):
        server_add(server_side, "deals", f"new-deal-{n}", FUTURE.format(n), name=f"Page {n}")
        view.on_changed(ChangeSet(objects={"deals"}))  # before any answer has come back
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 3)
    assert [record_id(view, row) for row in range(3)] == ["new-deal-3", "new-deal-2", "new-deal-1"]
