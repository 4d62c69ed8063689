"""Lists made, renamed and deleted offline reach the server through the outbox: a new list's
local id is replaced everywhere (its entries, queued entry changes) in one go, and a pull
before the push keeps what the user did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crmdesk.model import EntityKind, is_local_id
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.sync import SyncEngine
from crmdesk.sync.pull import Puller

from ._support import backend, cache_snapshot, local_ids_in, marker, server_snapshot, sync


def _server_lists(server: SandboxServer) -> dict[str, Any]:
    assert server.core is not None
    return {row["id"]: row for row in server.core.lists.lists()}


def _server_entries(server: SandboxServer, list_id: str) -> dict[str, str]:
    """entry id → record id"""
    assert server.core is not None
    rows, _total = server.core.lists.entries(list_id, None, 0)
    return {row["id"]: row["record_id"] for row in rows}


def _pull_only(store: Store, server: SandboxServer) -> ChangeSet:
    """A pull (schema, records, entries) with no push: what a sync does before it sends."""
    b = backend(server)
    try:
        changes = ChangeSet()
        store.add_change_listener(changes.update)  # what the views would be told
        puller = Puller(store, b, SyncEngine(store, b).capabilities)
        puller.pull_schema()
        for obj in list(store.schema.objects().values()):
            puller.pull_records(obj)
        puller.pull_entries()
        return changes
    finally:
        store.remove_change_listener(changes.update)
        b.close()


def test_offline_list_with_entries_reaches_the_server_with_ids_remapped(tmp_path: Path) -> None:
    with SandboxServer(records=40, seed=3) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        before = set(_server_lists(server))
        tag = marker()

        made = store.edits.create_list(f"Hot deals {tag}", "deals", private=True)
        list_id = made.target_id
        assert is_local_id(list_id)
        assert store.schema.get_list(list_id).name == f"Hot deals {tag}"
        existing = sorted(store.records.ids("deals"))[:2]
        offline_deal = store.edits.create_record("deals", {"name": f"New deal {tag}"})
        entries = [store.edits.add_entry(list_id, record_id) for record_id in (*existing, offline_deal.target_id)]
        assert all(m.scope == list_id for m in entries)
        assert store.entries.ids(list_id) == {m.target_id for m in entries}

        report = sync(store, server, sweep=True)
        assert report.status.value == "synced", report.summary()
        assert report.pending == 0 and report.rejected == 0 and report.conflicts == 0, report.summary()
        assert store.outbox.count() == 0

        server_id = report.changes.id_changes[list_id]
        assert not is_local_id(server_id)
        assert set(_server_lists(server)) == before | {server_id}
        row = _server_lists(server)[server_id]
        assert (row["name"], row["object_slug"], bool(row["is_private"])) == (f"Hot deals {tag}", "deals", True)
        deal_id = report.changes.id_changes[offline_deal.target_id]
        assert sorted(_server_entries(server, server_id).values()) == sorted([*existing, deal_id])

        # The cache names the server's ids only: the list, its entries, their records.
        assert store.schema.get_list(list_id) is None
        cached = store.schema.get_list(server_id)
        assert cached is not None and cached.name == f"Hot deals {tag}" and cached.private
        assert store.entries.ids(server_id) == set(_server_entries(server, server_id))
        local = cache_snapshot(store)
        assert local_ids_in(local) == []
        assert local_ids_in([m.scope for m in store.outbox.all()]) == []
        assert store.id_map.server_id(list_id) == server_id
        # A brand-new client sees the same list and entries.
        assert server_snapshot(server, tmp_path)["entries"][server_id] == local["entries"][server_id]

        # A second sync changes nothing and makes no second list.
        assert sync(store, server).status.value == "synced"
        assert set(_server_lists(server)) == before | {server_id}


def test_rename_offline_reaches_the_server_and_survives_the_pull_before_it(tmp_path: Path) -> None:
    with SandboxServer(records=30, seed=4) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        list_id = next(lst.id for lst in store.schema.lists().values() if lst.name == "Sales pipeline")
        entries = store.entries.ids(list_id)
        tag = marker()

        renamed = store.edits.rename_list(list_id, f"Pipeline {tag}")
        assert renamed is not None and renamed.entity is EntityKind.LIST
        assert store.edits.rename_list(list_id, f"Pipeline {tag}") is None  # nothing changed
        _pull_only(store, server)
        assert store.schema.get_list(list_id).name == f"Pipeline {tag}"  # the server's old name did not win
        assert store.entries.ids(list_id) == entries

        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        assert _server_lists(server)[list_id]["name"] == f"Pipeline {tag}"
        assert store.schema.get_list(list_id).name == f"Pipeline {tag}"
        assert store.outbox.count() == 0


def test_delete_offline_removes_the_list_and_its_entries_everywhere(tmp_path: Path) -> None:
    with SandboxServer(records=30, seed=5) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        list_id = next(lst.id for lst in store.schema.lists().values() if lst.name == "Key accounts")
        assert store.entries.ids(list_id)
        # An entry change queued for the list is moot once the list goes.
        spare = store.edits.create_record("companies", {"name": f"Spare {marker()}"})
        store.edits.add_entry(list_id, spare.target_id)

        store.edits.delete_list(list_id)
        assert store.schema.get_list(list_id) is None
        assert store.entries.ids(list_id) == set()
        assert [m.entity for m in store.outbox.pending()] == [EntityKind.RECORD, EntityKind.LIST]
        _pull_only(store, server)
        assert store.schema.get_list(list_id) is None  # the queued delete keeps it away

        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        assert list_id not in _server_lists(server)
        assert store.outbox.count() == 0 and store.schema.get_list(list_id) is None


def test_a_list_already_gone_on_the_server_counts_as_deleted(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=6) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        gone, renamed = sorted(store.schema.lists())[:2]
        store.edits.delete_list(gone)
        store.edits.rename_list(renamed, f"Renamed {marker()}")
        assert server.core is not None
        server.core.lists.delete(gone)
        server.core.lists.delete(renamed)

        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        assert report.rejected == 0 and report.pending == 0, report.summary()
        assert store.outbox.count() == 0
        # Renamed here, deleted there: nothing left to rename; it goes here too.
        assert store.schema.get_list(gone) is None and store.schema.get_list(renamed) is None


def test_offline_list_survives_a_pull_before_its_push(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=7) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        made = store.edits.create_list(f"Later {marker()}", "people")
        person = sorted(store.records.ids("people"))[0]
        entry = store.edits.add_entry(made.target_id, person)

        _pull_only(store, server)
        assert store.schema.get_list(made.target_id) is not None
        assert store.entries.ids(made.target_id) == {entry.target_id}
        assert len(store.outbox.pending()) == 2

        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        server_id = report.changes.id_changes[made.target_id]
        assert list(_server_entries(server, server_id).values()) == [person]


def test_a_list_made_and_deleted_offline_never_reaches_the_server(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=8) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        before = set(_server_lists(server))
        made = store.edits.create_list(f"Ghost {marker()}", "companies")
        store.edits.add_entry(made.target_id, sorted(store.records.ids("companies"))[0])
        store.edits.rename_list(made.target_id, f"Ghost 2 {marker()}")
        store.edits.delete_list(made.target_id)

        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        assert set(_server_lists(server)) == before
        assert store.outbox.count() == 0


def test_offline_rename_of_an_offline_list_is_sent_after_its_create(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=9) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        tag = marker()
        made = store.edits.create_list(f"First {tag}", "companies")
        store.edits.rename_list(made.target_id, f"Second {tag}")

        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        server_id = report.changes.id_changes[made.target_id]
        assert _server_lists(server)[server_id]["name"] == f"Second {tag}"
        assert store.schema.get_list(server_id).name == f"Second {tag}"
