"""Strict mode (no "changed since": every pull a full scan) and the sandbox's faults."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store

from ._support import backend, cache_snapshot, diff, marker, server_records, server_snapshot, sync, sync_until_settled


def test_strict_server_full_scan_converges_and_finds_deletes(tmp_path: Path) -> None:
    with SandboxServer(records=60, seed=31, strict=True) as server, Store.open(tmp_path / "ws.sqlite") as store:
        b = backend(server)
        try:
            assert b.probe_capabilities().changed_since_objects == frozenset()
        finally:
            b.close()
        assert sync(store, server).status.value == "synced"
        assert server.core is not None
        people = sorted(store.records.ids("people"))
        gone, edited = people[0], people[1]
        # A deal that names the deleted person: the server stops showing the reference.
        server.core.records.delete("people", gone)
        tag = marker()
        server.core.records.touch(edited, {"job_title": tag}, slug="people")
        store.edits.update_record(people[2], {"description": tag})
        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0
        assert store.records.get(gone) is None
        assert store.records.get(edited).values["job_title"] == tag
        assert server_records(server, "people")[people[2]]["description"] == tag
        assert diff(cache_snapshot(store), server_snapshot(server, tmp_path)) == []


FAULTS = FaultConfig(fail_rate=0.05, rate_limit_rate=0.04, retry_after=0, drop_rate=0.04, truncate_rate=0.04,
                     empty_500_rate=0.03, latency_ms=1)


@pytest.mark.parametrize("seed", [5, 6, 7])
# The injected faults make the transport ask again, and a cut-short answer ends a sync: both logged.
@pytest.mark.allow_log_warnings(r"attempt \d+ of \d+; retrying in ", r"^answers keep arriving cut short: ")
def test_faults_everywhere_converge_without_loss_or_duplicates(tmp_path: Path, seed: int) -> None:
    with SandboxServer(records=50, seed=41) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        tag = marker()
        created = []
        for i in range(12):
            created.append(store.edits.create_record("companies", {"name": f"{tag} co {i}", "description": tag}))
        store.edits.create_record(
            "people", {"name": {"first_name": "F", "last_name": tag, "full_name": f"F {tag}"},
                       "company": created[0].target_id})
        edits = {}
        for i, record_id in enumerate(sorted(store.records.ids("deals"))[:10]):
            edits[record_id] = f"{tag}-{i}"
            store.edits.update_record(record_id, {"name": edits[record_id]})
        deleted = sorted(store.records.ids("companies") - {c.target_id for c in created})[:3]
        for record_id in deleted:
            store.edits.delete_record(record_id)

        server.set_faults(replace(FAULTS, seed=seed))
        statuses = []
        for _ in range(30):
            report = sync(store, server)
            statuses.append(report.status.value)
            if report.status.value == "synced" and report.pending == 0:
                break
        assert server.faults_injected > 0
        server.set_faults(None)
        report = sync_until_settled(store, server)
        assert report.status.value == "synced", statuses
        assert store.outbox.count() == 0, [(m.op, m.state, m.error) for m in store.outbox.all()]
        assert store.conflicts.count() == 0

        companies = server_records(server, "companies")
        mine = sorted(v["name"] for v in companies.values() if v.get("description") == tag)
        assert mine == sorted(f"{tag} co {i}" for i in range(12)), "lost or duplicated creates"
        people = [p for p in server_records(server, "people").values() if tag in str(p.get("name"))]
        assert len(people) == 1 and people[0]["company"] in companies
        deals = server_records(server, "deals")
        assert {rid: deals[rid]["name"] for rid in edits} == edits
        assert not set(deleted) & set(companies)
        assert diff(cache_snapshot(store), server_snapshot(server, tmp_path)) == []
