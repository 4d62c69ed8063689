"""Notes, tasks, entries and notifications are re-read on a schedule, or when forced."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._support import backend


def test_background_syncs_reread_collections_only_when_due(tmp_path: Path) -> None:
    with SandboxServer(records=60, seed=8) as server, Store.open(tmp_path / "w.sqlite") as store:
        client = backend(server)
        engine = SyncEngine(store, client, collections_interval=timedelta(hours=1))
        assert engine.sync().status.value == "synced"
        notes_before = len(store.notes.all())
        person = store.records.rows(store.records.query_ids("people"))[0]
        httpx.post(
            f"{server.api_url}/objects/people/records/{person.id}/notes",
            json={"title": "Written elsewhere", "content": "by a colleague"},
            headers={"Authorization": f"Bearer {server.admin_token}"},
        ).raise_for_status()
        engine.sync()
        assert len(store.notes.all()) == notes_before, "not due yet: notes are not re-read"
        engine.sync(force_collections=True)
        assert len(store.notes.all()) == notes_before + 1
        assert any(n.title == "Written elsewhere" for n in store.notes.for_record(person.id))
        client.close()
