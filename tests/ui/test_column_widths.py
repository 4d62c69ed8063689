"""Column widths: a table opens with its columns as wide as what they show (names not cut, short
values not swimming in 170 px), and a width the user drags is remembered and wins the next time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.column_widths import MAX_FIT_WIDTH
from tests.ui._table_keys import column, drag_edge


def shown_texts(view: RecordTableView, logical: int) -> list[str]:
    rows = range(view.table.rowAt(0), view.table.rowAt(view.table.viewport().height() - 1) + 1)
    return [str(view.model.index(r, logical).data() or "") for r in rows]


def test_columns_open_as_wide_as_what_they_show(qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    header = view.table.horizontalHeader()
    metrics = view.table.fontMetrics()
    for slug in ("name", "value", "stage", "expected_close_date"):
        logical = column(view, slug)
        width = header.sectionSize(logical)
        widest = max(metrics.horizontalAdvance(t) for t in shown_texts(view, logical))
        title = metrics.horizontalAdvance(view.model.headerData(logical, Qt.Orientation.Horizontal))
        # Nothing on screen is cut ("Stanley Johnson and Fish…") unless the column is at its cap…
        assert widest + 8 <= width or width == MAX_FIT_WIDTH, (slug, widest, width)
        # …and a column of short values is not given the room of a long one.
        assert width <= max(widest, title) + 60, (slug, widest, width)
    assert header.sectionSize(column(view, "stage")) < header.sectionSize(column(view, "name"))


def names_fit(view: RecordTableView, slug: str) -> bool:
    logical = column(view, slug)
    width = view.table.horizontalHeader().sectionSize(logical)
    widest = max(view.table.fontMetrics().horizontalAdvance(t) for t in shown_texts(view, logical))
    return widest + 8 <= width or width == MAX_FIT_WIDTH


def test_a_dragged_width_is_remembered_and_wins_over_fitting(
        qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    header = view.table.horizontalHeader()
    stage = column(view, "stage")
    fitted_stage = header.sectionSize(stage)
    drag_edge(qtbot, header, stage, 120)
    dragged = header.sectionSize(stage)
    assert dragged >= fitted_stage + 100
    view.close()

    again = open_view("deals")
    header = again.table.horizontalHeader()
    assert header.sectionSize(stage) == dragged  # the user's width, not the fitted one
    assert names_fit(again, "name")  # the others are fitted as ever


def test_fitted_widths_follow_the_rows_next_time(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                                 store: Store) -> None:
    view = open_view("companies")
    first = view.model.record_at(0)
    assert first is not None
    view.close()
    # The program's fitted width was not pinned as if the user had chosen it: a longer name fits.
    store.edits.update_record(first.id, {"name": "Wilson, Hartmann and Okonkwo-Delacroix Holdings"})
    again = open_view("companies")
    assert again.model.index(0, column(again, "name")).data().startswith("Wilson, Hartmann")
    assert names_fit(again, "name")


def test_a_lists_entry_table_fits_and_keeps_a_dragged_width(qtbot: Any, context: AppContext, store: Store) -> None:
    list_id = next(lst.id for lst in store.schema.lists().values() if lst.name == "Sales pipeline")

    def open_list() -> ListView:
        view = ListView(context, list_id)
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        qtbot.waitExposed(view)
        return view

    view = open_list()
    table = view.table.table
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    rows = range(table.rowAt(0), table.rowAt(table.viewport().height() - 1) + 1)
    widest = max(metrics.horizontalAdvance(str(table.model().index(r, 0).data() or "")) for r in rows)
    assert widest + 8 <= header.sectionSize(0) or header.sectionSize(0) == MAX_FIT_WIDTH
    drag_edge(qtbot, header, 1, 90)
    dragged = header.sectionSize(1)
    view.close()

    again = open_list()
    assert again.table.table.horizontalHeader().sectionSize(1) == dragged


def test_a_table_that_opened_empty_fits_its_first_rows_once(qtbot: Any) -> None:
    """The demo's tables open before its first sync has brought a row: the rows that arrive are
    fitted as if they had been there, and later rows move no column under the user's eyes."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from crmdesk.ui.widgets.record_table import RecordTable

    model = QStandardItemModel(0, 2)
    model.setHorizontalHeaderLabels(["Name", "Stage"])
    table = RecordTable()
    table.setModel(model)
    table.resize(900, 400)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()
    empty_width = header.sectionSize(0)
    name = "Palmer Snyder and Wilkinson migration"
    model.appendRow([QStandardItem(name), QStandardItem("Qualified")])
    fitted = header.sectionSize(0)
    assert fitted > empty_width
    assert table.fontMetrics().horizontalAdvance(name) + 8 <= fitted  # not cut to "Palmer…"
    model.appendRow([QStandardItem(name + " and a much longer second phase"), QStandardItem("Won")])
    assert header.sectionSize(0) == fitted  # once: later rows leave the columns where they are
