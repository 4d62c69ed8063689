"""An admin dialog opened while the server cannot be reached shows what the server can do as the
workspace file keeps it (the last sync's probe), not "checking…", and keeps showing it once the
probe fails: only the changes themselves are off. Real sandbox, then the server stopped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria import ARIA_DEFAULTS
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.remote.capabilities_json import capabilities_from_json, capabilities_to_json
from crmdesk.remote.dialects import open_backend
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.admin.access import CHECKING
from crmdesk.ui.admin.attributes_dialog import AttributesDialog
from crmdesk.ui.admin.common import OFFLINE
from crmdesk.ui.admin.options_dialog import OptionsDialog


@dataclass
class Offline:
    context: AppContext
    store: Store


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[Offline]:
    """A workspace synced by an admin, whose server has gone away since."""
    server = SandboxServer(records=12, seed=21).start()
    url, token = server.url, server.admin_token
    store = Store.open(tmp_path / "w.sqlite")
    try:
        backend = open_backend("aria", url, token)
        try:
            assert SyncEngine(store, backend).sync().status.value == "synced"
        finally:
            backend.close()
    finally:
        server.stop()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    # The server is stopped: one try per request, so a probe fails at once (no transport waits).
    once = {"retry": RetryPolicy(max_attempts=1)}
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, settings=settings,
                         backend_factory=lambda: connect_aria(url, token, config=once))
    yield Offline(context, store)
    # The dialogs' probes end (offline) before the store closes.
    assert QThreadPool.globalInstance().waitForDone(60_000)
    store.close()


def keep(store: Store, **changes: Any) -> None:
    """The kept capabilities with ``changes``: what a server that has them would have said."""
    kept = capabilities_from_json(store.schema.capabilities_json(), ARIA_DEFAULTS)
    with store.write():
        store.schema.set_capabilities_json(capabilities_to_json(replace(kept, **changes)))


def test_aria_as_last_probed_before_and_after_the_probe_fails(qtbot: Any, offline: Offline) -> None:
    dialog = OptionsDialog(offline.context, "deals", "stage")
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    # Before any answer: the admin the last sync found, and what this server cannot store.
    assert dialog.read_only_line.text() != f"Read-only: {CHECKING}"
    assert dialog.editable and dialog.add_button.isEnabled()
    assert dialog.note.text().startswith("Order is kept on this computer.")
    assert not dialog.active.isEnabled() and "cannot deactivate a select option" in dialog.active.toolTip()
    assert "a status is open or closed by its outcome" in dialog.active.toolTip()
    qtbot.waitUntil(lambda: dialog.read_only_line.text() == f"Read-only: {OFFLINE}", timeout=60_000)
    assert not dialog.editable and not dialog.add_button.isEnabled()
    # The order is this computer's: moving it needs no server.
    assert dialog.up_button.isEnabled() and dialog.note.text().startswith("Order is kept on this computer.")


def test_a_server_that_stores_order_and_active_flags_is_shown_so_offline(qtbot: Any, offline: Offline) -> None:
    keep(offline.store, option_order_writable=True, option_active_writable=True, attribute_order_writable=True)
    dialog = OptionsDialog(offline.context, "deals", "stage")
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    dialog.list.setCurrentRow(0)
    # Nothing kept on this computer, and won and lost are the server's too: no note.
    assert dialog.note.text() == "" and dialog.outcome.isEnabled()
    assert dialog.active.isEnabled() and dialog.active.toolTip() == ""
    assert dialog.up_button.isEnabled()
    attributes = AttributesDialog(offline.context, "deals")
    qtbot.addWidget(attributes)
    attributes.open_for_user()
    assert attributes.order_note.text() == "Drag to reorder."
    qtbot.waitUntil(lambda: dialog.read_only_line.text() == f"Read-only: {OFFLINE}", timeout=60_000)
    qtbot.waitUntil(lambda: attributes.read_only_line.text() == f"Read-only: {OFFLINE}", timeout=60_000)
    # Offline the server's order and flags cannot be written; they are still the server's.
    assert not dialog.up_button.isEnabled() and not dialog.active.isEnabled() and not dialog.outcome.isEnabled()
    assert dialog.note.text() == ""
    assert attributes.order_note.text() == "Drag to reorder."
    stage = offline.store.schema.get_object("deals").attribute("stage")
    assert [o.id for o in dialog.ordered()] == [o.id for o in sorted(stage.options, key=lambda o: o.order)]
