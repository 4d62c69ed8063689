"""Mentions that came while crmdesk was closed reach the desktop after the session's first sync:
what the workspace file held when the window opened is known, what that sync brings is new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.worker import SyncController

from ._navigation_window import open_window

pytestmark = [pytest.mark.sandbox(records=30, seed=11),
              pytest.mark.qt_log_ignore("This plugin does not support")]

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_a_mention_from_overnight_reaches_the_desktop_after_the_first_sync(
        qtbot: Any, server: SandboxServer, tmp_path: Path, sync_from: Callable[..., str]) -> None:
    path = tmp_path / "w.sqlite"
    with Store.open(path) as first:
        assert sync_from(first, server) == "synced"
        known = {n.title for n in first.notifications.all()}
        with first.write():
            first.settings.set_notify_server_notifications(True)
    assert server.core is not None
    admin = server.core.workspace.authenticate(server.admin_token)
    assert admin is not None
    # While crmdesk is closed, a colleague mentions the user.
    server.core.notifications.add(admin["user_id"], "mention", "Ada mentioned you overnight", "On Acme: call them")

    store = Store.open(path)
    try:
        with open_window(qtbot, store, tmp_path, now=NOW) as window:
            told: list[str] = []
            window.reminders.notifier.posted.connect(lambda title, _text, _shown: told.append(title))
            sync = SyncController(path, lambda: open_backend("aria", server.url, server.admin_token),
                                  interval_ms=3_600_000)
            window.context.sync = sync
            window.reminders.start()  # (as when the window opens a workspace: before its first sync)
            sync.worker.changed.connect(window.change_feed.add)
            sync.start()
            try:
                qtbot.waitUntil(lambda: "Ada mentioned you overnight" in told, timeout=30_000)
                # What the file held before is not told again.
                assert not known & set(told)
            finally:
                sync.stop()
    finally:
        store.close()
