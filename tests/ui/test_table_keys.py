"""Tables and boards from the keyboard and the mouse, as the status bar says: Enter (or Return)
on a row or a card opens its record; a double-click or F2 edits the cell under it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QWidget

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.board_model import RecordIdRole
from crmdesk.ui.models.board_source import RecordSource
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._table_keys import cell, column

TABLE_HINT = "Enter opens the record · Double-click or F2 edits the cell"
BOARD_HINT = "Enter or double-click opens the record · Ctrl+arrows move the card"


@pytest.fixture
def navigated(store: Store, tmp_path: Path, fake_sync: Any) -> tuple[AppContext, list[str]]:
    """A context whose navigator records where the user went."""
    navigator = Navigator()
    went: list[str] = []
    navigator.navigate_requested.connect(went.append)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=navigator,
                         undo_stack=QUndoStack(), settings=settings, sync=fake_sync)
    return context, went


def shown(qtbot: Any, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # the user's window: clicks give focus, as on a desktop
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def click_cell(qtbot: Any, table: QAbstractItemView, row: int, col: int, *, double: bool = False) -> None:
    center = table.visualRect(table.model().index(row, col)).center()
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)  # a double-click starts with a click
    click(table.viewport(), Qt.MouseButton.LeftButton, pos=center)


def editing(table: QAbstractItemView) -> bool:
    return table.state() == QAbstractItemView.State.EditingState


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_row_opens_its_record(qtbot: Any, navigated: tuple[AppContext, list[str]],
                                         key: Qt.Key) -> None:
    context, went = navigated
    view = shown(qtbot, RecordTableView(context, "deals"))
    assert isinstance(view, RecordTableView)
    click_cell(qtbot, view.table, 2, column(view, "value"))
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, key)
    assert went == [f"record:{view.model.record_at(3).id}"]  # type: ignore[union-attr]
    assert not editing(view.table)


def test_double_click_and_f2_edit_the_cell_instead_of_leaving(
        qtbot: Any, navigated: tuple[AppContext, list[str]]) -> None:
    context, went = navigated
    view = shown(qtbot, RecordTableView(context, "deals"))
    assert isinstance(view, RecordTableView)
    name = column(view, "name")
    click_cell(qtbot, view.table, 1, name, double=True)
    qtbot.waitUntil(lambda: editing(view.table))
    editor = view.table.findChild(QLineEdit, "editor_name")
    assert editor is not None and editor.isVisible()
    assert went == []
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editing(view.table))

    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: editing(view.table))
    editor = view.table.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.objectName() == "editor_name" and editor.isVisible()
    # Enter in the editor saves the cell; it does not also open the record.
    editor.selectAll()
    qtbot.keyClicks(editor, "Renamed by F2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editing(view.table))
    assert cell(view, 2, "name") == "Renamed by F2"
    assert went == []


def test_the_status_bar_says_what_enter_and_double_click_do(
        qtbot: Any, navigated: tuple[AppContext, list[str]]) -> None:
    context, went = navigated
    context.sync = None  # the window's own sync controller would start here; none is needed
    window = MainWindow(context)
    shown(qtbot, window)
    context.navigator.go("object:deals")  # type: ignore[union-attr]
    page = window.stack.currentWidget()
    table_view = page.table  # type: ignore[attr-defined]
    click_cell(qtbot, table_view.table, 0, column(table_view, "stage"))
    assert window.key_hint.text() == TABLE_HINT
    assert window.sync_status.isVisible()  # said beside the sync state, not over it
    qtbot.keyClick(table_view.table, Qt.Key.Key_Return)
    assert went[-1] == f"record:{table_view.model.record_at(0).id}"
    window.close()


def test_list_entries_open_on_enter_and_edit_on_double_click(
        qtbot: Any, navigated: tuple[AppContext, list[str]], store: Store) -> None:
    context, went = navigated
    list_id = next(lst.id for lst in store.schema.lists().values() if lst.name == "Sales pipeline")
    view = shown(qtbot, ListView(context, list_id))
    assert isinstance(view, ListView)
    entries = view.table
    entries.table.setFocus()
    click_cell(qtbot, entries.table, 0, 0, double=True)
    qtbot.waitUntil(lambda: editing(entries.table))
    assert went == []
    qtbot.keyClick(entries.table.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editing(entries.table))
    qtbot.keyClick(entries.table, Qt.Key.Key_Return)
    assert went == [f"record:{entries.model.entry_at(0).record_id}"]  # type: ignore[union-attr]


def test_enter_on_a_board_card_opens_its_record_and_the_status_bar_says_so(
        qtbot: Any, navigated: tuple[AppContext, list[str]], store: Store) -> None:
    context, went = navigated
    context.sync = None  # the window's own sync controller would start here; none is needed
    window = MainWindow(context)
    shown(qtbot, window)
    board = BoardView(context, RecordSource(store, "deals"))
    window.stack.addWidget(board)
    window.stack.setCurrentWidget(board)
    cards = next(w.cards for w in board.column_widgets if w.column.count)
    qtbot.mouseClick(cards.viewport(), Qt.MouseButton.LeftButton,
                     pos=cards.visualRect(cards.model().index(0, 0)).center())
    assert window.key_hint.text() == BOARD_HINT
    assert window.sync_status.isVisible()
    qtbot.keyClick(cards, Qt.Key.Key_Return)
    assert went == [f"record:{cards.model().index(0, 0).data(RecordIdRole)}"]
    window.close()
