"""The Conflicts dialog against real conflicts: the same field edited here and by another
client on the sandbox, and a record edited here while another client deleted it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crmdesk.context import AppContext
from crmdesk.model import MutationOp, is_local_id
from crmdesk.paths import Paths
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.apply import DELETED_FIELD
from crmdesk.ui.dialogs.conflicts_dialog import ConflictsDialog

THEIRS = "<b>Theirs</b><img src=http://example.invalid/x.png>"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A server per test: each test makes its own conflicts on it (a shared one made a test's
    edit a no-op when another test had already written the same value)."""
    with SandboxServer(records=12, seed=9) as running:
        yield running


def _sync(store: Store, server: SandboxServer) -> None:
    backend = connect_aria(server.url, server.admin_token)
    try:
        assert SyncEngine(store, backend).sync().status.value == "synced"
    finally:
        backend.close()


def _other_client(server: SandboxServer, action: str, record_id: str, **values: Any) -> None:
    backend = connect_aria(server.url, server.admin_token)
    try:
        if action == "update":
            backend.update_record("people", record_id, values)
        else:
            backend.delete_record("people", record_id)
    finally:
        backend.close()


@pytest.fixture
def store(server_synced_store: Store) -> Store:
    return server_synced_store


def _field_conflict(store: Store, server: SandboxServer, index: int = 0) -> str:
    person = store.records.rows(store.records.query_ids("people"))[index]
    store.edits.update_record(person.id, {"job_title": "Mine <i>here</i>"})
    _other_client(server, "update", person.id, job_title=THEIRS)
    _sync(store, server)
    assert [c.field for c in store.conflicts.all()] == ["job_title"]
    return person.id


def _dialog(qtbot: Any, tmp_path: Path, store: Store) -> ConflictsDialog:
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store)
    dialog = ConflictsDialog(context)
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    return dialog


def test_shows_base_mine_and_theirs_as_plain_text(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    record_id = _field_conflict(store, server)
    dialog = _dialog(qtbot, tmp_path, store)
    assert dialog.list.count() == 1
    assert "Job Title" in dialog.list.item(0).text()
    assert dialog.mine_value.text() == "Mine <i>here</i>"
    assert dialog.theirs_value.text() == THEIRS
    assert dialog.theirs_value.textFormat() == Qt.TextFormat.PlainText
    assert dialog.base_value.text() not in ("", THEIRS)
    assert dialog.keep_mine_button.isVisible() and not dialog.recreate_button.isVisible()
    assert record_id in [c.target_id for c in store.conflicts.all()]


def test_keep_mine_queues_my_value_against_theirs_and_the_server_gets_it(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    record_id = _field_conflict(store, server, 1)
    dialog = _dialog(qtbot, tmp_path, store)
    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    assert store.conflicts.count() == 0
    [queued] = store.outbox.all()
    assert queued.changes == {"job_title": "Mine <i>here</i>"} and queued.base == {"job_title": THEIRS}
    assert dialog.list.count() == 0 and dialog.empty.isVisible()
    _sync(store, server)
    assert server.core is not None
    assert server.core.records.get("people", record_id).values["job_title"] == "Mine <i>here</i>"
    assert store.conflicts.count() == 0 and store.outbox.count() == 0


def test_take_theirs_sets_the_local_value_without_queuing(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    record_id = _field_conflict(store, server, 2)
    dialog = _dialog(qtbot, tmp_path, store)
    qtbot.mouseClick(dialog.take_theirs_button, Qt.MouseButton.LeftButton)
    assert store.conflicts.count() == 0 and store.outbox.count() == 0
    assert store.records.get(record_id).values["job_title"] == THEIRS


def test_a_typed_merge_is_validated_and_queued(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    record_id = _field_conflict(store, server, 3)
    dialog = _dialog(qtbot, tmp_path, store)
    dialog.merge_edit.clear()
    qtbot.keyClicks(dialog.merge_edit, "Mine and theirs")
    qtbot.keyClick(dialog.merge_edit, Qt.Key.Key_Return)
    assert store.conflicts.count() == 0
    [queued] = store.outbox.all()
    assert queued.changes == {"job_title": "Mine and theirs"}
    assert store.records.get(record_id).values["job_title"] == "Mine and theirs"


def test_an_invalid_merge_is_refused_with_the_message(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    person = store.records.rows(store.records.query_ids("people"))[4]
    store.edits.update_record(person.id, {"email_addresses": ["mine@example.com"]})
    _other_client(server, "update", person.id, email_addresses=["theirs@example.com"])
    _sync(store, server)
    dialog = _dialog(qtbot, tmp_path, store)
    dialog.merge_edit.setText("no at sign")
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "Email" in dialog.error.text()
    assert store.conflicts.count() == 1 and store.outbox.count() == 0


def test_deleted_on_the_server_can_be_recreated(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer
) -> None:
    person = store.records.rows(store.records.query_ids("people"))[5]
    store.edits.update_record(person.id, {"job_title": "Still here"})
    _other_client(server, "delete", person.id)
    _sync(store, server)
    [conflict] = store.conflicts.all()
    assert conflict.field == DELETED_FIELD
    dialog = _dialog(qtbot, tmp_path, store)
    assert dialog.recreate_button.isVisible() and not dialog.keep_mine_button.isVisible()
    assert "Still here" in dialog.mine_value.text()
    qtbot.mouseClick(dialog.recreate_button, Qt.MouseButton.LeftButton)
    [create] = store.outbox.all()
    assert create.op is MutationOp.CREATE and is_local_id(create.target_id)
    assert create.changes["job_title"] == "Still here"
    assert store.records.get(person.id) is None and store.conflicts.count() == 0
    _sync(store, server)
    assert store.outbox.count() == 0
    assert server.core is not None
    assert any(r.values.get("job_title") == "Still here" for r in server.core.records.all("people"))


def test_deleted_on_the_server_can_be_let_go(
    qtbot: Any, tmp_path: Path, store: Store, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = store.records.rows(store.records.query_ids("people"))[6]
    store.edits.update_record(person.id, {"job_title": "Doomed"})
    _other_client(server, "delete", person.id)
    _sync(store, server)
    dialog = _dialog(qtbot, tmp_path, store)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.let_go_button, Qt.MouseButton.LeftButton)
    assert store.records.get(person.id) is None
    assert store.conflicts.count() == 0 and store.outbox.count() == 0
