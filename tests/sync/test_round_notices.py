"""What a sync round tells the views is what its commits changed, no more: a round that finds
nothing new names no record and neither the schema nor the members (each would make open views
re-read), and a server-side change names just that record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._support import backend


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=8) as running:
        yield running


def _engine(store: Store, server: SandboxServer, collections_interval: timedelta = timedelta(hours=1)) -> SyncEngine:
    """An engine on ``server``; by default collections keep their slow cadence, for a test about the
    records and the schema. Close its backend when done."""
    return SyncEngine(store, backend(server), collections_interval=collections_interval)


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
        engine = _engine(store, server, collections_interval=timedelta(0))
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


def test_a_task_whose_server_lists_its_links_in_another_order_is_not_rewritten_each_round(tmp_path: Path) -> None:
    # Attio answers a task's linked records in the order they were given; the cache keeps them in id order.
    with SandboxServer(dialect="attio", records=30, seed=4) as attio, Store.open(tmp_path / "ws.sqlite") as store:
        backend = open_backend("attio", attio.url, attio.admin_token)
        try:
            engine = SyncEngine(store, backend, collections_interval=timedelta(0))
            assert engine.sync().complete
            first, second = sorted(store.records.ids("companies"))[:2]
            made = backend.create_task("Call both", record_ids=[second, first])
            assert made.record_ids == [second, first]  # as the server keeps them
            assert engine.sync().changes.tasks  # the new task comes in
            assert store.tasks.get(made.id) is not None
            quiet = engine.sync()
            assert quiet.complete and not quiet.changes.tasks, quiet.changes
        finally:
            backend.close()


def test_a_renamed_list_status_is_found_by_its_new_title_though_no_entry_changed(
    tmp_path: Path, server: SandboxServer
) -> None:
    with Store.open(tmp_path / "ws.sqlite") as store:
        engine = _engine(store, server, collections_interval=timedelta(0))
        try:
            assert engine.sync().complete
            pipeline = next(lst for lst in store.schema.lists().values() if lst.attribute("pipeline_status"))
            status = pipeline.attribute("pipeline_status")
            assert status is not None
            in_use = {row.values.get("pipeline_status") for row in
                      store.entries.rows(store.entries.query_ids(pipeline.id))} - {None}
            option = next(o for o in status.options if o.id in in_use)
            server.core.schema.update_option(option.id, {"title": "Zebra stage"})  # type: ignore[union-attr]
            assert engine.sync().complete
            renamed = FilterGroup(children=(Condition("pipeline_status", Operator.CONTAINS, "zebra"),))
            found = store.entries.rows(store.entries.query_ids(pipeline.id, renamed))
            assert found and {row.values["pipeline_status"] for row in found} == {option.id}
        finally:
            engine.backend.close()
