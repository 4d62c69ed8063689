"""After going to a view by the sidebar, the palette or Back, the keyboard is in the view's main
widget: its shortcuts (Filter, Edit selected…) work at once, and the focus shows on a row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from crmdesk.store import Store
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_page import RecordPage

from ._navigation_window import OFFSCREEN_NOTICES, click_sidebar, focused, open_window, open_with_palette, press, synced

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def object_view(window: Any) -> ObjectView:
    view = window.current_view()
    assert isinstance(view, ObjectView)
    return view


def test_clicking_an_object_in_the_sidebar_puts_the_keyboard_in_its_table(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "People")
        table = object_view(window).table
        assert focused() is table.table
        assert table.table.currentIndex().row() == 0  # the focus shows on the first row
        press(qtbot, window, Qt.Key.Key_Down)
        assert table.table.currentIndex().row() == 1  # the arrows move in the table, not the sidebar
        assert window.current_target == "object:people"
        press(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)  # the table's Filter shortcut
        assert table.filter_bar.isVisible()


def test_keyboard_only_from_the_sidebar_enter_opens_the_view_with_the_keyboard_in_it(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
        while window.sidebar.current_target() != "object:companies":
            press(qtbot, window, Qt.Key.Key_Down)
        press(qtbot, window, Qt.Key.Key_Return)
        view = object_view(window)
        assert view.object_slug == "companies" and focused() is view.table.table
        press(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
        assert view.table.filter_bar.isVisible()


def test_a_view_opened_from_the_palette_takes_the_keyboard(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        open_with_palette(qtbot, window, "Go to Deals", "object:deals")
        qtbot.waitUntil(lambda: focused() is object_view(window).table.table, timeout=2000)
        press(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
        assert object_view(window).table.filter_bar.isVisible()


def test_back_puts_the_keyboard_back_in_the_view_it_shows(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "People")
        people = object_view(window)
        click_sidebar(qtbot, window, "Tasks")
        press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
        assert window.current_view() is people and focused() is people.table.table
        press(qtbot, window, Qt.Key.Key_F, CTRL_SHIFT)
        assert people.table.filter_bar.isVisible()


def test_a_record_opened_from_the_palette_has_the_keyboard_in_its_form(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    deal_id = sorted(store.records.ids("deals"))[0]
    title = store.records.get(deal_id).title  # type: ignore[union-attr]
    with open_window(qtbot, store, tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        open_with_palette(qtbot, window, title, f"record:{deal_id}")
        page = window.current_view()
        assert isinstance(page, RecordPage)
        qtbot.waitUntil(lambda: focused() is not None and page.form.isAncestorOf(focused()), timeout=2000)


def _row_band(window: Any, table: Any) -> QImage:
    """The first row of ``table`` as painted in the window."""
    rect = table.visualRect(table.model().index(0, 0))
    top_left = table.viewport().mapTo(window, rect.topLeft())
    return window.grab().toImage().copy(top_left.x(), top_left.y(), rect.width(), rect.height())


def _differs(first: QImage, second: QImage) -> int:
    """How many pixels differ clearly (any channel by more than 40 of 255) between two pictures."""
    count = 0
    for y in range(first.height()):
        for x in range(first.width()):
            a, b = first.pixelColor(x, y), second.pixelColor(x, y)
            if max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) > 40:
                count += 1
    return count


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_is_visible_in_the_table_after_navigating(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path, scheme: str) -> None:
    from .test_unsynced_marks import dark_palette

    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        if scheme == "dark":
            window.setPalette(dark_palette())
        click_sidebar(qtbot, window, "People")
        table = object_view(window).table.table
        with_focus = _row_band(window, table)
        click_sidebar(qtbot, window, "People")  # the same place, the keyboard back in the sidebar:
        window.sidebar.setFocus(Qt.FocusReason.MouseFocusReason)
        assert not table.hasFocus()
        without_focus = _row_band(window, table)
        # The focused cell is outlined: a line around it, top and bottom at least.
        assert _differs(with_focus, without_focus) >= 2 * table.visualRect(table.model().index(0, 0)).width() // 2
