"""Window geometry, splitter sizes and the last view survive a restart (two MainWindows over
one settings file); the welcome screen shows when no workspace is open and starts the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QSplitter

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox.server import SandboxServer, start_demo_sandbox
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui import window_state
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.welcome_view import WelcomeView


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=5, seed=33) as running:
        yield running


def _context(data: Path, store: Store | None = None) -> AppContext:
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(paths=Paths.resolve(data), store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                      settings=settings)


def _splitter(window: MainWindow) -> QSplitter:
    central = window.centralWidget()
    assert isinstance(central, QSplitter)
    return central


def test_geometry_splitter_and_last_view_come_back(qtbot: Any, tmp_path: Path, server: SandboxServer) -> None:
    store = Store.open(tmp_path / "ws.sqlite")
    backend = connect_aria(server.url, server.admin_token)
    assert SyncEngine(store, backend).sync().status.value == "synced"
    backend.close()
    first = MainWindow(_context(tmp_path, store))
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)
    _splitter(first).setSizes([260, 460])
    first.navigate("tasks")
    sizes = _splitter(first).sizes()
    first.close()

    second = MainWindow(_context(tmp_path, store))
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (720, 520)
    assert _splitter(second).sizes() == sizes
    assert second.current_target == "tasks"
    second.close()
    store.close()


def test_the_welcome_screen_is_not_remembered_as_the_last_view(qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path)
    context.settings.setValue(window_state.LAST_VIEW_KEY, "notes")
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.current_target == "welcome"
    assert isinstance(window.current_view(), WelcomeView)
    window.close()
    assert context.settings.value(window_state.LAST_VIEW_KEY) == "notes"


def test_try_the_demo_from_the_welcome_screen(qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path / "data")
    # The entry point hands the window its demo starter (crmdesk.app); fewer records start sooner.
    context.start_demo = lambda data_dir: start_demo_sandbox(data_dir, records=50)
    window = MainWindow(context)
    qtbot.addWidget(window)
    welcome = window.current_view()
    assert isinstance(welcome, WelcomeView)
    try:
        welcome.demo_button.click()
        assert not welcome.demo_button.isEnabled()  # the sandbox starts off the GUI thread
        qtbot.waitUntil(lambda: window.context.sync is not None, timeout=30000)
        assert window.current_target == "home"
        assert window.context.store is not None and window.context.services
        store = window.context.store
        qtbot.waitUntil(lambda: store.records.count("people") > 0, timeout=30000)
    finally:
        window.switch_workspace(None)
    assert window.context.services == [] and window.current_target == "welcome"


def test_the_welcome_screen_says_why_when_there_is_no_demo_to_start(qtbot: Any, tmp_path: Path) -> None:
    window = MainWindow(_context(tmp_path / "data"))  # a context without a demo starter
    qtbot.addWidget(window)
    welcome = window.current_view()
    assert isinstance(welcome, WelcomeView)
    welcome.demo_button.click()
    assert welcome.status.text() == "The demo could not start: this window was started without the demo server"
    assert welcome.demo_button.isEnabled() and window.context.store is None and window.current_target == "welcome"
