"""What a sync round tells the views is what its commits changed, no more: a round that finds
nothing new names no record and neither the schema nor the members (each would make open views
re-read), and a server-side change names just that record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._support import backend


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=8) as running:
        yield running


def _engine(store: Store, server: SandboxServer) -> SyncEngine:
    # Collections on their slow cadence: this is about the records and the schema.
    return SyncEngine(store, backend(server), collections_interval=timedelta(hours=1))


def test_a_round_with_nothing_new_tells_nothing_and_a_change_names_its_record(
    tmp_path: Path, server: SandboxServer
) -> None:
    with Store.open(tmp_path / "ws.sqlite") as store:
        engine = _engine(store, server)
        try:
            first = engine.sync()
            assert first.status.value == "synced" and first.changes.schema and first.changes.members
            quiet = engine.sync()
            assert quiet.status.value == "synced"
            assert not (quiet.changes.schema or quiet.changes.members or quiet.changes.record_ids
                        or quiet.changes.objects), quiet.changes
            record_id = sorted(store.records.ids("people"))[0]
            answer = httpx.patch(f"{server.api_url}/objects/people/records/{record_id}",
                                 headers={"Authorization": f"Bearer {server.admin_token}"},
                                 json={"values": {"job_title": "Changed by a teammate"}}, timeout=10)
            assert answer.status_code == 200, answer.text
            changed = engine.sync()
            assert changed.changes.record_ids == {record_id} and changed.changes.objects == {"people"}
            assert not changed.changes.schema and not changed.changes.members
        finally:
            engine.backend.close()


def test_reading_every_note_task_and_list_entry_again_tells_nothing_when_none_changed(
    tmp_path: Path, server: SandboxServer
) -> None:
    with Store.open(tmp_path / "ws.sqlite") as store:
        # Notes, tasks and lists read on every round, as on Sync now.
        engine = SyncEngine(store, backend(server), collections_interval=timedelta(0))
        try:
            first = engine.sync()
            assert first.status.value == "synced" and first.changes.tasks and first.changes.lists
            assert store.tasks.all() and any(store.entries.ids(list_id) for list_id in store.schema.lists())
            quiet = engine.sync()
            assert quiet.status.value == "synced"
            # Each would make the Tasks view, the notes list and every open list re-read.
            assert not (quiet.changes.tasks or quiet.changes.notes or quiet.changes.lists), quiet.changes
        finally:
            engine.backend.close()
