"""Shared by the Connect dialog's tests: a main window over a fresh data folder whose tokens go
to an in-memory keyring (``window_fixtures``), the dialog opened as a user opens it, and the wait
for its check of the server to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.secrets import TokenStore
from crmdesk.ui.dialogs.connect_dialog import ConnectDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from tests.memory_keyring import MemoryKeyring


def window_fixtures() -> tuple[Any, Any]:
    """A test module's ``memory_keyring`` (the keyring, CRMDESK_TOKEN unset) and ``window`` (a
    main window over ``tmp_path / "data"``, its tokens in that keyring) fixtures:

        memory_keyring, window = window_fixtures()
    """

    @pytest.fixture
    def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
        monkeypatch.delenv("CRMDESK_TOKEN", raising=False)
        previous = keyring.get_keyring()
        backend = MemoryKeyring()
        keyring.set_keyring(backend)
        try:
            yield backend
        finally:
            keyring.set_keyring(previous)

    @pytest.fixture
    def window(qtbot: Any, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[MainWindow]:
        data = tmp_path / "data"
        paths = Paths.resolve(data)
        paths.ensure()
        settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
        context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(), settings=settings,
                             tokens=TokenStore(memory_keyring, environ={}))
        main = MainWindow(context)
        qtbot.addWidget(main)
        yield main
        main.switch_workspace(None)  # stops the sync thread

    return memory_keyring, window


def open_dialog(window: MainWindow, qtbot: Any) -> ConnectDialog:
    dialog = ConnectDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    return dialog


def wait_idle(dialog: ConnectDialog, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not dialog.background.busy(), timeout=15000)
