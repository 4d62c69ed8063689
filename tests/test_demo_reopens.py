"""The demo workspace, once tried, is what the next start opens — with its local server, so it
syncs again — and it knows who "you" are: the sandbox's admin, whose token it signs in with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.sandbox.server import SandboxServer, start_demo_sandbox
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.welcome_view import WelcomeView
from crmdesk.ui.workspace_switcher import close_workspace, open_start_workspace
from crmdesk.workspaces import DEMO_WORKSPACE_ID


def _context(data: Path) -> AppContext:
    """A context as the entry point builds it (crmdesk.app.run_gui), with a smaller demo."""
    paths = Paths.resolve(data)
    paths.ensure()
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(), settings=settings,
                      start_demo=lambda data_dir: start_demo_sandbox(data_dir, records=30))


def _try_the_demo(qtbot: Any, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    welcome = window.current_view()
    assert isinstance(welcome, WelcomeView)
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=30000)
    store = context.store
    assert store is not None
    # The first sync has ended before the test goes on: none is cut off by the server stopping.
    qtbot.waitUntil(lambda: store.schema.get_meta("last_sync_at") is not None, timeout=30000)
    return window


def _admin_member(server: Any) -> str:
    row = server.core.workspace.authenticate(server.admin_token)
    return str(row["id"])


def test_the_demo_opens_again_on_the_next_start(qtbot: Any, tmp_path: Path) -> None:
    first = _context(tmp_path / "data")
    window = _try_the_demo(qtbot, first)
    assert first.store is not None
    demo_file = first.store.path
    window.switch_workspace(None)  # as quitting does: the sync and the demo's server stop, the file closes

    again = _context(tmp_path / "data")
    start = open_start_workspace(again, with_sync=False)  # what the next start does
    try:
        assert start.path == demo_file and not start.failed
        assert again.store is not None and again.store.path.stem == DEMO_WORKSPACE_ID
        assert again.sync is not None  # with its server started again: it syncs
        [server] = again.services
        assert isinstance(server, SandboxServer) and server.url
        reopened = MainWindow(again)
        qtbot.addWidget(reopened)
        assert reopened.current_target != "welcome"
    finally:
        close_workspace(again)


def test_the_demo_knows_who_you_are(qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path / "data")
    _try_the_demo(qtbot, context)
    try:
        store, [server] = context.store, context.services
        assert store is not None
        assert store.schema.me() == _admin_member(server)
    finally:
        close_workspace(context)
