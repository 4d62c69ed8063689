"""A narrow window (1024×700, or 900 px wide as a 1.5× laptop screen gives) still works: the
sidebar hides (View ▸ Hide sidebar, Ctrl+\\) and comes back, and no view holds the window wider
than 900 px, not even one whose object has a long name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crmdesk.store import Store
from crmdesk.ui.views.object_view import ObjectView

from ._navigation_window import OFFSCREEN_NOTICES, click_sidebar, focused, open_window, press, synced

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES)
CTRL = Qt.KeyboardModifier.ControlModifier
LONG_NAME = "Enterprise partnership opportunities across every region"


def view_menu_entry(window: Any, text: str) -> Any:
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next((a for a in view_menu.actions() if a.text() == text), None)


def test_ctrl_backslash_hides_the_sidebar_and_the_view_takes_the_width(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "People")
        view = window.current_view()
        narrow = view.width()
        assert view_menu_entry(window, "Hide sidebar") is not None
        press(qtbot, window, Qt.Key.Key_Backslash, CTRL)
        assert window.sidebar.visibleRegion().isEmpty()
        assert view.width() >= narrow + 180
        assert view_menu_entry(window, "Show sidebar") is not None
        assert focused() is not None and view.isAncestorOf(focused())
        press(qtbot, window, Qt.Key.Key_Backslash, CTRL)
        assert not window.sidebar.visibleRegion().isEmpty() and window.sidebar.width() >= 180
        assert view.width() == narrow


def test_hiding_the_sidebar_while_typing_in_it_moves_the_keyboard_into_the_view(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
        view_menu_entry(window, "Hide sidebar").trigger()  # chosen from the View menu
        assert focused() is not None and window.current_view().isAncestorOf(focused())
        press(qtbot, window, Qt.Key.Key_Tab)  # Tab never lands in the hidden sidebar
        assert focused() is not window.sidebar


def test_a_hidden_sidebar_stays_hidden_after_a_restart(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path) as window:
        press(qtbot, window, Qt.Key.Key_Backslash, CTRL)
    with open_window(qtbot, store, tmp_path) as again:
        assert again.sidebar.visibleRegion().isEmpty()
        assert view_menu_entry(again, "Show sidebar") is not None
        press(qtbot, again, Qt.Key.Key_Backslash, CTRL)
        assert not again.sidebar.visibleRegion().isEmpty() and again.sidebar.width() >= 180


def test_every_view_fits_a_900_pixel_window_even_with_a_long_object_name(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    deals = store.schema.get_object("deals")
    assert deals is not None
    with store.write():  # as an admin named it on the server
        store.schema.save_object(dataclasses.replace(deals, plural_name=LONG_NAME), position=2)
    store.schema.invalidate()
    record_id = sorted(store.records.ids("people"))[0]
    with open_window(qtbot, store, tmp_path) as window:
        for place in ("Home", "Tasks", "Notes", "Notifications", "People", "Companies", LONG_NAME):
            click_sidebar(qtbot, window, place)
            QApplication.sendPostedEvents()  # the layouts settle, as between two clicks
        window.context.navigator.go(f"record:{record_id}")  # a record page too, as a link opens it
        QApplication.sendPostedEvents()
        window.resize(900, 600)
        for place in ("People", LONG_NAME, "Tasks"):
            click_sidebar(qtbot, window, place)
            QApplication.sendPostedEvents()
            view = window.current_view()
            assert window.width() == 900, f"{place} holds the window {window.width()} px wide"
            # The view is on screen beside the sidebar, with most of the window's width.
            assert view.geometry().right() <= window.centralWidget().width()
            assert view.width() >= 640 and not window.sidebar.visibleRegion().isEmpty()
            if isinstance(view, ObjectView):
                table = view.table.table
                assert table.visualRect(table.model().index(0, 0)).right() < table.viewport().width()
                if view.table.model.object_def.plural_name == LONG_NAME:
                    # The long name ends in "…" with the whole name in its tooltip, not cut mid-letter.
                    title = view.table.title_label
                    assert title.text().endswith("…") and title.text() != LONG_NAME
                    assert LONG_NAME in title.toolTip()


def test_at_150_percent_the_table_buttons_give_up_their_words_before_the_title(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced(synced_store)
    with open_window(qtbot, store, tmp_path, size=(1280, 700)) as window:
        click_sidebar(qtbot, window, "People")
        table = window.current_view().table  # type: ignore[union-attr]
        worded = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        assert all(b.toolButtonStyle() == worded for b in table.buttons)  # room for the words
        window.resize(760, 700)  # the other buttons give up their words first; New keeps "New person"
        qtbot.waitUntil(lambda: all(b.toolButtonStyle() != worded for b in table.buttons[1:]))
        assert table.buttons[0].toolButtonStyle() == worded
        qtbot.waitUntil(lambda: table.title_label.text() == "People")  # whole, not "P…"
        assert all(b.toolTip() for b in table.buttons)  # the icon alone is explained on hover
        window.resize(1280, 700)
        qtbot.waitUntil(lambda: all(b.toolButtonStyle() == worded for b in table.buttons))
