"""Alt+Left / Alt+Right, the Go menu and the toolbar's Back and Forward walk through the views and
records the user visited; the sidebar marks where the user is, a record page under its object."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crmdesk.store import Store
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.tasks_view import TasksView

from ._navigation_window import (
    OFFSCREEN_NOTICES,
    click_sidebar,
    open_window,
    open_with_palette,
    press,
    sidebar_marks,
    synced,
)

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES)
ALT = Qt.KeyboardModifier.AltModifier


def a_person(store: Store) -> tuple[str, str]:
    """A person whose full name no other record, note or task shares."""
    for record_id in sorted(store.records.ids("people")):
        row = store.records.get(record_id)
        assert row is not None
        if len(store.records.ids_titled(row.title)) == 1:
            return record_id, row.title
    raise AssertionError("every person shares a name")


def test_alt_left_and_alt_right_walk_back_and_forward_through_the_views(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        for place in ("Tasks", "People", "Notes"):
            click_sidebar(qtbot, window, place)
        assert window.current_target == "notes"
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "object:people" and sidebar_marks(window) == "People"
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert isinstance(window.current_view(), TasksView) and sidebar_marks(window) == "Tasks"
        press(qtbot, window, Qt.Key.Key_Right, ALT)
        press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.current_target == "notes" and sidebar_marks(window) == "Notes"
        press(qtbot, window, Qt.Key.Key_Right, ALT)  # nothing ahead: stays
        assert window.current_target == "notes"


def test_back_from_a_record_returns_to_where_it_was_opened_and_the_sidebar_follows(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    person_id, name = a_person(store)
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        open_with_palette(qtbot, window, name, f"record:{person_id}")
        page = window.current_view()
        assert isinstance(page, RecordPage) and page.record_id == person_id
        # A record page is marked under its object, not under the view it was opened from.
        assert sidebar_marks(window) == "People"
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks" and sidebar_marks(window) == "Tasks"
        press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.current_view() is page and sidebar_marks(window) == "People"


def test_going_somewhere_new_after_back_leaves_nothing_ahead(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        click_sidebar(qtbot, window, "People")
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.navigation.forward_action.isEnabled()
        click_sidebar(qtbot, window, "Companies")
        assert not window.navigation.forward_action.isEnabled()
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks"


def test_the_toolbar_buttons_go_back_and_forward_and_say_where(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        toolbar = window.navigation.toolbar
        back = toolbar.widgetForAction(window.navigation.back_action)
        forward = toolbar.widgetForAction(window.navigation.forward_action)
        assert back.isVisible() and forward.isVisible()
        assert not back.isEnabled() and not forward.isEnabled()  # just opened: nowhere to go yet
        click_sidebar(qtbot, window, "Tasks")
        click_sidebar(qtbot, window, "Deals")
        assert "Back to Tasks (Alt+Left)" in back.toolTip()
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
        assert window.current_target == "tasks" and sidebar_marks(window) == "Tasks"
        assert "Forward to Deals (Alt+Right)" in forward.toolTip()
        qtbot.mouseClick(forward, Qt.MouseButton.LeftButton)
        assert window.current_target == "object:deals" and sidebar_marks(window) == "Deals"


def test_the_go_menu_offers_back_and_forward_with_their_keys(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        go_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
        entries = {a.text(): a for a in go_menu.actions() if not a.isSeparator()}
        assert list(entries)[:2] == ["Back", "Forward"]
        assert entries["Back"].shortcut().toString() == "Alt+Left"
        assert entries["Forward"].shortcut().toString() == "Alt+Right"
        click_sidebar(qtbot, window, "Notes")
        go_menu.aboutToShow.emit()
        assert entries["Back"].isEnabled() and not entries["Forward"].isEnabled()
        entries["Back"].trigger()  # what choosing it in the open menu does
        assert window.current_target == "home" and sidebar_marks(window) == "Home"


def test_back_works_while_a_table_has_the_keyboard(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        click_sidebar(qtbot, window, "People")
        table = window.current_view().table.table  # type: ignore[union-attr]
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         pos=table.visualRect(table.model().index(2, 0)).center())
        assert table.hasFocus()
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks"
