"""Workspace ▸ Settings ▸ Home, history and reminders…: the dialog shows the workspace's settings,
says in words what is wrong with a typed number (and will not save it), writes all four in the
workspace file, and the window's reminder scheduler re-arms on the new lead time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.store.reminders import utc_text
from crmdesk.ui.dialogs.preferences_dialog import PreferencesDialog
from crmdesk.ui.main_window import MainWindow

from ._navigation_window import open_window

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")  # (opening brings the dialog up)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "w.sqlite")
    yield opened  # type: ignore[misc]
    opened.close()


def dialog_over(qtbot: Any, context: AppContext) -> PreferencesDialog:
    dialog = PreferencesDialog(context)
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot: Any, edit: Any, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def save_button(dialog: PreferencesDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_shows_the_workspace_settings_and_saves_them(qtbot: Any, store: Store,
                                                     ui_context: Callable[..., AppContext]) -> None:
    dialog = dialog_over(qtbot, ui_context(store))
    assert (dialog.lead_edit.text(), dialog.stale_edit.text(), dialog.history_edit.text()) == ("10", "14", "365")
    assert not dialog.notify_box.isChecked()
    retype(qtbot, dialog.lead_edit, "25")
    retype(qtbot, dialog.stale_edit, "30")
    retype(qtbot, dialog.history_edit, "90")
    qtbot.mouseClick(dialog.notify_box, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    # In the workspace file: another connection reads them.
    with Store.open(store.path) as other:
        settings = other.settings
        assert (settings.reminder_lead_minutes, settings.stale_days, settings.history_retention_days) == (25, 30, 90)
        assert settings.notify_server_notifications


def test_bad_numbers_are_said_in_words_and_not_saved(qtbot: Any, store: Store,
                                                     ui_context: Callable[..., AppContext]) -> None:
    dialog = dialog_over(qtbot, ui_context(store))
    retype(qtbot, dialog.lead_edit, "soon")
    assert dialog.lead_error.isVisible()
    assert dialog.lead_error.text() == "Type a whole number of minutes from 0 to 10080: “soon” is not one."
    assert not save_button(dialog).isEnabled()
    retype(qtbot, dialog.lead_edit, "0")  # 0: only when due, allowed
    assert not dialog.lead_error.isVisible()
    retype(qtbot, dialog.stale_edit, "0")
    assert dialog.stale_error.text() == "Type a whole number of days from 1 to 36500: 0 is too few."
    retype(qtbot, dialog.history_edit, "")
    assert dialog.history_error.text() == "Type a whole number of days from 1 to 36500."
    assert not save_button(dialog).isEnabled()
    assert dialog.save() is False  # (Enter in a box) nothing written
    assert store.settings.stale_days == 14
    assert dialog.focusWidget() is dialog.stale_edit  # the keyboard is on the first wrong box
    retype(qtbot, dialog.stale_edit, "7")
    retype(qtbot, dialog.history_edit, "30")
    assert save_button(dialog).isEnabled()
    assert dialog.save()
    assert (store.settings.reminder_lead_minutes, store.settings.stale_days) == (0, 7)


def test_the_window_opens_it_and_rearms_reminders_on_save(qtbot: Any, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "w.sqlite")
    with store.write():
        store.schema.set_me("mem-me")  # reminders are for my tasks; this one is made here

    def no_grace(window: MainWindow) -> None:
        window.reminders.grace_ms = 0  # no sync here: the first look needs no wait

    with store, open_window(qtbot, store, tmp_path, now=T0, first_view="tasks", built=no_grace) as window:
        scheduler = window.reminders.scheduler
        qtbot.waitUntil(lambda: scheduler.running)
        store.edits.create_task("Review the contract", deadline=utc_text(T0 + timedelta(minutes=10, seconds=30)))
        window.change_feed.flush()
        # The lead reminder (10 minutes before) is 30 seconds away: the timer is set for it.
        assert scheduler.next_look_at == T0 + timedelta(seconds=30, milliseconds=1)
        window.preferences_action.trigger()
        dialog = window.reminders.preferences
        assert dialog is not None and dialog.isVisible()
        retype(qtbot, dialog.lead_edit, "0")  # no early reminder: the next is the due one, 10 minutes on
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
        # Re-armed at once: the scheduler goes back to its once-a-minute look.
        assert scheduler.next_look_at == T0 + timedelta(minutes=1)
