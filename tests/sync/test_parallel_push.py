"""Record updates travel in parallel batches; every outcome is still written down."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from crmdesk.model import EntityKind, MutationState
from crmdesk.remote import ServerError
from crmdesk.remote.aria.adapter import ARIA_DEFAULTS
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync.push import PARALLEL_BATCH, Pusher
from crmdesk.sync.status import Cancelled

from ._support import backend, server_records, sync, sync_until_settled


def _people(store: Store, count: int) -> list[str]:
    return [r.id for r in store.records.rows(store.records.query_ids("people"))[:count]]


def test_forty_updates_to_different_records_all_reach_the_server(tmp_path: Path) -> None:
    with SandboxServer(records=120, seed=4) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        targets = _people(store, 40)
        for number, record_id in enumerate(targets):
            store.edits.update_record(record_id, {"job_title": f"Parallel {number}"})
        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        assert report.pushed == 40 and store.outbox.count() == 0
        on_server = server_records(server, "people")
        assert [on_server[rid].get("job_title") for rid in targets] == [f"Parallel {n}" for n in range(40)]
        assert [store.records.get(rid).values.get("job_title") for rid in targets] == [  # type: ignore[union-attr]
            f"Parallel {n}" for n in range(40)
        ]


def test_a_record_deleted_on_the_server_mid_batch_is_a_conflict_and_the_rest_still_land(tmp_path: Path) -> None:
    with SandboxServer(records=120, seed=5) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        targets = _people(store, 12)
        for record_id in targets:
            store.edits.update_record(record_id, {"job_title": "Batch"})
        gone = targets[5]
        httpx.delete(f"{server.api_url}/objects/people/records/{gone}",
                     headers={"Authorization": f"Bearer {server.admin_token}"}).raise_for_status()
        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        conflicts = store.conflicts.all()
        assert [(c.target_id, c.field) for c in conflicts] == [(gone, "__record__")]
        on_server = server_records(server, "people")
        assert all(on_server[rid].get("job_title") == "Batch" for rid in targets if rid != gone)
        assert store.outbox.count() == 0


def test_server_failures_in_a_batch_keep_the_failed_updates_queued(tmp_path: Path) -> None:
    with SandboxServer(records=120, seed=6) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        targets = _people(store, 30)
        for record_id in targets:
            store.edits.update_record(record_id, {"job_title": "Flaky"})
        # Push alone, against a server failing half its answers and a transport that does not
        # retry: the batch records what landed and keeps what failed queued, then stops.
        flaky = backend(server, retry=RetryPolicy(max_attempts=1, base_delay=0.001, max_delay=0.001))
        flaky.objects()  # as after a pull: the backend knows the schema before pushing
        server.set_faults(FaultConfig(fail_rate=0.5, seed=11))
        caps = ARIA_DEFAULTS  # write_concurrency 4, as probed against a real Aria server
        pusher = Pusher(store, flaky, caps)
        with pytest.raises(ServerError):
            pusher.push()
        flaky.close()
        landed, waiting = pusher.result.pushed, store.outbox.count(MutationState.PENDING)
        assert landed > 0 and waiting > 0 and landed + waiting == 30
        assert store.outbox.count(MutationState.REJECTED) == 0
        server.set_faults(None)
        report = sync_until_settled(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        on_server = server_records(server, "people")
        assert all(on_server[rid].get("job_title") == "Flaky" for rid in targets)


def test_runs_overlap_and_a_record_changed_again_later_ends_with_its_last_value(tmp_path: Path) -> None:
    # 40 records then the first again: a run of PARALLEL_BATCH (32), then one with the other 8 and
    # the first record's second change — which must wait for the first run's answers, not overtake
    # its first change (the other runs are sent while the one before is written down).
    with SandboxServer(records=300, seed=7) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        targets = _people(store, 40)
        for number, record_id in enumerate(targets):
            store.edits.update_record(record_id, {"job_title": f"First {number}"})
        store.edits.update_record(targets[0], {"job_title": "Second"})
        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        assert store.outbox.count() == 0
        on_server = server_records(server, "people")
        expected = ["Second"] + [f"First {n}" for n in range(1, 40)]
        assert [on_server[rid].get("job_title") for rid in targets] == expected
        assert [store.records.get(rid).values.get("job_title") for rid in targets] == expected  # type: ignore[union-attr]


def test_server_failures_across_overlapping_runs_keep_every_outcome(tmp_path: Path) -> None:
    with SandboxServer(records=300, seed=8) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        targets = _people(store, 90)
        for record_id in targets:
            store.edits.update_record(record_id, {"job_title": "Flaky"})
        flaky = backend(server, retry=RetryPolicy(max_attempts=1, base_delay=0.001, max_delay=0.001))
        flaky.objects()
        server.set_faults(FaultConfig(fail_rate=0.2, seed=12))
        pusher = Pusher(store, flaky, ARIA_DEFAULTS)
        with pytest.raises(ServerError):
            pusher.push()
        flaky.close()
        server.set_faults(None)
        landed, waiting = pusher.result.pushed, store.outbox.count(MutationState.PENDING)
        # Each answer that came back is written down, whichever run it was in: none lost, none twice.
        assert landed > 0 and waiting > 0 and landed + waiting == 90
        on_server = server_records(server, "people")
        unsent = store.outbox.unsent_for(targets, entity=EntityKind.RECORD)
        landed_ids = [rid for rid in targets if rid not in unsent]
        assert len(landed_ids) == landed
        assert all(on_server[rid].get("job_title") == "Flaky" for rid in landed_ids)
        report = sync_until_settled(store, server)
        assert report.status.value == "synced", report.summary()
        assert store.outbox.count() == 0


def test_a_cancel_while_a_run_is_in_flight_still_records_what_the_server_took(tmp_path: Path) -> None:
    # The pusher sends each run while the one before is written down: a cancel at the third look
    # finds the first run recorded and the second on the wire. Its answers are written down before
    # the push stops, so nothing the server holds stays queued to be sent again.
    with SandboxServer(records=300, seed=9) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        targets = _people(store, 90)
        for record_id in targets:
            store.edits.update_record(record_id, {"job_title": "Sent before the cancel"})
        looks: list[int] = []

        def cancel_at_the_third_look() -> None:
            looks.append(1)
            if len(looks) == 3:
                raise Cancelled()

        remote = backend(server)
        pusher = Pusher(store, remote, ARIA_DEFAULTS, check_cancel=cancel_at_the_third_look)
        with pytest.raises(Cancelled):
            pusher.push()
        remote.close()
        unsent = store.outbox.unsent_for(targets, entity=EntityKind.RECORD)
        assert pusher.result.pushed == 2 * PARALLEL_BATCH
        assert sorted(unsent) == sorted(targets[2 * PARALLEL_BATCH:])
        on_server = server_records(server, "people")
        assert [on_server[rid].get("job_title") for rid in targets[: 2 * PARALLEL_BATCH]] == [
            "Sent before the cancel"] * (2 * PARALLEL_BATCH)
        assert all(on_server[rid].get("job_title") != "Sent before the cancel" for rid in targets[2 * PARALLEL_BATCH:])
