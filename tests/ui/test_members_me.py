"""Who "you" are among the members, and who is invited: the members dialog marks the member the
workspace knows as you (``store.schema.me()``), lets the user say "This is me", and shows people
invited from it until the server lists them as members. Against the real sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.sandbox.server import start_demo_sandbox
from crmdesk.ui.admin.members_dialog import INVITED, STATUS_COLUMN, YOU, MembersDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.welcome_view import WelcomeView
from crmdesk.ui.workspace_switcher import close_workspace
from tests.ui.test_admin_access import Env, admin, click

pytestmark = pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
__all__ = ["admin"]  # the fixture, shared with the access tests


def _opened(qtbot: Any, context: AppContext) -> MembersDialog:
    dialog = MembersDialog(context)
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    return dialog


def _status_of(dialog: MembersDialog, email: str) -> str | None:
    for row in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(row)
        if item.text(1) == email:
            return item.text(STATUS_COLUMN)
    return None


def _click_row(qtbot: Any, dialog: MembersDialog, email: str) -> None:
    for row in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(row)
        if item.text(1) == email:
            rect = dialog.tree.visualItemRect(item)
            qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{email} is not listed")


def test_this_is_me_marks_you_and_is_kept(qtbot: Any, admin: Env) -> None:
    dialog = _opened(qtbot, admin.context)
    qtbot.waitExposed(dialog)
    [first, *_] = admin.store.schema.members()
    assert _status_of(dialog, first.email) == ""  # nobody is "you" yet
    _click_row(qtbot, dialog, first.email)
    assert dialog.me_button.isEnabled()
    click(qtbot, dialog.me_button)
    assert _status_of(dialog, first.email) == YOU
    assert dialog.tree.currentItem().font(0).bold()
    assert not dialog.me_button.isEnabled()  # already you
    assert admin.store.schema.me() == first.id
    assert dialog.status_line.text().startswith(f"You are {first.name or first.email} in this workspace")
    dialog.close()
    again = _opened(qtbot, admin.context)  # kept in the workspace file
    assert _status_of(again, first.email) == YOU
    assert [m.email for m in admin.store.schema.members() if _status_of(again, m.email) == YOU] == [first.email]


def test_an_invited_person_is_marked_until_the_server_lists_them(qtbot: Any, admin: Env) -> None:
    dialog = _opened(qtbot, admin.context)
    qtbot.waitUntil(lambda: dialog.editable, timeout=15_000)
    assert admin.context.sync is not None
    admin.context.sync.stop()  # the member list stays as it is until the sync runs again
    qtbot.keyClicks(dialog.email, "newcomer@example.com")
    qtbot.keyClick(dialog.email, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _status_of(dialog, "newcomer@example.com") == INVITED, timeout=15_000)
    assert dialog.email.text() == ""
    # Not a member yet here: nothing to change or remove; and it is kept across a reopen.
    _click_row(qtbot, dialog, "newcomer@example.com")
    assert not dialog.remove_button.isEnabled() and not dialog.me_button.isEnabled()
    assert _status_of(_opened(qtbot, admin.context), "newcomer@example.com") == INVITED


def test_the_demo_workspace_knows_you_are_its_admin(qtbot: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    paths = Paths.resolve(data)
    paths.ensure()
    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat),
                         start_demo=lambda data_dir: start_demo_sandbox(data_dir, records=30))
    window = MainWindow(context)
    qtbot.addWidget(window)
    welcome = window.current_view()
    assert isinstance(welcome, WelcomeView)
    click(qtbot, welcome.demo_button)
    try:
        qtbot.waitUntil(lambda: context.store is not None and context.sync is not None, timeout=30_000)
        store, [server] = context.store, context.services
        assert store is not None
        # The first sync has ended (members listed), none is cut off by the server stopping.
        qtbot.waitUntil(lambda: store.schema.get_meta("last_sync_at") is not None, timeout=30_000)
        admin_email = server.core.workspace.authenticate(server.admin_token)["email"]  # type: ignore[attr-defined]
        dialog = _opened(qtbot, context)
        assert _status_of(dialog, admin_email) == YOU
        dialog.close()
        # Its role check (on the thread pool) ends before the server stops.
        assert QThreadPool.globalInstance().waitForDone(30_000)
    finally:
        window.switch_workspace(None)
        close_workspace(context)
