"""Push first: a push round fetches only the records it changes, merges them as a pull would, and
sends the outbox — on a server without "changed since" too, where a pull reads every record."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.model import EntityKind, MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.apply import DELETED_FIELD

from ._requests import api_delete, api_get, api_patch, recording_backend
from ._support import marker


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    # Strict: the real server's "changed since" filter is ignored, so any pull is a full scan.
    with SandboxServer(records=150, seed=61, strict=True) as running:
        yield running


def people(store: Store, count: int, start: int = 0) -> list[str]:
    return sorted(store.records.ids("people"))[start : start + count]


def test_a_push_round_reads_no_records_page(store: Store, server: SandboxServer) -> None:
    assert len(store.records.ids("people")) > 60
    first, second = people(store, 2, start=3)
    mine, also = marker(), marker()
    store.edits.update_record(first, {"job_title": mine})
    store.edits.update_record(second, {"description": also})
    client, transport = recording_backend(server)
    try:
        assert client.probe_capabilities().changed_since_objects == frozenset()
        mark = transport.mark()
        report = SyncEngine(store, client).push()
    finally:
        client.close()
    assert report.status.value == "synced" and report.pending == 0 and report.pushed == 2, report.summary()
    assert api_get(server, "people", first)["job_title"] == mine
    assert api_get(server, "people", second)["description"] == also
    sent = transport.since(mark)
    assert not [s for s in sent if s.is_page], "a push round listed records"
    # The binding check, then each touched record fetched once and patched once.
    assert sent[0].path == "/api/v1/workspace"
    for record_id in (first, second):
        assert [s.method for s in sent if s.is_one_record and s.path.endswith(record_id)] == ["GET", "PATCH"]


def test_nothing_queued_sends_nothing(store: Store, server: SandboxServer) -> None:
    client, transport = recording_backend(server)
    try:
        report = SyncEngine(store, client).push()
    finally:
        client.close()
    assert report.status.value == "synced"
    assert transport.sent == []


# The sandbox's injected 5xx make the transport ask again: logged.
@pytest.mark.allow_log_warnings(r"attempt \d+ of \d+; retrying in ")
def test_the_merge_sees_what_the_server_changed_meanwhile(store: Store, server: SandboxServer) -> None:
    """A colleague changed the field the user changed, and another one, after our last pull. The
    push round takes their other field, makes the same field a conflict (their value stays on the
    server), and sends only what nobody else touched — through a flaky server."""
    record_id = people(store, 1, start=10)[0]
    base = store.records.get(record_id)
    assert base is not None
    mine, my_other, theirs, their_other = marker(), marker(), marker(), marker()
    store.edits.update_record(record_id, {"job_title": mine, "description": my_other})
    api_patch(server, "people", record_id, {"job_title": theirs, "email_addresses": [f"{their_other}@example.com"]})
    server.set_faults(FaultConfig(fail_rate=0.3, empty_500_rate=0.1, seed=3))
    try:
        client, _transport = recording_backend(server)
        try:
            engine = SyncEngine(store, client)
            report = engine.push()
            for _ in range(10):
                if report.status.value == "synced":
                    break
                report = engine.push()
        finally:
            client.close()
        assert server.faults_injected > 0
    finally:
        server.set_faults(None)
    assert report.status.value == "synced", report.summary()
    on_server = api_get(server, "people", record_id)
    assert on_server["job_title"] == theirs, "the colleague's value was overwritten"
    assert on_server["description"] == my_other, "the field only the user changed was not sent"
    row = store.records.get(record_id)
    assert row is not None
    assert row.values["job_title"] == theirs  # the cache shows the server's side of a conflict
    assert row.values["email_addresses"] == [f"{their_other}@example.com"]  # their other field taken
    assert row.values["description"] == my_other
    [conflict] = [c for c in store.conflicts.all() if c.target_id == record_id]
    assert (conflict.field, conflict.mine, conflict.theirs) == ("job_title", mine, theirs)
    assert conflict.base == base.values.get("job_title")
    assert store.outbox.for_target(record_id, entity=EntityKind.RECORD) == []


@pytest.mark.parametrize("failure", ["5xx", "network"])
@pytest.mark.allow_log_warnings(r"attempt \d+ of \d+; retrying in ")
def test_a_fetch_that_fails_leaves_the_edit_queued_untouched(store: Store, server: SandboxServer,
                                                             failure: str) -> None:
    blocked, free = people(store, 2, start=20)
    tag = marker()
    store.edits.update_record(blocked, {"job_title": tag})
    store.edits.update_record(free, {"job_title": tag})
    before = store.outbox.for_target(blocked, entity=EntityKind.RECORD)
    cached = store.records.get(blocked)
    client, transport = recording_backend(server)

    def fail(request: httpx.Request) -> httpx.Response | Exception | None:
        if request.method == "GET" and request.url.path.endswith(f"/records/{blocked}"):
            if failure == "5xx":
                return httpx.Response(503, json={"error": {"code": "UNAVAILABLE", "message": "down"}})
            return httpx.ConnectError("connection refused", request=request)
        return None

    transport.fault = fail
    try:
        report = SyncEngine(store, client).push()
    finally:
        client.close()
    assert report.status.value == "offline", report.summary()
    assert store.outbox.for_target(blocked, entity=EntityKind.RECORD) == before, "the failed record's edit changed"
    assert [m.state for m in before] == [MutationState.PENDING] and before[0].attempts == 0
    assert store.records.get(blocked) == cached
    assert not [s for s in transport.sent if s.method == "PATCH" and s.path.endswith(blocked)]
    assert api_get(server, "people", blocked).get("job_title") != tag
    # The others went.
    assert api_get(server, "people", free)["job_title"] == tag
    assert store.outbox.for_target(free, entity=EntityKind.RECORD) == []


def test_an_update_of_a_record_deleted_on_the_server_is_a_conflict(store: Store, server: SandboxServer) -> None:
    record_id = people(store, 1, start=30)[0]
    store.edits.update_record(record_id, {"job_title": marker()})
    api_delete(server, "people", record_id)
    client, transport = recording_backend(server)
    try:
        report = SyncEngine(store, client).push()
    finally:
        client.close()
    assert report.status.value == "synced" and report.conflicts == 1, report.summary()
    assert [c.field for c in store.conflicts.all() if c.target_id == record_id] == [DELETED_FIELD]
    assert store.outbox.for_target(record_id, entity=EntityKind.RECORD) == []
    assert not [s for s in transport.sent if s.method == "PATCH"], "sent to a record the server does not have"


def test_a_push_round_to_another_workspace_sends_nothing(store: Store, server: SandboxServer) -> None:
    record_id = people(store, 1, start=40)[0]
    tag = marker()
    store.edits.update_record(record_id, {"job_title": tag})
    client, transport = recording_backend(server)

    def other_workspace(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/api/v1/workspace":
            return httpx.Response(200, json={"data": {"id": "someone-else", "name": "Another team"}})
        return None

    transport.fault = other_workspace
    try:
        report = SyncEngine(store, client).push()
    finally:
        client.close()
    assert report.status.value == "error" and "another workspace" in report.message
    assert [s.path for s in transport.sent] == ["/api/v1/workspace"]
    assert api_get(server, "people", record_id).get("job_title") != tag
    assert len(store.outbox.for_target(record_id, entity=EntityKind.RECORD)) == 1


def test_an_engine_checks_the_workspace_once_not_at_every_push(store: Store, server: SandboxServer) -> None:
    """The window's engine pushes at every edit: the first push asks GET /workspace, the next ones
    do not; a sync checks again through its schema step, and the pushes after it need no check."""
    first, second = people(store, 2, start=50)
    client, transport = recording_backend(server)

    def workspace_checks(mark: int) -> int:
        return len([s for s in transport.since(mark) if s.path == "/api/v1/workspace"])

    try:
        engine = SyncEngine(store, client)
        checks = []
        for round_ in ("push", "push", "sync", "push"):
            store.edits.update_record(first if len(checks) % 2 else second, {"job_title": marker()})
            mark = transport.mark()
            report = engine.push() if round_ == "push" else engine.sync()
            assert report.status.value == "synced" and report.pending == 0, report.summary()
            checks.append(workspace_checks(mark))
    finally:
        client.close()
    assert checks == [1, 0, 1, 0]
