"""Saved views, as a user makes and uses them in the window: "my open deals" saved from the deals
table, listed under Deals in the sidebar, opened again after a restart, renamed and deleted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from crmdesk.model import Condition, FilterGroup, Operator, Sort
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.saved_view_page import SavedViewPage
from crmdesk.ui.widgets.view_name_dialog import ViewNameDialog
from tests.ui._answers import answering
from tests.ui._navigation_window import click_sidebar, open_window
from tests.ui._table_keys import choose

#: The offscreen platform cannot raise the header's context menu (a popup window).
OFFSCREEN = "This plugin does not support"


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    opened = synced_store(records=200, seed=1)
    ada = next(m for m in opened.schema.members() if m.name == "Ada Admin")
    with opened.write():
        opened.schema.set_me(ada.id)
    return opened


def sidebar_children(window: MainWindow, text: str) -> list[str]:
    [item] = window.sidebar.findItems(text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    return [item.child(i).text(0) for i in range(item.childCount())]


def name_the_view(qtbot: Any, page: ObjectView, name: str) -> None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(ViewNameDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.field.selectAll()
    qtbot.keyClicks(dialog.field, name)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def filter_to_my_deals(qtbot: Any, page: ObjectView) -> None:
    table = page.table
    qtbot.mouseClick(table.buttons[1], Qt.MouseButton.LeftButton)  # Filter
    row: Any = table.filter_bar.root.children_widgets()[0]
    choose(qtbot, row.attribute, "Owner")
    qtbot.mouseClick(row.operand.button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(row.operand.popup.search, "me")
    qtbot.keyClick(row.operand.popup.search, Qt.Key.Key_Return)


def header_menu(qtbot: Any, page: ObjectView, slug: str, action: str) -> None:
    """Right-click the column's header (its context menu opens) and click ``action`` in the menu."""
    header = page.table.table.horizontalHeader()
    logical = [a.slug for a in page.table.model.columns].index(slug)
    middle = QPoint(header.sectionViewportPosition(logical) + header.sectionSize(logical) // 2, header.height() // 2)
    header.customContextMenuRequested.emit(middle)  # what a right-click there sends
    menu = page.table.findChildren(QMenu)[-1]
    chosen = next(a for a in menu.actions() if a.text().startswith(action))
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(chosen).center())


