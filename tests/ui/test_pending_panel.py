"""The Pending changes panel, driven like a user: Retry, Discard (asks first), Edit and
changing a refused value inline — against a store filled by the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crmdesk.context import AppContext
from crmdesk.model import MutationState
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.sync import SyncEngine
from crmdesk.sync.worker import SyncController
from crmdesk.ui.models.pending_model import COL_MESSAGE, COL_WHAT, PendingModel
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.pending_panel import PendingPanel

HTML = "<b>Job title</b> is <img src=http://x/y.png> not allowed"


pytestmark = pytest.mark.sandbox(records=12, seed=5)


def _sync(store: Store, server: SandboxServer) -> str:
    backend = connect_aria(server.url, server.admin_token)
    try:
        return SyncEngine(store, backend).sync().status.value
    finally:
        backend.close()


@pytest.fixture
def store(server_synced_store: Store) -> Store:
    return server_synced_store


@pytest.fixture
def panel(qtbot: Any, store: Store, ui_context: Callable[..., AppContext]) -> PendingPanel:
    context = ui_context(store, navigator=Navigator(), undo_stack=None)
    widget = PendingPanel(context)
    qtbot.addWidget(widget)
    widget.open_for_user()
    return widget


def _person(store: Store) -> Any:
    return store.records.rows(store.records.query_ids("people")[:1])[0]


def _reject_edit(store: Store, record_id: str, changes: dict[str, Any], message: str = HTML) -> int:
    mutation = store.edits.update_record(record_id, changes)
    assert mutation is not None and mutation.op_id is not None
    with store.write():
        store.outbox.set_state(mutation.op_id, MutationState.REJECTED, message)
    return mutation.op_id


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_model_passes_qtmodeltester(qtmodeltester: Any, store: Store) -> None:
    person = _person(store)
    _reject_edit(store, person.id, {"job_title": "Chief <i>Everything</i>"})
    store.edits.update_record(person.id, {"description": "queued"})
    model = PendingModel(store)
    model.refresh()
    assert model.rowCount() == 2
    qtmodeltester.check(model, force_py=True)


def test_rejected_edit_is_described_with_the_servers_message_as_plain_text(panel: PendingPanel, store: Store) -> None:
    person = _person(store)
    _reject_edit(store, person.id, {"job_title": "Boss"})
    panel.content.refresh()
    model = panel.content.model
    assert model.rowCount() == 1
    assert model.index(0, COL_WHAT).data() == f"Edit Job Title of {person.title}"
    assert model.index(0, COL_MESSAGE).data() == HTML
    assert "1 refused by the server" in panel.content.summary.text()
    panel.content.select_op(store.outbox.all()[0].op_id or 0)
    assert panel.content.detail.textFormat() == Qt.TextFormat.PlainText
    assert HTML in panel.content.detail.text()
    assert panel.content.retry_button.isEnabled()


def test_a_refused_edit_of_a_removed_object_still_shows_what_was_typed(panel: PendingPanel, store: Store) -> None:
    deal = store.records.rows(store.records.query_ids("deals")[:1])[0]
    _reject_edit(store, deal.id, {"name": "Renamed before the object went"}, "The object “deals” was removed")
    with store.write():  # as the sync does once the server confirms the object is gone
        for record_id in store.records.ids("deals"):
            store.records.delete(record_id)
        store.schema.delete_object("deals")
    panel.content.refresh()
    panel.content.select_op(store.outbox.all()[0].op_id or 0)
    shown = panel.content.detail.text()
    assert "a record of “deals”" in shown
    assert "You typed: name: Renamed before the object went" in shown
    assert "The object “deals” was removed" in shown


def test_retry_queues_again_and_the_next_sync_sends_it(
    panel: PendingPanel, store: Store, server: SandboxServer, qtbot: Any
) -> None:
    person = _person(store)
    op_id = _reject_edit(store, person.id, {"job_title": "Head of Retries"}, "temporarily refused")
    panel.content.refresh()
    panel.content.select_op(op_id)
    qtbot.mouseClick(panel.content.retry_button, Qt.MouseButton.LeftButton)
    mutation = store.outbox.get(op_id)
    assert mutation is not None and mutation.state is MutationState.PENDING
    assert "1 waiting to sync" in panel.content.summary.text()
    assert _sync(store, server) == "synced"
    assert server.core is not None
    assert server.core.records.get("people", person.id).values["job_title"] == "Head of Retries"
    panel.content.refresh()
    assert panel.content.model.rowCount() == 0
    assert panel.content.summary.text() == "All edits have reached the server."


def test_discard_asks_and_cancel_keeps_everything(
    panel: PendingPanel, store: Store, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    person = _person(store)
    op_id = _reject_edit(store, person.id, {"job_title": "Keep me"})
    panel.content.refresh()
    panel.content.select_op(op_id)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(panel.content.discard_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "Keep me" in asked[0] and "server's value" in asked[0]
    assert store.outbox.get(op_id) is not None
    assert store.records.get(person.id).values["job_title"] == "Keep me"


def test_discard_restores_the_server_value_without_queuing(
    panel: PendingPanel, store: Store, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    person = _person(store)
    before = person.values.get("job_title")
    op_id = _reject_edit(store, person.id, {"job_title": "Throw me away"})
    panel.content.refresh()
    panel.content.select_op(op_id)
    _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    qtbot.mouseClick(panel.content.discard_button, Qt.MouseButton.LeftButton)
    assert store.outbox.count() == 0  # gone, and no new mutation queued by the restore
    assert store.records.get(person.id).values.get("job_title") == before
    assert panel.content.model.rowCount() == 0


def test_discarding_an_offline_create_drops_the_record_and_its_later_edits(
    panel: PendingPanel, store: Store, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    created = store.edits.create_record("companies", {"name": "Offline Inc"})
    store.edits.update_record(created.target_id, {"description": "typed later"})
    panel.content.refresh()
    assert panel.content.model.index(0, COL_WHAT).data() == "Create Company Offline Inc"
    panel.content.select_op(created.op_id or 0)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    qtbot.mouseClick(panel.content.discard_button, Qt.MouseButton.LeftButton)
    assert "Offline Inc" in asked[0]
    assert store.records.get(created.target_id) is None
    assert store.outbox.count() == 0


def test_rejected_value_changed_inline_is_validated_then_queued(
    panel: PendingPanel, store: Store, qtbot: Any
) -> None:
    person = _person(store)
    op_id = _reject_edit(store, person.id, {"email_addresses": ["first@example.com"]}, "address bounced")
    panel.content.refresh()
    panel.content.select_op(op_id)
    editor = panel.content.editor
    assert editor.isVisible() and editor.value.text() == "first@example.com"
    editor.value.clear()
    qtbot.keyClicks(editor.value, "not an address")
    qtbot.mouseClick(editor.save, Qt.MouseButton.LeftButton)
    assert editor.error.isVisible() and "Email" in editor.error.text()
    mutation = store.outbox.get(op_id)
    assert mutation is not None and mutation.state is MutationState.REJECTED
    assert mutation.changes == {"email_addresses": ["first@example.com"]}
    editor.value.clear()
    qtbot.keyClicks(editor.value, "second@example.com")
    qtbot.keyClick(editor.value, Qt.Key.Key_Return)
    mutation = store.outbox.get(op_id)
    assert mutation is not None and mutation.state is MutationState.PENDING
    assert mutation.changes == {"email_addresses": ["second@example.com"]}
    assert store.records.get(person.id).values["email_addresses"] == ["second@example.com"]
    assert store.outbox.count() == 1


def test_edit_opens_the_record(panel: PendingPanel, store: Store, qtbot: Any) -> None:
    person = _person(store)
    op_id = _reject_edit(store, person.id, {"job_title": "Open me"})
    panel.content.refresh()
    panel.content.select_op(op_id)
    navigator = panel.content.context.navigator
    assert navigator is not None
    with qtbot.waitSignal(navigator.navigate_requested) as blocker:
        qtbot.mouseClick(panel.content.edit_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [f"record:{person.id}"]


def test_updates_live_when_the_worker_reports_a_change_to_the_outbox(
    panel: PendingPanel, store: Store, tmp_path: Path
) -> None:
    # A controller that is never started: its worker's notice is emitted by hand, as the worker
    # emits it when its connection commits a change to the outbox (a push after a local edit).
    controller = SyncController(store.path, lambda: None)  # type: ignore[arg-type, return-value]
    panel.content.context.sync = controller
    panel.content.connect_sync()
    assert panel.content.model.rowCount() == 0
    store.edits.update_record(_person(store).id, {"job_title": "Live"})
    controller.worker.changed.emit(ChangeSet(outbox=True))
    assert panel.content.model.rowCount() == 1
    assert "1 waiting to sync" in panel.content.summary.text()


def test_a_refused_value_cannot_be_queued_again_as_it_was(panel: PendingPanel, store: Store, qtbot: Any) -> None:
    """The value a select was refused for (two options on a server that keeps one) is refused
    again in the panel, with the reason, instead of being sent back to the same refusal."""
    company = store.records.rows(store.records.query_ids("companies")[:1])[0]
    categories = store.schema.get_object("companies").attribute("categories")  # type: ignore[union-attr]
    assert categories is not None
    first, second = categories.options[0], categories.options[1]
    op_id = _reject_edit(store, company.id, {"categories": [first.id]}, "refused")
    panel.content.refresh()
    panel.content.select_op(op_id)
    editor = panel.content.editor
    editor.value.clear()
    qtbot.keyClicks(editor.value, f"{first.title}, {second.title}")
    qtbot.keyClick(editor.value, Qt.Key.Key_Return)
    assert editor.error.isVisible() and "one option per select attribute" in editor.error.text()
    mutation = store.outbox.get(op_id)
    assert mutation is not None and mutation.state is MutationState.REJECTED
    assert mutation.changes == {"categories": [first.id]}
