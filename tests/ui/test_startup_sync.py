"""On start the last workspace opens at once; its sync is attached after the first paint, to that
workspace only."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

import keyring.backend
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.secrets import SERVICE, TokenStore
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.timeline_view import format_when
from crmdesk.ui.workspace_switcher import close_workspace, open_start_workspace
from crmdesk.workspaces import remember_last_workspace


def test_the_sync_starts_after_the_window_with_the_token_from_the_environment(
    qtbot, tmp_path: Path, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    with SandboxServer(records=60, seed=3) as server:
        db_path = paths.workspace_db("w1")
        with Store.open(db_path) as store:
            backend = open_backend("aria", server.url, server.admin_token)
            SyncEngine(store, backend).sync()
            backend.close()
            with store.write():
                store.schema.set_meta("dialect", "aria")
                store.schema.set_meta("server_url", server.url)
                # Long ago: the label shows it until the worker's own round replaces it.
                store.schema.set_meta("last_sync_at", "2020-01-01T12:00:00.000Z")
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        remember_last_workspace(paths, "w1")
        monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
        context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(), settings=settings)
        reopened = open_start_workspace(context, with_sync=False).path
        assert reopened == db_path and context.store is not None and context.sync is None
        store = context.store
        window = MainWindow(context)
        qtbot.addWidget(window)
        assert window.sync_status.last_sync.text() == "Last synced 1 Jan 2020"
        before = datetime.now().astimezone()
        window.attach_sync_in_background(db_path)
        qtbot.waitUntil(lambda: context.sync is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.sync_status.status == "synced", timeout=20_000)
        # The worker's round is the one shown: "Today hh:mm" — or "Yesterday 23:59" should the
        # label be written just after midnight (the label reads the real clock; the test lets it).
        qtbot.waitUntil(lambda: store.schema.get_meta("last_sync_at") != "2020-01-01T12:00:00.000Z", timeout=5_000)
        stamp = store.schema.get_meta("last_sync_at")
        qtbot.waitUntil(lambda: window.sync_status.last_sync.text() in {
            f"Last synced {format_when(stamp, now)}" for now in (before, datetime.now().astimezone())
        }, timeout=5_000)
        close_workspace(context)


class SlowKeyring(keyring.backend.KeyringBackend):
    """A keyring whose answer for one workspace waits until the test lets it go (a keyring
    prompting for its password, say)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, slow_id: str) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.slow_id = slow_id
        self.asked, self.answer = threading.Event(), threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        if username == self.slow_id:
            self.asked.set()
            assert self.answer.wait(20), "the test never let the keyring answer"
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def test_a_token_looked_up_for_one_workspace_never_reaches_another(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The user opens workspace B (no token) while the keyring still looks for A's token: when
    A's token arrives, no sync is built for B's server with it."""
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    for workspace, url in (("wa", "http://127.0.0.1:9/a"), ("wb", "http://127.0.0.1:9/b")):
        with Store.open(paths.workspace_db(workspace)) as store, store.write():
            store.schema.set_meta("dialect", "aria")
            store.schema.set_meta("server_url", url)
    ring = SlowKeyring("wa")
    ring.set_password(SERVICE, "wa", "oc_sk_" + "a" * 40)
    remember_last_workspace(paths, "wa")
    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                         tokens=TokenStore(ring, environ={}))
    try:
        assert open_start_workspace(context, with_sync=False).path == paths.workspace_db("wa")
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.attach_sync_in_background(paths.workspace_db("wa"))
        qtbot.waitUntil(ring.asked.is_set, timeout=10_000)

        window.switch_workspace(paths.workspace_db("wb"))
        assert context.store is not None and context.store.path == paths.workspace_db("wb")
        assert context.sync is None  # B has no token
        with qtbot.waitSignal(window.token_looked_up, timeout=10_000):
            ring.answer.set()

        assert context.store.path == paths.workspace_db("wb")
        assert context.backend_factory is None and context.sync is None
        assert window.sync_status.status == "auth_needed"  # B's own state, now that the look-up is over
    finally:
        ring.answer.set()
        close_workspace(context)


def _newer_workspace(tmp_path: Path) -> tuple[Paths, Path]:
    """The data directory under ``tmp_path`` and its workspace "newer", of the "hubspot" dialect
    this crmdesk does not speak (as if written by a newer crmdesk)."""
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    db_path = paths.workspace_db("newer")
    with Store.open(db_path) as store, store.write():
        store.schema.set_meta("dialect", "hubspot")  # written by a newer crmdesk
        store.schema.set_meta("server_url", "https://crm.example.com")
    return paths, db_path


def test_a_workspace_of_a_dialect_this_crmdesk_does_not_speak_opens_offline(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    from crmdesk.ui.workspace_switcher import credential_keys, open_workspace

    paths, db_path = _newer_workspace(tmp_path)
    context = AppContext(paths=paths, tokens=TokenStore(environ={"CRMDESK_TOKEN": "tok-1234567890"}))
    open_workspace(context, db_path)  # no exception: the cached data is the user's
    try:
        assert context.store is not None and context.sync is None and context.backend_factory is None
        assert "does not speak “hubspot” yet" in caplog.text
        # Signing out still forgets the token every dialect's files have used.
        assert credential_keys(context.store) == ("token",)
    finally:
        close_workspace(context)
    caplog.clear()


def test_the_status_bar_says_a_newer_crmdesk_made_the_workspace(qtbot, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    """Started on a workspace of a dialect this crmdesk does not speak: the window says so (not
    "Sign-in needed"), and the log has it once per opening, for the console too."""
    paths, db_path = _newer_workspace(tmp_path)
    remember_last_workspace(paths, "newer")
    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                         tokens=TokenStore(environ={"CRMDESK_TOKEN": "tok-1234567890"}))
    words = plain_tooltip("This workspace was made by a newer crmdesk that speaks “hubspot”; "
                          "it opens without syncing.")

    def told() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "does not speak “hubspot” yet" in r.getMessage()]

    try:
        assert open_start_workspace(context, with_sync=False).path == db_path
        assert told() == []  # nothing resolved the dialect before the first paint
        window = MainWindow(context)
        qtbot.addWidget(window)
        bar = window.sync_status
        with qtbot.waitSignal(window.token_looked_up, timeout=10_000):
            window.attach_sync_in_background(db_path)
        assert context.sync is None and context.backend_factory is None
        assert bar.status == "error" and bar.state_label.text() == "Sync problem"
        assert bar.state_label.toolTip() == words
        [record] = told()
        assert not getattr(record, "shown", False)  # the user never read it on the console

        # Opened again from the menu (the sync attached at once): the same words, told once more.
        window.switch_workspace(db_path)
        assert context.store is not None and context.sync is None
        assert bar.status == "error" and bar.state_label.toolTip() == words
        assert len(told()) == 2
    finally:
        close_workspace(context)
    caplog.clear()
