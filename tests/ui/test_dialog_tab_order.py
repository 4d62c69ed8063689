"""Tab goes through the dialogs in reading order — down the form, then the buttons from left to
right as they are laid out — and a date-time field is one Tab stop, in a dialog and in a table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget

from crmdesk.store import Store
from crmdesk.ui.dialogs.link_dialog import LinkDialog
from crmdesk.ui.dialogs.note_dialog import NoteDialog
from crmdesk.ui.dialogs.task_dialog import TaskDialog
from tests.ui._editor_table import editing, make_store, make_view, start_editing


def shown(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def tab_walk(qtbot: Any, start: QWidget, steps: int) -> list[QWidget]:
    """Where the focus goes on each press of Tab, starting in ``start``."""
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    visited = [QApplication.focusWidget()]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    return visited


def buttons_as_seen(dialog: QDialog) -> list[QWidget]:
    """The enabled buttons of the dialog's button box, left to right on screen."""
    box = dialog.findChild(QDialogButtonBox)
    return sorted((b for b in box.buttons() if b.isEnabled()), key=lambda b: b.mapTo(dialog, b.rect().topLeft()).x())


def test_note_dialog_goes_title_text_then_the_buttons_left_to_right(qtbot: Any) -> None:
    dialog = shown(qtbot, NoteDialog(title="Call"))
    visited = tab_walk(qtbot, dialog.title_edit, 4)
    assert visited == [dialog.title_edit, dialog.content_edit, *buttons_as_seen(dialog), dialog.title_edit]


def test_task_dialog_reads_down_the_form_and_its_deadline_is_one_stop(qtbot: Any, store: Store) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    dialog = shown(qtbot, TaskDialog(store, deal.id))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.content_edit)  # opens ready to type the task
    qtbot.keyClicks(dialog.content_edit, "Call back")
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.deadline_box
    qtbot.keyClick(dialog.deadline_box, Qt.Key.Key_Space)  # "Due" on: the deadline becomes a stop
    assert dialog.deadline_edit.isEnabled()
    visited = tab_walk(qtbot, dialog.deadline_box, 7)
    assert visited == [dialog.deadline_box, dialog.deadline_edit, dialog.assignees, dialog.records,
                       dialog.link_edit, *buttons_as_seen(dialog), dialog.content_edit]


def test_link_dialog_goes_object_search_roles_then_the_buttons_left_to_right(qtbot: Any, store: Store) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    dialog = shown(qtbot, LinkDialog(store, deal.id))
    assert dialog.object_combo is not None and dialog.picker is not None
    visited = tab_walk(qtbot, dialog.object_combo, 5)
    assert visited == [dialog.object_combo, dialog.picker.search, dialog.roles_edit, *buttons_as_seen(dialog),
                       dialog.object_combo]


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path / "projects.sqlite")
    yield store
    store.close()


def test_a_date_time_cell_is_left_with_one_tab(qtbot: Any, projects: Store, tmp_path: Path) -> None:
    view = make_view(qtbot, projects, tmp_path)
    start_editing(qtbot, view, "kickoff")
    picker = QApplication.focusWidget()
    qtbot.keyClick(picker, Qt.Key.Key_Tab)  # not day → month → year → hour → minute
    qtbot.waitUntil(lambda: not editing(view))
    columns = [a.slug for a in view.model.columns]
    assert columns[view.table.currentIndex().column()] == columns[columns.index("kickoff") + 1]
