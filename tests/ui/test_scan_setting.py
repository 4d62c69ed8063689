"""Workspace ▸ Settings ▸ "Check the whole server every…": the cadence of full scans is the
user's to choose; it is kept in the settings and the running sync worker follows it at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QSpinBox

from crmdesk.context import AppContext
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.worker import DEFAULT_SCAN_INTERVAL, SyncController, scan_interval_from
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from tests.ui._modal import answer_modal


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=20, seed=4) as running:
        yield running


def test_the_chosen_cadence_is_kept_and_the_running_worker_follows_it(
    qtbot: Any, tmp_path: Path, server: SandboxServer, ui_context: Callable[..., AppContext],
) -> None:
    path = tmp_path / "ws.sqlite"
    with Store.open(path) as store:
        store.schema.set_meta("server_url", server.url)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = SyncController(path, lambda: open_backend("aria", server.url, server.admin_token,
                                                           allow_insecure_http=True),
                                interval_ms=3_600_000, scan_interval=scan_interval_from(settings))
    store = Store.open(path, create=False)
    window = MainWindow(ui_context(store, navigator=Navigator(), settings=settings, sync=controller))
    qtbot.addWidget(window)
    finished: list[Any] = []
    controller.worker.finished.connect(finished.append)
    try:
        controller.start()
        qtbot.waitUntil(lambda: len(finished) == 1, timeout=30_000)
        engine = controller.worker._engine
        assert engine is not None and engine.scan_interval == DEFAULT_SCAN_INTERVAL
        offered: list[int] = []

        def answer_five(dialog: QInputDialog) -> None:
            offered.append(dialog.intValue())
            spin = dialog.findChild(QSpinBox)
            assert spin is not None
            spin.selectAll()
            qtbot.keyClicks(spin, "5")
            qtbot.keyClick(spin, Qt.Key.Key_Return)

        answer_modal(qtbot, answer_five, QInputDialog)
        window.scan_interval_action.trigger()  # the menu item, as the user chooses it
        assert offered == [DEFAULT_SCAN_INTERVAL.total_seconds() // 60]  # offers the current
        qtbot.waitUntil(lambda: engine.scan_interval == timedelta(minutes=5))
        assert engine.collections_interval == timedelta(minutes=5)
        assert scan_interval_from(settings) == timedelta(minutes=5)  # the next start reads it
        assert window.scan_interval_action.text() == "Check the whole server every…"
    finally:
        assert controller.stop()
        store.close()