@pytest.mark.qt_log_ignore(OFFSCREEN)
def test_my_open_deals_are_saved_listed_under_deals_and_reopen_after_a_restart(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    ada = next(m for m in store.schema.members() if m.name == "Ada Admin")
    mine = store.records.query_ids("deals", FilterGroup("and", (Condition("owner", Operator.EQUALS, ada.actor_id),)))
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Deals")
        page: Any = window.current_view()
        filter_to_my_deals(qtbot, page)
        assert page.table.count_label.text() == f"{len(mine)} of 50 deals"
        header_menu(qtbot, page, "value", "Sort descending")  # by value, largest first
        assert page.table.model.sorts == [Sort("value", True)]
        header_menu(qtbot, page, "company", "Hide")
        header = page.table.table.horizontalHeader()
        assert header.isSectionHidden([a.slug for a in page.table.model.columns].index("company"))
        name_the_view(qtbot, page, "My open deals")
        saved: Any = window.current_view()
        assert isinstance(saved, SavedViewPage)
        assert saved.name_label.text() == "My open deals" and saved.table.title_label.text() == "Deals"
        assert sidebar_children(window, "Deals") == ["My open deals"]
        assert window.sidebar.current_target() == saved.saved.target
    # A restart: a new connection to the file, a new window.
    with Store.open(store.path) as reopened, open_window(qtbot, reopened, tmp_path / "again") as window:
        assert sidebar_children(window, "Deals") == ["My open deals"]
        assert sidebar_children(window, "People") == []
        click_sidebar(qtbot, window, "My open deals")
        view: Any = window.current_view()
        table = view.table
        assert table.count_label.text() == f"{len(mine)} of 50 deals"
        assert table.filter_bar.isVisible() and table.filter_action.text() == "Filter (1)"
        row: Any = table.filter_bar.root.children_widgets()[0]
        assert (row.attribute.currentText(), row.operator.currentText(), row.operand.button.text()) == (
            "Owner", "is", "Me (Ada Admin)")
        values = [table.model.record_at(r).values["value"]["amount"] for r in range(table.model.rowCount())]
        assert values == sorted(values, reverse=True)
        header = table.table.horizontalHeader()
        assert header.isSectionHidden([a.slug for a in table.model.columns].index("company"))
        # The object's own page is as it was: unfiltered, with every column.
        click_sidebar(qtbot, window, "Deals")
        deals: Any = window.current_view()
        assert deals.table.count_label.text() == "50 deals"


def test_a_saved_board_keeps_its_grouping_and_hidden_empty_columns(qtbot: Any, store: Store, tmp_path: Path) -> None:
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Deals")
        page: Any = window.current_view()
        qtbot.mouseClick(page.switch.board_button, Qt.MouseButton.LeftButton)
        board = page.board
        qtbot.mouseClick(board.hide_empty, Qt.MouseButton.LeftButton)
        assert board.hide_empty.isChecked()
        name_the_view(qtbot, page, "Pipeline board")
        assert isinstance(window.current_view(), SavedViewPage)
    with Store.open(store.path) as reopened, open_window(qtbot, reopened, tmp_path / "again") as window:
        click_sidebar(qtbot, window, "Pipeline board")
        view: Any = window.current_view()
        assert view.stack.currentWidget() is view.board
        assert view.board.hide_empty.isChecked() and view.board.group_combo.currentData() == "stage"


def test_rename_and_delete_from_the_sidebar(qtbot: Any, store: Store, tmp_path: Path) -> None:
    first = store.saved_views.create("deals", "Big deals", "table", {})
    store.saved_views.create("people", "Welders", "table", {})
    asked: list[str] = []
    with open_window(qtbot, store, tmp_path) as window:
        sidebar = window.sidebar
        sidebar.confirm_delete = answering(True, asked)
        assert sidebar_children(window, "Deals") == ["Big deals"]
        assert sidebar_children(window, "People") == ["Welders"]
        click_sidebar(qtbot, window, "Big deals")
        assert isinstance(window.current_view(), SavedViewPage)
        sidebar.setFocus()
        qtbot.keyClick(sidebar, Qt.Key.Key_F2)
        dialog = sidebar.findChild(ViewNameDialog)
        assert dialog is not None and dialog.field.text() == "Big deals"
        qtbot.keyClicks(dialog.field, "Deals over 100k")
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
        assert sidebar_children(window, "Deals") == ["Deals over 100k"]
        assert store.saved_views.get(first.id).name == "Deals over 100k"  # type: ignore[union-attr]
        page: Any = window.current_view()
        assert page.name_label.text() == "Deals over 100k"
        # An empty name cannot be saved.
        qtbot.keyClick(sidebar, Qt.Key.Key_F2)
        dialog = [d for d in sidebar.findChildren(ViewNameDialog) if d.isVisible()][-1]
        dialog.field.selectAll()
        qtbot.keyClick(dialog.field, Qt.Key.Key_Backspace)
        assert not dialog.ok_button.isEnabled()
        qtbot.keyClick(dialog.field, Qt.Key.Key_Escape)
        # Delete: asked first, then gone from the sidebar and the file; the window goes to Deals.
        sidebar.setFocus()
        qtbot.keyClick(sidebar, Qt.Key.Key_Delete)
        assert asked == ["Deals over 100k"]
        assert sidebar_children(window, "Deals") == []
        assert [v for v in store.saved_views.all() if v.object_slug == "deals"] == []
        assert window.sidebar.current_target() == "object:deals"
        assert sidebar_children(window, "People") == ["Welders"]
