"""The user never conflicts with their own edits: a value they queued earlier that already
reached the server (sent just before a crash) is theirs, not a colleague's."""

from __future__ import annotations

from pathlib import Path

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import backend, sync


def test_v1_already_on_the_server_then_v2_is_pushed_without_a_conflict(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=31) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        person = store.records.rows(store.records.query_ids("people"))[0]
        store.edits.update_record(person.id, {"job_title": "Head of Sales"})
        store.edits.update_record(person.id, {"job_title": "Head of Sales EMEA"})
        # The first edit reached the server, and crmdesk died before it crossed it off its queue.
        direct = backend(server)
        direct.update_record("people", person.id, {"job_title": "Head of Sales"})

        report = sync(store, server)

        assert report.status.value == "synced" and report.conflicts == 0, report.summary()
        assert store.outbox.all() == []
        assert direct.get_record("people", person.id).values["job_title"] == "Head of Sales EMEA"
        assert store.records.get(person.id).values["job_title"] == "Head of Sales EMEA"
        direct.close()


def test_a_colleagues_value_is_still_a_conflict(tmp_path: Path) -> None:
    with SandboxServer(records=20, seed=32) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        person = store.records.rows(store.records.query_ids("people"))[0]
        store.edits.update_record(person.id, {"job_title": "Head of Sales"})
        store.edits.update_record(person.id, {"job_title": "Head of Sales EMEA"})
        direct = backend(server)
        direct.update_record("people", person.id, {"job_title": "Chief Revenue Officer"})
        direct.close()

        report = sync(store, server)

        assert report.conflicts == 1, report.summary()
        [conflict] = store.conflicts.all()
        assert (conflict.mine, conflict.theirs) == ("Head of Sales EMEA", "Chief Revenue Officer")
