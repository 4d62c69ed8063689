"""The Connect dialog against the sandbox, with an in-memory keyring: wrong token, plain
http refused, a good token connects — and the token lands in no file and no setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from crmdesk.remote.dialects import dialect_names
from crmdesk.sandbox.server import SandboxServer
from crmdesk.secrets import SERVICE
from crmdesk.ui.dialogs.connect_dialog import ConnectDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.workspaces import known_workspaces
from tests.memory_keyring import MemoryKeyring
from tests.ui._connect import open_dialog, wait_idle, window_fixtures

pytestmark = pytest.mark.sandbox(records=10, seed=21)
memory_keyring, window = window_fixtures()


def _fill(dialog: ConnectDialog, qtbot: Any, url: str, token: str) -> None:
    dialog.url.clear()
    dialog.secrets["token"].clear()
    qtbot.keyClicks(dialog.url, url)
    qtbot.keyClicks(dialog.secrets["token"], token)


def _tab_order(start: QWidget, count: int) -> list[QWidget]:
    """The widgets Tab reaches from ``start`` (labels and other widgets Tab skips left out)."""
    order = [start]
    widget = start
    while len(order) < count:
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(widget)
    return order


def test_the_form(window: MainWindow, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    assert [dialog.dialect.itemData(i) for i in range(dialog.dialect.count())] == list(dialect_names())
    assert list(dialog.secrets) == ["token"]
    assert dialog.secrets["token"].echoMode() == QLineEdit.EchoMode.Password
    # Tab goes as the form reads: type, address, token, the http box (the rows are built later).
    assert _tab_order(dialog.dialect, 4) == [dialog.dialect, dialog.url, dialog.secrets["token"], dialog.insecure]
    assert not dialog.insecure.isChecked()
    assert "keyring" in dialog.keyring_note.text()
    assert window.current_target == "welcome"  # no workspace yet: the welcome screen


def test_an_api_address_picks_its_server_type_and_typed_credentials_stay(window: MainWindow, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.secrets["token"], "bos_crm_typed")
    qtbot.keyClicks(dialog.url, "https://crm.example.com/api")
    assert dialog.dialect.currentData() == "atomic"
    assert dialog.secrets["token"].text() == "bos_crm_typed"  # the field was rebuilt, the text kept
    assert dialog.secrets["token"].placeholderText() == "bos_crm_…"
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, "https://crm.example.com/api/v1")
    assert dialog.dialect.currentData() == "aria"
    # An address that tells nothing leaves the user's choice alone.
    dialog.dialect.setCurrentIndex(dialog.dialect.findData("atomic"))
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, "https://crm.example.com")
    assert dialog.dialect.currentData() == "atomic"


def test_a_wrong_token_shows_the_servers_401_message(window: MainWindow, qtbot: Any, server: SandboxServer) -> None:
    dialog = open_dialog(window, qtbot)
    _fill(dialog, qtbot, server.url, "oc_sk_wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.test_button.isEnabled()  # the GUI thread did not wait for the answer
    wait_idle(dialog, qtbot)
    assert "did not accept these credentials" in dialog.status.text()
    assert "Authentication required" in dialog.status.text()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    assert "Authentication required" in dialog.status.text()
    assert known_workspaces(window.context.paths) == []


def test_plain_http_to_another_host_is_refused(window: MainWindow, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    _fill(dialog, qtbot, "http://crm.example.com", "oc_sk_whatever")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    assert "Refusing plain http:// to crm.example.com" in dialog.status.text()


# Nothing listens there on purpose: the transport's warnings as it asks again are expected.
@pytest.mark.allow_log_warnings(r"failed \(Could not reach 127\.0\.0\.1: .*\), attempt \d+ of \d+; retrying in ")
def test_an_unreachable_server_says_so(window: MainWindow, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    _fill(dialog, qtbot, "http://127.0.0.1:9", "oc_sk_whatever")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    assert dialog.status.text().startswith("Could not reach the server")


def test_a_good_token_connects_and_is_kept_only_in_the_keyring(
    window: MainWindow, qtbot: Any, server: SandboxServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = open_dialog(window, qtbot)
    _fill(dialog, qtbot, server.url, server.admin_token)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    assert dialog.status.text().startswith("This token opens the workspace")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    [db_path] = known_workspaces(window.context.paths)
    assert dialog.connected_path == db_path
    assert list(memory_keyring.passwords) == [(SERVICE, db_path.stem)]
    assert window.context.store is not None and window.context.store.path == db_path
    assert window.context.sync is not None
    assert window.current_target == "home"
    # The first sync fills the new workspace.
    qtbot.waitUntil(lambda: window.context.store is not None and window.context.store.records.count("people") > 0,
                    timeout=20000)
    window.close()  # saves the window state, so QSettings has been written
    token = server.admin_token.encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token not in path.read_bytes(), path


def test_sign_out_counts_unsynced_edits_and_forgets_the_token(
    window: MainWindow, qtbot: Any, server: SandboxServer, memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    dialog = open_dialog(window, qtbot)
    _fill(dialog, qtbot, server.url, server.admin_token)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    store, sync = window.context.store, window.context.sync
    assert store is not None and sync is not None
    qtbot.waitUntil(lambda: store.records.count("people") > 0, timeout=20000)
    sync.stop()  # keep the edit below queued: no sync may send it
    store.schema.invalidate()  # the worker wrote the schema through its own connection
    person = store.records.rows(store.records.query_ids("people")[:1])[0]
    store.edits.update_record(person.id, {"job_title": "Unsent"})
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.sign_out_action.trigger()
    assert "1 edit has not reached the server" in asked[0]
    assert window.context.store is store and memory_keyring.passwords  # cancelled: nothing changed
    window.sign_out_action.trigger()
    assert window.context.store is None and window.context.sync is None
    assert memory_keyring.passwords == {}
    assert window.current_target == "welcome"
