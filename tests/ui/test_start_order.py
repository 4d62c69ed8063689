"""Issue 19: at start the window paints its first view before anything it does not need runs.
The keyring is read, and the sync worker started, only after the table has painted; the sync
still starts, and the palette finds records when opened before either."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backend
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.app import open_window
from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.secrets import SERVICE, TokenStore
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.widgets.search_palette import SearchPalette
from crmdesk.ui.workspace_switcher import close_workspace, open_start_workspace
from crmdesk.workspaces import remember_last_workspace

# The offscreen platform cannot raise a window or grab the keyboard for a popup; says so each time.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


class WatchedKeyring(keyring.backend.KeyringBackend):
    """A keyring (the real API, kept in memory) that notes, when asked, whether the window it
    was given had painted by then, and how many table rows it showed."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.window: MainWindow | None = None
        #: (the window had painted, rows in its table) at each look-up; from the look-up's thread.
        self.asked: list[tuple[bool, int]] = []
        self.lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        window = self.window
        seen = (window is not None and window.first_painted_at is not None, _table_rows(window))
        with self.lock:
            self.asked.append(seen)
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def _table_rows(window: MainWindow | None) -> int:
    view = window.views.get("object:people") if window is not None else None
    return view.table.model.rowCount() if isinstance(view, ObjectView) and view.table is not None else 0


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=60, seed=3) as running:
        yield running


Started = Callable[[], tuple[AppContext, MainWindow, WatchedKeyring]]


@pytest.fixture
def start(qtbot, tmp_path: Path, server: SandboxServer) -> Iterator[Started]:  # type: ignore[no-untyped-def]
    """``start()``: the app's start on a synced workspace whose token is in the keyring: the
    workspace opened without its sync, then ``open_window``; it returns before any event runs."""
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    db_path = paths.workspace_db("w1")
    with Store.open(db_path) as store:
        backend = open_backend("aria", server.url, server.admin_token)
        SyncEngine(store, backend).sync()
        backend.close()
        with store.write():
            store.schema.set_meta("dialect", "aria")
            store.schema.set_meta("server_url", server.url)
    remember_last_workspace(paths, "w1")
    ring = WatchedKeyring()
    ring.set_password(SERVICE, "w1", server.admin_token)
    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                         tokens=TokenStore(ring, environ={}))
    windows: list[MainWindow] = []

    def started() -> tuple[AppContext, MainWindow, WatchedKeyring]:
        reopened = open_start_workspace(context, with_sync=False).path
        assert reopened == db_path and context.sync is None
        window = open_window(context, "object:people", reopened)
        ring.window = window
        windows.append(window)
        return context, window, ring

    try:
        yield started
    finally:
        for window in windows:
            window.finish_background_work()
            window.close()
            window.deleteLater()
        close_workspace(context)


def test_the_table_paints_before_the_keyring_is_read_and_the_sync_then_starts(qtbot, start: Started) -> None:  # type: ignore[no-untyped-def]
    context, window, ring = start()
    # Shown, not yet painted: nothing of the sync has begun, and the status bar already says so.
    assert window.first_painted_at is None
    assert window._startup_background is None and ring.asked == [] and context.sync is None
    assert window.sync_status.status == "connecting"
    rows = _table_rows(window)
    assert rows > 0  # the first view is built with its rows before the first paint

    with qtbot.waitSignal(window.token_looked_up, timeout=20_000):
        pass
    # The keyring was asked once, after the window (its table with the rows) had painted.
    assert ring.asked == [(True, rows)]
    assert context.sync is not None
    qtbot.waitUntil(lambda: window.sync_status.status == "synced", timeout=30_000)


def test_the_palette_finds_records_when_opened_before_the_first_paint(qtbot, start: Started) -> None:  # type: ignore[no-untyped-def]
    context, window, _ring = start()
    first = window.views["object:people"].table.model.record_at(0)
    assert first is not None and first.title
    name = first.title
    window.component_actions["crmdesk.ui.widgets.search_palette:SearchPalette"].trigger()
    palette = window._components["crmdesk.ui.widgets.search_palette:SearchPalette"]
    assert isinstance(palette, SearchPalette) and context.sync is None
    qtbot.keyClicks(palette.field, name)
    qtbot.waitUntil(lambda: palette.model.query == name, timeout=5_000)
    shown = [palette.model.index(r).data() for r in range(palette.model.rowCount())]
    assert name in shown


def test_work_put_off_runs_once_after_the_first_paint_in_order(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context)
    qtbot.addWidget(window)
    ran: list[tuple[str, bool]] = []
    window.after_first_paint(lambda: ran.append(("first", window.first_painted_at is not None)))
    window.after_first_paint(lambda: ran.append(("second", window.first_painted_at is not None)))
    window.show()
    assert ran == []
    qtbot.waitUntil(lambda: len(ran) == 2, timeout=5_000)
    assert ran == [("first", True), ("second", True)]
    # Once painted, more work runs from the event loop, not inside the call.
    window.after_first_paint(lambda: ran.append(("later", True)))
    assert len(ran) == 2
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=5_000)
