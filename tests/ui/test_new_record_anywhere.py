"""Ctrl+N on any view opens the quick create form for the object the view is about, as the
window's File ▸ New record… does, wherever the keyboard is: a table, a board, a record page;
on Home it asks which object first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from crmdesk.store import Store
from crmdesk.ui.dialogs.quick_create_dialog import QuickCreateDialog
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_page import RecordPage
from tests.ui._modal import answer_modal
from tests.ui._navigation_window import OFFSCREEN_NOTICES, click_sidebar, open_window, press, synced

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES)


def name_it(qtbot: Any, name: str, seen: list[str]) -> Callable[[QuickCreateDialog], None]:
    def answer(dialog: QuickCreateDialog) -> None:
        seen.append(dialog.object_def.slug)
        field = dialog.field_widget("name")
        qtbot.keyClicks(field, name)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    return answer


def back_to(qtbot: Any, window: QWidget) -> None:
    """The window is active again once a dialog has closed, as a desktop makes it (the offscreen
    platform leaves the closed dialog active, and keys would go to it)."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def titles(store: Store, slug: str) -> set[str]:
    return {store.records.get(rid).title for rid in store.records.ids(slug)}  # type: ignore[union-attr]


def test_ctrl_n_in_a_table_creates_a_record_of_its_object(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Companies")
        seen: list[str] = []
        answer_modal(qtbot, name_it(qtbot, "Zeta Robotics", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["companies"]
        assert "Zeta Robotics" in titles(store, "companies")
        view = window.current_view()
        assert isinstance(view, ObjectView)
        row = view.table.selected_rows()[0]  # the new row is selected
        assert view.table.model.record_at(row).title == "Zeta Robotics"  # type: ignore[union-attr]


def test_ctrl_n_on_a_board_adds_the_card_there(qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Deals")
        view = window.current_view()
        assert isinstance(view, ObjectView)
        qtbot.mouseClick(view.switch.board_button, Qt.MouseButton.LeftButton)
        seen: list[str] = []
        answer_modal(qtbot, name_it(qtbot, "Board-made pilot", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["deals"]
        assert view.stack.currentWidget() is view.board  # the board stays on screen
        shown = [w.cards.model().index(r, 0).data() for w in view.board.column_widgets  # type: ignore[union-attr]
                 for r in range(w.cards.model().rowCount())]
        assert "Board-made pilot" in shown


def test_ctrl_n_on_a_record_page_creates_another_and_opens_it(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    company = sorted(store.records.ids("companies"))[0]
    with open_window(qtbot, store, tmp_path) as window:
        window.context.navigator.go(f"record:{company}")  # type: ignore[union-attr]
        seen: list[str] = []
        answer_modal(qtbot, name_it(qtbot, "Page-made company", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["companies"]
        page = window.current_view()
        assert isinstance(page, RecordPage) and page.record_id != company
        assert page.title_label.full_text() == "Page-made company"
        assert store.records.get(page.record_id).title == "Page-made company"  # type: ignore[union-attr]
        assert window.current_target == f"record:{page.record_id}"
        back_to(qtbot, window)
        def cancel(dialog: QuickCreateDialog) -> None:
            seen.append(dialog.object_def.slug)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: it closes without asking

        answer_modal(qtbot, cancel, QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["companies", "companies"]
        assert window.current_view() is page  # cancelled: still here


def test_ctrl_n_on_a_list_creates_a_record_of_its_object_and_adds_it_to_the_list(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Sales pipeline")
        view = window.current_view()
        assert isinstance(view, ListView)
        count = view.table.model.rowCount()
        seen: list[str] = []
        answer_modal(qtbot, name_it(qtbot, "List-made deal", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["deals"] and window.findChild(QMenu, "newRecordMenu") is None
        assert "List-made deal" in titles(store, "deals")
        assert view.table.model.rowCount() == count + 1
        [entry_id] = view.table.selected_entry_ids()  # the new entry is selected
        entry = store.entries.get(entry_id)
        assert entry is not None and store.records.get(entry.record_id).title == "List-made deal"  # type: ignore[union-attr]
        # On the board, the new record's card shows there.
        back_to(qtbot, window)
        qtbot.mouseClick(view.switch.board_button, Qt.MouseButton.LeftButton)
        answer_modal(qtbot, name_it(qtbot, "Board-listed deal", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert seen == ["deals", "deals"] and view.stack.currentWidget() is view.board
        shown = [w.cards.model().index(r, 0).data() for w in view.board.column_widgets  # type: ignore[union-attr]
                 for r in range(w.cards.model().rowCount())]
        assert "Board-listed deal" in shown
        assert len(store.entries.ids(view.list_id)) == count + 2


def test_ctrl_n_on_home_asks_which_object_then_opens_the_new_record(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Home")
        seen: list[str] = []
        answer_modal(qtbot, name_it(qtbot, "Home-made deal", seen), QuickCreateDialog)
        press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        menu = window.findChild(QMenu, "newRecordMenu")
        assert menu is not None and menu.isVisible()
        labels = [a.text() for a in menu.actions()]
        assert "New deal…" in labels and "New person…" in labels
        menu.setActiveAction(menu.actions()[labels.index("New deal…")])
        qtbot.keyClick(menu, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: seen == ["deals"])
        qtbot.waitUntil(lambda: isinstance(window.current_view(), RecordPage))
        page = window.current_view()
        assert store.records.get(page.record_id).title == "Home-made deal"  # type: ignore[union-attr]
        assert QApplication.activeModalWidget() is None
