"""The real MainWindow over a workspace file a dialect's first sync made, as the per-dialect window
tests open it: its own settings file, shown at 1280×800, closed with its store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator


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
