"""The Connect dialog from the keyboard, against the sandbox: Return tests the connection (and,
once a test passed, connects), focus stays in the field it was in, a failed test keeps what was
typed, an address typed without a scheme is tried as https, and the answer names the workspace
the token opens."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from crmdesk.sandbox.server import SandboxServer
from crmdesk.ui.main_window import MainWindow
from crmdesk.workspaces import known_workspaces
from tests.ui._connect import open_dialog, wait_idle, window_fixtures

pytestmark = pytest.mark.sandbox(records=10, seed=21)
memory_keyring, window = window_fixtures()


def test_return_in_the_token_field_tests_and_keeps_focus_and_text(
    window: MainWindow, qtbot: Any, server: SandboxServer
) -> None:
    dialog = open_dialog(window, qtbot)
    token = dialog.secrets["token"]
    qtbot.keyClicks(dialog.url, server.url)
    qtbot.keyClicks(token, "oc_sk_wrong")
    token.setFocus()
    qtbot.keyClick(token, Qt.Key.Key_Return)
    assert dialog.status.text() == "Testing the connection…"  # a test, not a connect
    wait_idle(dialog, qtbot)
    assert "did not accept these credentials" in dialog.status.text()
    # Nothing typed is lost, and the next key goes where the user was typing.
    assert (dialog.url.text(), token.text()) == (server.url, "oc_sk_wrong")
    assert dialog.focusWidget() is token
    assert dialog.isVisible() and known_workspaces(window.context.paths) == []
    # The user corrects the token where the cursor is and presses Return again.
    token.selectAll()
    qtbot.keyClicks(token, server.admin_token)
    qtbot.keyClick(token, Qt.Key.Key_Return)
    wait_idle(dialog, qtbot)
    assert dialog.status.text().startswith("This token opens the workspace “")
    assert known_workspaces(window.context.paths) == []  # only tested
    assert dialog.focusWidget() is token
    # A test passed: now Return connects.
    qtbot.keyClick(token, Qt.Key.Key_Return)
    wait_idle(dialog, qtbot)
    [db_path] = known_workspaces(window.context.paths)
    assert dialog.connected_path == db_path


def test_return_in_the_address_field_tests_too(window: MainWindow, qtbot: Any, server: SandboxServer) -> None:
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.secrets["token"], server.admin_token)
    qtbot.keyClicks(dialog.url, server.url)
    dialog.url.setFocus()
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    wait_idle(dialog, qtbot)
    assert dialog.status.text().startswith("This token opens the workspace “")
    assert dialog.focusWidget() is dialog.url
    # Editing the form again means Return tests again (the passed test was for other values).
    qtbot.keyClicks(dialog.url, "/")
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    assert dialog.status.text() == "Testing the connection…"
    wait_idle(dialog, qtbot)
    assert known_workspaces(window.context.paths) == []


# Nothing listens there on purpose: the transport's warnings as it asks again are expected.
@pytest.mark.allow_log_warnings(r"failed \(Could not reach 127\.0\.0\.1: .*\), attempt \d+ of \d+; retrying in ")
def test_an_address_without_a_scheme_is_tried_as_https(window: MainWindow, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.url, "127.0.0.1:9")
    qtbot.keyClicks(dialog.secrets["token"], "oc_sk_whatever")
    qtbot.keyClick(dialog.secrets["token"], Qt.Key.Key_Return)
    assert dialog.url.text() == "https://127.0.0.1:9"  # what is tried is shown
    wait_idle(dialog, qtbot)
    assert dialog.status.text().startswith("Could not reach the server")
    assert dialog.secrets["token"].text() == "oc_sk_whatever"
