"""The real MainWindow over a workspace file a dialect's first sync made, as the per-dialect window
tests open it: the first sync (``first_sync``), then the window with its own settings file, shown at
1280×800, closed with its store (``synced_window``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.workspaces import open_workspace_store


def first_sync(data_dir: Path, server: SandboxServer, dialect: str,
               credentials: Mapping[str, str] | None = None) -> Path:
    """The workspace file a user's first sync from ``server`` makes under ``data_dir`` (the sync
    must complete), signed in with ``credentials`` (default: the server's admin token string)."""
    backend = open_backend(dialect, server.url, credentials or server.admin_token)
    try:
        with open_workspace_store(Paths.resolve(data_dir), backend, dialect, server.url) as store:
            assert SyncEngine(store, backend).sync().complete
            return store.path
    finally:
        backend.close()


@contextmanager
def synced_window(qtbot: Any, data: Path, workspace: Path, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store.open(workspace)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(data), store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=settings)
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    qtbot.waitExposed(shown)
    try:
        yield shown
    finally:
        shown.close()
        store.close()
