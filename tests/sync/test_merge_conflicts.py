"""Server-side edits meet queued local edits: pulls, silent merges, conflicts, rejections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.model import MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import marker, server_records, sync


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=60, seed=21) as running:
        yield running


def api_patch(server: SandboxServer, slug: str, record_id: str, values: dict) -> None:
    """Another user edits through the API with the admin token."""
    response = httpx.patch(f"{server.api_url}/objects/{slug}/records/{record_id}", json={"values": values},
                           headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code == 200, response.text


def pick(store: Store, slug: str = "people", index: int = 0) -> str:
    return sorted(store.records.ids(slug))[index]


def test_server_edits_are_pulled(store: Store, server: SandboxServer) -> None:
    record_id = pick(store, index=5)
    tag = marker()
    api_patch(server, "people", record_id, {"job_title": tag})
    report = sync(store, server)
    assert report.status.value == "synced"
    assert store.records.get(record_id).values["job_title"] == tag
    assert record_id in report.changes.record_ids


def test_different_fields_merge_silently(store: Store, server: SandboxServer) -> None:
    record_id = pick(store, index=6)
    theirs, mine = marker(), marker()
    store.edits.update_record(record_id, {"description": mine})
    api_patch(server, "people", record_id, {"job_title": theirs})
    report = sync(store, server)
    assert report.status.value == "synced" and report.conflicts == 0
    assert store.conflicts.count() == 0 and store.outbox.count() == 0
    server_values = server_records(server, "people")[record_id]
    assert server_values["job_title"] == theirs and server_values["description"] == mine
    assert store.records.get(record_id).values == server_values


def test_same_field_on_both_sides_is_a_conflict_with_both_values(store: Store, server: SandboxServer) -> None:
    record_id = pick(store, index=7)
    base = store.records.get(record_id).values.get("job_title")
    theirs, mine, other = marker(), marker(), marker()
    store.edits.update_record(record_id, {"job_title": mine, "description": other})
    api_patch(server, "people", record_id, {"job_title": theirs})
    report = sync(store, server)
    assert report.status.value == "synced"
    (conflict,) = store.conflicts.all()
    assert (conflict.target_id, conflict.field) == (record_id, "job_title")
    assert (conflict.mine, conflict.theirs, conflict.base) == (mine, theirs, base)
    assert conflict.theirs_at is not None and conflict.mine_at is not None
    # The conflicting field is no longer queued; the other field went through.
    assert all("job_title" not in m.changes for m in store.outbox.all())
    server_values = server_records(server, "people")[record_id]
    assert server_values["job_title"] == theirs
    assert server_values["description"] == other
    # The cache shows the server's value (it converges); the user's is kept in the conflict.
    assert store.records.get(record_id).values == server_values
    # Syncing again neither loses the conflict nor sends the field.
    again = sync(store, server)
    assert again.conflicts == 1 and store.conflicts.count() == 1
    assert server_records(server, "people")[record_id]["job_title"] == theirs


def test_deleted_on_server_while_edited_is_a_conflict(store: Store, server: SandboxServer) -> None:
    record_id = pick(store, index=8)
    mine = marker()
    store.edits.update_record(record_id, {"job_title": mine})
    assert server.core is not None
    server.core.records.delete("people", record_id)
    report = sync(store, server)
    assert report.status.value == "synced", report.summary()
    conflicts = [c for c in store.conflicts.all() if c.target_id == record_id]
    assert [c.field for c in conflicts] == ["__record__"]
    assert conflicts[0].mine["job_title"] == mine  # the user's values are kept in the conflict
    assert store.outbox.count() == 0
    assert record_id not in server_records(server, "people")


def test_deleted_on_server_found_by_the_sweep_while_edited(tmp_path: Path, server: SandboxServer) -> None:
    """Same, when the pull's full scan (first sync, or the periodic sweep) notices first."""
    with Store.open(tmp_path / "sweep.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        record_id = pick(store, index=9)
        store.edits.update_record(record_id, {"job_title": marker()})
        assert server.core is not None
        server.core.records.delete("people", record_id)
        store.conn.execute("UPDATE sync_state SET cursor = NULL")  # the next pull is a full scan
        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        assert [c.field for c in store.conflicts.all() if c.target_id == record_id] == ["__record__"]
        assert store.outbox.count() == 0


def test_a_note_on_a_record_deleted_on_the_server_is_rejected(store: Store, server: SandboxServer) -> None:
    record_id = pick(store, index=11)
    assert server.core is not None
    server.core.records.delete("people", record_id)
    other = pick(store, "companies", index=3)
    tag = marker()
    store.edits.create_note(record_id, "Lost cause", "the server has no such record")
    store.edits.update_record(other, {"description": tag})  # queued after it: not blocked
    report = sync(store, server)
    assert report.status.value == "synced", report.summary()
    assert report.rejected == 1
    (row,) = store.outbox.all()
    assert row.state is MutationState.REJECTED and "not found" in (row.error or "").lower()
    assert server_records(server, "companies")[other]["description"] == tag
    again = sync(store, server)
    assert again.rejected == 1 and store.outbox.get(row.op_id) is not None


# The transport asks again before each failure counts: its warnings are the point of the test.
@pytest.mark.allow_log_warnings(r"^POST /api/v1/lists/[^ ]+/entries failed \(The server failed without saying why")
def test_a_change_the_server_keeps_failing_on_is_rejected_not_retried_forever(
    store: Store, server: SandboxServer
) -> None:
    """A list entry for a record deleted on the server: Aria answers an empty 500 every time."""
    record_id = pick(store, "companies", index=10)
    assert server.core is not None
    server.core.records.delete("companies", record_id)
    (key_accounts,) = [lst for lst in store.schema.lists().values() if lst.parent_object == "companies"]
    store.edits.add_entry(key_accounts.id, record_id, {})
    statuses = []
    for _ in range(10):
        report = sync(store, server)
        statuses.append(report.status.value)
        if report.rejected:
            break
    assert report.rejected == 1, statuses
    (row,) = store.outbox.all()
    assert row.state is MutationState.REJECTED
    assert row.error and "server" in row.error.lower()
    # Not dropped and not retried: the next sync leaves it as it is, and completes.
    again = sync(store, server)
    assert again.status.value == "synced" and again.rejected == 1
    (still,) = store.outbox.all()
    assert (still.state, still.error, still.attempts) == (row.state, row.error, row.attempts)


def test_a_change_this_server_cannot_apply_is_a_visible_rejection(tmp_path: Path, server: SandboxServer) -> None:
    """Relinking a task (member token): kept as rejected with a message, never dropped."""
    with Store.open(tmp_path / "member.sqlite") as store:
        assert sync(store, server, token=server.member_token).status.value == "synced"
        task = store.tasks.all()[0]
        store.edits.update_task(task.id, record_ids=[])
        report = sync(store, server, token=server.member_token)
        assert report.rejected == 1
        (row,) = store.outbox.all()
        assert row.state is MutationState.REJECTED and row.error
        again = sync(store, server, token=server.member_token)
        assert again.rejected == 1 and store.outbox.get(row.op_id) is not None
