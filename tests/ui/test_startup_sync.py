"""On start the last workspace opens at once; its sync is attached after the first paint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.app import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.factory import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.workspace_switcher import close_workspace, open_start_workspace
from crmdesk.workspaces import remember_last_workspace


def test_the_sync_starts_after_the_window_with_the_token_from_the_environment(
    qtbot, tmp_path: Path, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    with SandboxServer(records=60, seed=3) as server:
        db_path = paths.workspace_db("w1")
        with Store.open(db_path) as store:
            backend = open_backend("aria", server.url, server.admin_token)
            SyncEngine(store, backend).sync()
            backend.close()
            with store.write():
                store.schema.set_meta("dialect", "aria")
                store.schema.set_meta("server_url", server.url)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        remember_last_workspace(paths, "w1")
        monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
        context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(), settings=settings)
        reopened = open_start_workspace(context, with_sync=False).path
        assert reopened == db_path and context.store is not None and context.sync is None
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.attach_sync_in_background(db_path)
        qtbot.waitUntil(lambda: context.sync is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.sync_status.status == "synced", timeout=20_000)
        qtbot.waitUntil(lambda: "last synced Today" in window.sync_status.last_sync.text(), timeout=5_000)
        close_workspace(context)
