"""Back and Forward keep a list or record made offline when a sync gives it its server id: the
step, the open view and the sidebar's mark follow the new id, on screen or not. A saved view
deleted from the sidebar leaves history: Back skips it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.ui.dialogs.list_dialog import ListDialog
from crmdesk.ui.dialogs.quick_create_dialog import QuickCreateDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.record_page import RecordPage
from tests.ui._modal import answer_modal
from tests.ui._navigation_window import OFFSCREEN_NOTICES, click_sidebar, open_window, press, sidebar_marks

pytestmark = [pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES), pytest.mark.sandbox(records=30, seed=5)]
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def back_to(qtbot: Any, window: MainWindow) -> None:
    """The window is active again once a dialog has closed, as a desktop makes it (the offscreen
    platform leaves the closed dialog active, and keys would go to it)."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def sync(store: Store, server: SandboxServer, sync_from: Callable[..., str]) -> None:
    """One sync, after the GUI thread has freed what it no longer uses: the in-process server's
    thread must not be the one whose garbage collection frees a widget (PySide then deletes it
    later in this thread, mid-request, and the process crashes)."""
    gc.collect()
    assert sync_from(store, server) == "synced"


def new_list(qtbot: Any, window: MainWindow, name: str) -> str:
    """File ▸ New list…, a name typed, Enter: the new list's page is on screen; its local id."""
    def answer(dialog: ListDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, name)
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)

    answer_modal(qtbot, answer, ListDialog)
    window.new_list_action.trigger()
    view = window.current_view()
    assert isinstance(view, ListView) and view.table.title_label.text() == name
    assert view.list_id.startswith("local-")
    back_to(qtbot, window)
    return view.list_id


def new_company(qtbot: Any, window: MainWindow, name: str) -> str:
    """Ctrl+N on Home, "New company…", a name typed, Enter: the new record's page opens."""
    def answer(dialog: QuickCreateDialog) -> None:
        field = dialog.field_widget("name")
        qtbot.keyClicks(field, name)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    answer_modal(qtbot, answer, QuickCreateDialog)
    click_sidebar(qtbot, window, "Home")
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    menu = window.findChild(QMenu, "newRecordMenu")
    assert menu is not None
    labels = [a.text() for a in menu.actions()]
    menu.setActiveAction(menu.actions()[labels.index("New company…")])
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_view(), RecordPage))
    page = window.current_view()
    assert isinstance(page, RecordPage) and page.record_id.startswith("local-")
    back_to(qtbot, window)
    return page.record_id


def test_lists_made_offline_keep_their_steps_when_the_sync_gives_them_server_ids(
        qtbot: Any, server_synced_store: Store, server: SandboxServer, tmp_path: Path,
        sync_from: Callable[..., str]) -> None:
    store = server_synced_store
    with open_window(qtbot, store, tmp_path) as window:
        behind = new_list(qtbot, window, "Q3 targets")  # then left: not on screen at the sync
        click_sidebar(qtbot, window, "Tasks")
        shown = new_list(qtbot, window, "Q4 targets")  # on screen at the sync
        sync(store, server, sync_from)
        behind_id, shown_id = store.id_map.server_id(behind), store.id_map.server_id(shown)
        assert behind_id and shown_id
        qtbot.waitUntil(lambda: window.current_target == f"list:{shown_id}")
        assert sidebar_marks(window) == "Q4 targets"
        assert f"list:{behind}" not in window.views and f"list:{shown}" not in window.views
        assert window.navigation.back_action.toolTip() == plain_tooltip("Back to Tasks (Alt+Left)")
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks"
        assert window.navigation.back_action.toolTip() == plain_tooltip("Back to Q3 targets (Alt+Left)")
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        view = window.current_view()
        assert window.current_target == f"list:{behind_id}" and sidebar_marks(window) == "Q3 targets"
        assert isinstance(view, ListView) and view.list_id == behind_id
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "home"
        for target in ("home", f"list:{behind_id}", "tasks", f"list:{shown_id}"):
            assert window.current_target == target
            press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.current_target == f"list:{shown_id}"  # nothing further ahead


def test_a_record_made_offline_keeps_its_step_when_the_sync_gives_it_its_server_id(
        qtbot: Any, server_synced_store: Store, server: SandboxServer, tmp_path: Path,
        sync_from: Callable[..., str]) -> None:
    store = server_synced_store
    with open_window(qtbot, store, tmp_path) as window:
        behind = new_company(qtbot, window, "Zeta Works")
        behind_page = window.current_view()
        click_sidebar(qtbot, window, "Tasks")
        shown = new_company(qtbot, window, "Zeta Labs")
        shown_page = window.current_view()
        sync(store, server, sync_from)
        behind_id, shown_id = store.id_map.server_id(behind), store.id_map.server_id(shown)
        assert behind_id and shown_id
        qtbot.waitUntil(lambda: window.current_target == f"record:{shown_id}")
        assert window.views[f"record:{shown_id}"] is shown_page and sidebar_marks(window) == "Companies"
        assert window.views[f"record:{behind_id}"] is behind_page
        assert f"record:{behind}" not in window.views and f"record:{shown}" not in window.views
        press(qtbot, window, Qt.Key.Key_Left, ALT)  # Home, where Zeta Labs was made
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks"
        assert window.navigation.back_action.toolTip() == plain_tooltip("Back to Zeta Works (Alt+Left)")
        assert window.navigation.forward_action.toolTip() == plain_tooltip("Forward to Home (Alt+Right)")
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == f"record:{behind_id}" and window.current_view() is behind_page
        assert isinstance(behind_page, RecordPage) and behind_page.record_id == behind_id
        assert behind_page.title_label.full_text() == "Zeta Works" and sidebar_marks(window) == "Companies"
        for _ in range(3):
            press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.current_target == f"record:{shown_id}" and window.current_view() is shown_page


def test_a_saved_view_deleted_from_the_sidebar_is_skipped_by_back(
        qtbot: Any, server_synced_store: Store, tmp_path: Path) -> None:
    store = server_synced_store
    saved = store.saved_views.create("deals", "Big deals", "table", {})
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Big deals")
        assert window.current_target == saved.target
        click_sidebar(qtbot, window, "People")
        sidebar = window.sidebar
        # The arrow keys move the sidebar's mark to the saved view without opening it.
        [item] = sidebar.findItems("Big deals", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        up = sidebar.visualItemRect(item).y() < sidebar.visualItemRect(sidebar.currentItem()).y()
        while sidebar.currentItem() is not item:
            qtbot.keyClick(sidebar, Qt.Key.Key_Up if up else Qt.Key.Key_Down)

        def delete(box: QMessageBox) -> None:
            button = next(b for b in box.buttons() if b.text() == "Delete")
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        answer_modal(qtbot, delete, QMessageBox)
        qtbot.keyClick(sidebar, Qt.Key.Key_Delete)
        back_to(qtbot, window)
        assert store.saved_views.get(saved.id) is None
        assert saved.target not in window.views
        # The sidebar leaves the deleted view's entry for its object's.
        assert window.current_target == "object:deals"
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "object:people"
        assert window.navigation.back_action.toolTip() == plain_tooltip("Back to Home (Alt+Left)")
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "home"
        press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.current_target == "object:people"
