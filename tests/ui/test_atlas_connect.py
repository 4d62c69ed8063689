"""The Connect dialog for an Atlas server (offscreen, against the atlas facade, an in-memory keyring):
its credentials as the dialect asks for them, the account id shown as optional and accepted empty,
and each credential kept in the keyring alone."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from crmdesk.sandbox.server import SandboxServer
from crmdesk.secrets import SERVICE
from crmdesk.ui.dialogs.connect_dialog import ConnectDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.workspaces import known_workspaces
from tests.atlas_support import ACCOUNT
from tests.memory_keyring import MemoryKeyring
from tests.ui._connect import open_dialog, wait_idle, window_fixtures

pytestmark = pytest.mark.sandbox(dialect="atlas", records=30, seed=4)
memory_keyring, window = window_fixtures()


def _dialog(window: MainWindow, qtbot: Any, server: SandboxServer, *, account: str = "") -> ConnectDialog:
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.url, server.api_url)  # …/api/1.0 gives the server type away
    client_id, _, secret = server.admin_token.partition(":")
    qtbot.keyClicks(dialog.secrets["client_id"], client_id)
    qtbot.keyClicks(dialog.secrets["client_secret"], secret)
    if account:
        qtbot.keyClicks(dialog.secrets["account_id"], account)
    return dialog


def _label(dialog: ConnectDialog, field: QLineEdit) -> str:
    label = dialog.form.labelForField(field)
    assert isinstance(label, QLabel)
    return label.text()


def test_the_atlas_form_asks_for_a_client_and_shows_the_account_id_as_optional(
        window: MainWindow, qtbot: Any, server: SandboxServer) -> None:
    dialog = _dialog(window, qtbot, server)
    assert dialog.dialect.currentData() == "atlas"
    assert list(dialog.secrets) == ["client_id", "client_secret", "account_id"]
    assert dialog.secrets["client_secret"].echoMode() == QLineEdit.EchoMode.Password
    assert dialog.secrets["client_id"].echoMode() == QLineEdit.EchoMode.Normal
    assert _label(dialog, dialog.secrets["account_id"]) == "Your Atlassian account id (optional)"
    assert _label(dialog, dialog.secrets["client_secret"]) == "Client secret"
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    assert dialog.status.text() == ("These credentials open the workspace “Atlas CRM on 127.0.0.1”. "
                                    "Press Connect to use it on this computer.")


def test_an_empty_account_id_connects_and_only_what_was_given_is_kept(
        window: MainWindow, qtbot: Any, server: SandboxServer, memory_keyring: MemoryKeyring) -> None:
    dialog = _dialog(window, qtbot, server)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    [db_path] = known_workspaces(window.context.paths)
    assert sorted(memory_keyring.passwords) == [(SERVICE, f"{db_path.stem}#client_id"),
                                               (SERVICE, f"{db_path.stem}#client_secret")]
    assert window.context.sync is not None  # the optional one missing is no reason to sign in again
    qtbot.waitUntil(lambda: window.context.store is not None and window.context.store.records.count("company") > 0,
                    timeout=20000)


def test_an_account_id_given_is_kept_beside_the_client(
        window: MainWindow, qtbot: Any, server: SandboxServer, memory_keyring: MemoryKeyring) -> None:
    dialog = _dialog(window, qtbot, server, account=ACCOUNT)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_idle(dialog, qtbot)
    [db_path] = known_workspaces(window.context.paths)
    assert memory_keyring.passwords[(SERVICE, f"{db_path.stem}#account_id")] == ACCOUNT
