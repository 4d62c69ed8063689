"""Choosing in a table cell is one gesture: the list opens with the editor (F2), and a click or
Enter on a choice saves it — no second click to open the list, no Enter to commit afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget

from crmdesk.store import Store
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._editor_table import editing, make_store, make_view, start_editing, stored

# A select's list is a popup: the offscreen platform cannot raise it or grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path / "projects.sqlite")
    yield store
    store.close()


@pytest.fixture
def view(qtbot: Any, projects: Store, tmp_path: Path) -> RecordTableView:
    return make_view(qtbot, projects, tmp_path)


def open_list(qtbot: Any, view: RecordTableView, slug: str) -> QComboBox:
    combo = start_editing(qtbot, view, slug)
    qtbot.waitUntil(combo.view().isVisible)  # open at once: no click on the combo first
    return combo


def click_row(qtbot: Any, widget: QListWidget, text: str) -> None:
    [item] = [widget.item(i) for i in range(widget.count()) if widget.item(i).text() == text]
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=widget.visualItemRect(item).center())


def test_a_status_list_opens_with_the_editor_and_one_click_saves(qtbot: Any, view: RecordTableView,
                                                                   projects: Store) -> None:
    combo = open_list(qtbot, view, "phase")
    rect = combo.view().visualRect(combo.model().index(combo.findText("Running"), 0))
    qtbot.mouseClick(combo.view().viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not editing(view))
    assert stored(projects, "phase") == "p2"
    assert view.table.hasFocus()  # back in the table, ready for the next key


def test_enter_on_a_highlighted_option_saves_and_escape_keeps_the_value(qtbot: Any, view: RecordTableView,
                                                                         projects: Store) -> None:
    combo = open_list(qtbot, view, "phase")
    qtbot.keyClick(combo.view(), Qt.Key.Key_Down)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Down)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editing(view))
    assert stored(projects, "phase") == "p3"
    combo = open_list(qtbot, view, "phase")
    qtbot.keyClick(combo.view(), Qt.Key.Key_Up)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Escape)  # closing the list ends the edit, unchanged
    qtbot.waitUntil(lambda: not editing(view))
    assert stored(projects, "phase") == "p3"


def test_a_record_reference_is_saved_by_one_click_on_a_result(qtbot: Any, view: RecordTableView,
                                                              projects: Store) -> None:
    picker = start_editing(qtbot, view, "client")
    qtbot.keyClicks(picker.search, "glo")
    click_row(qtbot, picker.results, "Globex")
    qtbot.waitUntil(lambda: not editing(view))
    globex = [r.id for r in projects.records.rows(projects.records.query_ids("clients")) if r.title == "Globex"]
    assert [stored(projects, "client")] == globex


def test_an_owner_is_saved_by_one_click(qtbot: Any, view: RecordTableView, projects: Store) -> None:
    picker = start_editing(qtbot, view, "owner")
    click_row(qtbot, picker.results, "Leo Lead")
    qtbot.waitUntil(lambda: not editing(view))
    assert stored(projects, "owner") == "m2"


def test_each_multiselect_click_is_saved_and_the_list_stays_for_the_next(qtbot: Any, view: RecordTableView,
                                                                         projects: Store) -> None:
    tags = start_editing(qtbot, view, "tags")
    click_row(qtbot, tags, "Hot")
    qtbot.waitUntil(lambda: stored(projects, "tags") == ["t1"])
    assert editing(view) and tags.isVisible()  # still open for another pick
    click_row(qtbot, tags, "Renewal")
    qtbot.waitUntil(lambda: stored(projects, "tags") == ["t1", "t3"])
    qtbot.keyClick(tags, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editing(view))
    assert stored(projects, "tags") == ["t1", "t3"]  # Esc after picking keeps what was picked
