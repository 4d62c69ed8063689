"""Marking a notification read sticks: the server hears it, and a pull before that cannot undo it."""

from __future__ import annotations

from pathlib import Path

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.pull import Puller

from ._support import backend, sync


def test_read_here_is_read_on_the_server_and_never_unread_by_a_pull(tmp_path: Path) -> None:
    with SandboxServer(records=40, seed=14) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        unread = [n for n in store.notifications.all() if not n.read]
        assert len(unread) >= 2
        first, second = unread[0], unread[1]
        assert len(store.edits.mark_notifications_read([first.id])) == 1
        assert store.edits.mark_notifications_read([first.id]) == []  # already read: nothing queued

        # A pull alone (push skipped: nothing sent yet) must not bring it back as unread.
        client = backend(server)
        engine = SyncEngine(store, client)
        Puller(store, client, engine.capabilities).pull_notifications()
        assert {n.id: n.read for n in store.notifications.all()}[first.id] is True

        report = engine.sync(force_collections=True)
        client.close()
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        by_id = {n.id: n.read for n in store.notifications.all()}
        assert by_id[first.id] is True and by_id[second.id] is False
        on_server = server.core.db.one(  # type: ignore[union-attr]
            "SELECT is_read FROM notifications WHERE id = ?", (first.id,)
        )
        assert on_server["is_read"] == 1
