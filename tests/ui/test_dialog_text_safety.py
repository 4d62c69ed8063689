"""Typed text survives the dialogs: Tab from a note's title lands in its text, Ctrl+Enter saves,
and Esc, Cancel or closing the window ask "Discard / Keep editing" before dropping anything typed.

The question is the real message box (it opens without blocking), answered with a click."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QPushButton

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.dialogs.conflicts_dialog import ConflictsDialog
from crmdesk.ui.dialogs.discard_guard import DISCARD_TEXT, KEEP_TEXT
from crmdesk.ui.dialogs.link_dialog import LinkDialog
from crmdesk.ui.dialogs.list_dialog import ListDialog
from crmdesk.ui.dialogs.note_dialog import NoteDialog
from crmdesk.ui.dialogs.task_dialog import TaskDialog

# The question is a window-modal box: the offscreen platform cannot raise it or grab keys for it.
# The sandbox serves the conflicts test (a conflict needs a server that changed the value too).
pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)"),
              pytest.mark.sandbox(records=12, seed=9)]


def shown(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def type_here(qtbot: Any, text: str) -> None:
    """Type where the keyboard focus is, as a user does after pressing Tab."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def question_of(qtbot: Any, dialog: QDialog) -> QMessageBox:
    found: list[QMessageBox] = []

    def visible() -> bool:
        found[:] = [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible)
    return found[0]


def answer(qtbot: Any, box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())


def cancel_button(dialog: QDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    return button


def test_tab_after_the_title_goes_to_the_text(qtbot: Any) -> None:
    dialog = shown(qtbot, NoteDialog())
    dialog.title_edit.setFocus()
    qtbot.waitUntil(dialog.title_edit.hasFocus)
    type_here(qtbot, "Discovery call")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    type_here(qtbot, "Wants 40 seats")
    assert dialog.title_edit.text() == "Discovery call"
    assert dialog.content_edit.toPlainText() == "Wants 40 seats"  # not lost on the Write/Preview tabs


def test_ctrl_enter_saves_the_note_from_the_text_and_from_the_title(qtbot: Any) -> None:
    dialog = shown(qtbot, NoteDialog())
    qtbot.keyClicks(dialog.title_edit, "Call")
    qtbot.keyClicks(dialog.content_edit, "Pricing")
    with qtbot.waitSignal(dialog.note_ready) as saved:
        qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == ["Call", "Pricing"]
    assert dialog.content_edit.toPlainText() == "Pricing"  # no new line typed on the way
    with qtbot.waitSignal(dialog.note_ready):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Enter,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier)


def test_escape_on_a_typed_note_asks_and_keep_editing_keeps_it(qtbot: Any) -> None:
    dialog = shown(qtbot, NoteDialog())
    qtbot.keyClicks(dialog.content_edit, "Half a thought")
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Escape)
    box = question_of(qtbot, dialog)
    assert "not been saved" in box.text()
    assert {b.text().replace("&", "") for b in box.buttons()} == {DISCARD_TEXT, KEEP_TEXT}
    answer(qtbot, box, KEEP_TEXT)
    assert dialog.isVisible() and dialog.content_edit.toPlainText() == "Half a thought"
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Escape)
    answer(qtbot, question_of(qtbot, dialog), DISCARD_TEXT)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_an_untouched_note_closes_at_once_and_closing_a_typed_one_asks(qtbot: Any) -> None:
    untouched = shown(qtbot, NoteDialog(title="Call", content="As it was", editing=True))
    qtbot.keyClick(untouched.content_edit, Qt.Key.Key_Escape)
    assert not untouched.isVisible()  # nothing typed: nothing to ask about
    dialog = shown(qtbot, NoteDialog(title="Call", content="As it was", editing=True))
    qtbot.keyClicks(dialog.title_edit, " with Acme")
    dialog.close()  # what the window's close button does
    box = question_of(qtbot, dialog)
    assert box.text() == "Your changes to this note have not been saved. Discard them?"
    answer(qtbot, box, KEEP_TEXT)
    assert dialog.isVisible() and dialog.title_edit.text() == "Call with Acme"
    dialog.discard_guard.confirm = lambda: True  # a caller may answer the question itself
    dialog.close()
    assert not dialog.isVisible()


def test_a_typed_task_asks_on_cancel_and_saves_on_ctrl_enter(qtbot: Any, store: Store) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    dialog = shown(qtbot, TaskDialog(store, deal.id))
    qtbot.keyClicks(dialog.content_edit, "Send the proposal")
    qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
    answer(qtbot, question_of(qtbot, dialog), KEEP_TEXT)
    assert dialog.isVisible() and dialog.content_edit.toPlainText() == "Send the proposal"
    with qtbot.waitSignal(dialog.task_ready) as saved:
        qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0] == "Send the proposal" and saved.args[2] == [deal.id]


def test_a_typed_list_name_asks_before_escape_drops_it(qtbot: Any, store: Store) -> None:
    dialog = shown(qtbot, ListDialog(store))
    qtbot.keyClicks(dialog.name_edit, "Key accounts")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    answer(qtbot, question_of(qtbot, dialog), KEEP_TEXT)
    assert dialog.isVisible() and dialog.name_edit.text() == "Key accounts"
    qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)
    answer(qtbot, question_of(qtbot, dialog), DISCARD_TEXT)
    assert not dialog.isVisible() and store.outbox.count() == 0


def test_typed_roles_ask_before_the_link_dialog_closes(qtbot: Any, store: Store) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    dialog = shown(qtbot, LinkDialog(store, deal.id, known_roles=["Employee"]))
    qtbot.keyClicks(dialog.roles_edit, "Champion")
    qtbot.keyClick(dialog.roles_edit, Qt.Key.Key_Escape)
    answer(qtbot, question_of(qtbot, dialog), KEEP_TEXT)
    assert dialog.isVisible() and dialog.roles_edit.text() == "Champion"


def test_a_typed_merge_asks_before_the_conflicts_dialog_closes(
        qtbot: Any, tmp_path: Path, server_synced_store: Store, server: SandboxServer) -> None:
    store = server_synced_store
    person = store.records.rows(store.records.query_ids("people"))[0]
    store.edits.update_record(person.id, {"job_title": "Mine"})
    backend = connect_aria(server.url, server.admin_token)
    try:
        backend.update_record("people", person.id, {"job_title": "Theirs"})
        assert SyncEngine(store, backend).sync().status.value == "synced"
    finally:
        backend.close()
    dialog = ConflictsDialog(AppContext(paths=Paths.resolve(tmp_path / "data"), store=store))
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    qtbot.waitExposed(dialog)
    assert dialog.list.count() == 1
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)  # the value it opened with is not typed: closes
    assert not dialog.isVisible()
    dialog.open_for_user()
    qtbot.waitExposed(dialog)
    dialog.merge_edit.selectAll()
    qtbot.keyClicks(dialog.merge_edit, "Mine and theirs")
    qtbot.keyClick(dialog.merge_edit, Qt.Key.Key_Escape)
    answer(qtbot, question_of(qtbot, dialog), KEEP_TEXT)
    assert dialog.isVisible() and dialog.merge_edit.text() == "Mine and theirs"
