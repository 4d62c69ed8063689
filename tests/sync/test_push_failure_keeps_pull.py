"""A push that fails holds back no pull: an edit the server keeps failing on (a 5xx, each sync),
or a record whose fetch keeps failing, is tried again by the next sync, and meanwhile every sync
still brings in what changed on the server — and still ends with the failure (its status, the
worker's backoff), not "synced".

Against the real sandbox over loopback, with "changed since" (an incremental pull) and without it
(strict: every pull a full scan)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.model import EntityKind, MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport

from ._requests import api_get, api_patch, recording_backend
from ._support import backend, marker

#: The transport's warnings as it asks again: the server fails on purpose.
RETRIED = pytest.mark.allow_log_warnings(r"attempt \d+ of \d+; retrying in ")


@pytest.fixture(scope="module", params=["changed since", "full scan"])
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=72, strict=request.param == "full scan") as running:
        yield running


@pytest.fixture
def choking(server: SandboxServer) -> Iterator[SandboxServer]:
    """The server answers an empty 500 to any record write with a job title, as the real server
    does to a value it cannot store."""
    server.settings.choke_on = frozenset({"job_title"})
    try:
        yield server
    finally:
        server.settings.choke_on = frozenset()


def person(store: Store, index: int) -> str:
    return sorted(store.records.ids("people"))[index]


def deal(store: Store, index: int) -> str:
    return sorted(store.records.ids("deals"))[index]


def assert_pulled_despite_the_failure(store: Store, report: SyncReport, changes: dict[str, tuple[str, str]],
                                      last_sync_before: str | None) -> None:
    """``changes``: record id → (attribute, the value a colleague gave it on the server)."""
    assert report.status.value == "offline", report.summary()
    assert "not answering properly" in report.message
    for record_id, (attribute, value) in changes.items():
        row = store.records.get(record_id)
        assert row is not None and row.values.get(attribute) == value, "the pull did not run"
    # The round did not complete: it is not the last complete sync.
    assert store.schema.get_meta("last_sync_at") == last_sync_before


@RETRIED
def test_an_edit_the_server_keeps_failing_on_holds_back_no_pull(store: Store, choking: SandboxServer) -> None:
    refused, changed, changed_deal = person(store, 2), person(store, 5), deal(store, 1)
    tag, theirs, their_deal = marker(), marker(), marker()
    store.edits.update_record(refused, {"job_title": tag})
    # A colleague's changes, made after our last pull (of fields the server takes).
    api_patch(choking, "people", changed, {"description": theirs})
    api_patch(choking, "deals", changed_deal, {"name": their_deal})
    last_sync = store.schema.get_meta("last_sync_at")
    for attempt in (1, 2):
        client = backend(choking)
        try:
            report = SyncEngine(store, client).sync()
        finally:
            client.close()
        pulled = {changed: ("description", theirs), changed_deal: ("name", their_deal)}
        assert_pulled_despite_the_failure(store, report, pulled, last_sync)
        # The edit waits, its failure counted once per sync, on the way to becoming a rejection.
        [waiting] = store.outbox.for_target(refused, entity=EntityKind.RECORD)
        assert (waiting.state, waiting.changes, waiting.attempts) == (MutationState.PENDING, {"job_title": tag},
                                                                      attempt)
        assert report.pending == 1
        assert api_get(choking, "people", refused).get("job_title") != tag
        theirs = marker()  # and the colleague changes it again before the next sync
        api_patch(choking, "people", changed, {"description": theirs})


@RETRIED
def test_a_record_whose_fetch_keeps_failing_holds_back_no_pull(store: Store, server: SandboxServer) -> None:
    blocked, changed = person(store, 3), person(store, 6)
    tag, theirs = marker(), marker()
    store.edits.update_record(blocked, {"job_title": tag})
    api_patch(server, "people", changed, {"description": theirs})
    last_sync = store.schema.get_meta("last_sync_at")
    client, transport = recording_backend(server)

    def fail(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and request.url.path.endswith(f"/records/{blocked}"):
            return httpx.Response(503, json={"error": {"code": "UNAVAILABLE", "message": "down"}})
        return None

    transport.fault = fail
    try:
        report = SyncEngine(store, client).sync()
    finally:
        client.close()
    assert_pulled_despite_the_failure(store, report, {changed: ("description", theirs)}, last_sync)
    [waiting] = store.outbox.for_target(blocked, entity=EntityKind.RECORD)
    assert (waiting.state, waiting.changes, waiting.attempts) == (MutationState.PENDING, {"job_title": tag}, 0)
    assert not [s for s in transport.sent if s.method == "PATCH" and s.path.endswith(blocked)]


@RETRIED
def test_a_push_that_fails_between_pages_lets_the_pull_finish(store: Store, choking: SandboxServer) -> None:
    """The user edits while the records are read: the push between two pages fails, and the pull
    still goes on to the objects after it."""
    refused, changed, changed_deal = person(store, 4), person(store, 7), deal(store, 2)
    tag, theirs, their_deal = marker(), marker(), marker()
    api_patch(choking, "people", changed, {"description": theirs})  # people have a page to read
    api_patch(choking, "deals", changed_deal, {"name": their_deal})  # read after people
    last_sync = store.schema.get_meta("last_sync_at")
    client = backend(choking)
    edited: list[str] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "records:people" and not edited:
            edited.append(phase)
            store.edits.update_record(refused, {"job_title": tag})  # in the engine's thread, between pages
            engine.push_requested.set()  # what the window sets when the user edits

    try:
        engine = SyncEngine(store, client, progress=progress)
        report = engine.sync()
    finally:
        client.close()
    assert edited, "the people were not read page by page"
    pulled = {changed: ("description", theirs), changed_deal: ("name", their_deal)}
    assert_pulled_despite_the_failure(store, report, pulled, last_sync)
    [waiting] = store.outbox.for_target(refused, entity=EntityKind.RECORD)
    assert (waiting.state, waiting.attempts) == (MutationState.PENDING, 1)  # the push between pages ran
