"""A server that changes a status but does not keep its outcome (the read-back after the PATCH
finds it open): the statuses dialog says so and shows the outcome the server kept, not the
admin's pick. The sandbox over loopback, with the outcome flags taken out of the PATCH on the
way (as tests/remote/test_aria_status_outcome.py does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria import connect_aria
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.worker import SyncController
from crmdesk.ui.admin.options_dialog import IdRole, OptionsDialog
from tests.remote.test_aria_status_outcome import DropsStatusFlags
from tests.ui.test_admin_schema import Env, stop_env, wait_for


@pytest.fixture
def dropping(qtbot: Any, tmp_path: Path) -> Iterator[tuple[Env, list[object]]]:
    """A synced workspace whose admin calls go through a server that drops the outcome flags;
    the sync reads as usual."""
    server = SandboxServer(records=8, seed=5).start()
    db_path = tmp_path / "w.sqlite"
    store = Store.open(db_path)
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        SyncEngine(store, backend).sync()
    finally:
        backend.close()
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store,
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                         backend_factory=lambda: connect_aria(server.url, server.admin_token,
                                                              http_transport=DropsStatusFlags()))
    context.sync = SyncController(db_path, lambda: open_backend("aria", server.url, server.admin_token),
                                  interval_ms=3_600_000)
    env, rounds = Env(server, context), []
    # Each sync round's report, appended on the sync's thread (a list append is safe there).
    context.sync.worker.finished.connect(rounds.append)
    context.sync.start()
    wait_for(qtbot, lambda: rounds)
    yield env, rounds
    stop_env(env)


def test_an_outcome_the_server_did_not_keep_is_not_shown(
    qtbot: Any, dropping: tuple[Env, list[object]]
) -> None:
    env, rounds = dropping
    dialog = OptionsDialog(env.context, "deals", "stage")
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    wait_for(qtbot, lambda: dialog.editable)
    row = next(r for r in range(dialog.list.count())
               if dialog.list.item(r).text().startswith("Proposal  ·"))
    dialog.list.setCurrentRow(row)
    proposal_id = dialog.list.item(row).data(IdRole)
    assert dialog.outcome.currentText() == "Open"
    dialog.outcome.setFocus()
    rounds.clear()
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)  # Open → Won, sent at once
    wait_for(qtbot, lambda: "did not keep “Proposal” as won" in dialog.status_line.text())
    # The server kept it open: so does the dialog, for the same status.
    assert dialog.current_id() == proposal_id
    assert dialog.outcome.currentText() == "Open"
    # The refusal pulled the schema again: a sync round follows it, and the status stays open.
    wait_for(qtbot, lambda: rounds)
    assert dialog.current_id() == proposal_id and dialog.outcome.currentText() == "Open"
    assert not dialog.list.currentItem().text().endswith("·  won")
