"""A scan is interrupted by a push: an edit made during a full scan is pushed at the next page
boundary, and no page — one fetched before the edit or before its push included — is laid over
the edit in the cache."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from crmdesk.model import EntityKind
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport

from ._requests import Sent, api_get, api_patch, recording_backend
from ._support import marker

PEOPLE_PAGES = "/api/v1/objects/people/records"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    # Strict (every pull a full scan), with people over four pages of 200.
    with SandboxServer(records=1300, seed=64, strict=True) as running:
        yield running



def person_at(server: SandboxServer, offset: int) -> str:
    """The id of the person at ``offset`` in the server's own (newest first) order."""
    response = httpx.get(f"{server.api_url}/objects/people/records", params={"limit": 1, "offset": offset},
                         headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    return str(response.json()["data"]["records"][0]["id"])


def offset_of(sent: Sent) -> int:
    return int(parse_qs(sent.query).get("offset", ["0"])[0])


class MidScan:
    """Runs ``edit`` (in the engine's thread, between the first and second page of people) once
    the second page has been fetched: that page then holds what the server had before the edit."""

    def __init__(self, engine_box: list[SyncEngine], edit: object) -> None:
        self.second_page_fetched = threading.Event()
        self.engine_box = engine_box
        self.edit = edit
        self.done = False

    def answered(self, sent: Sent) -> None:
        if sent.method == "GET" and sent.path == PEOPLE_PAGES and offset_of(sent) > 0:
            self.second_page_fetched.set()

    def progress(self, phase: str, done: int, total: int | None) -> None:
        if phase != "records:people" or self.done:
            return
        self.done = True
        assert self.second_page_fetched.wait(30), "the prefetcher never fetched the second page"
        self.edit()  # type: ignore[operator]


def run_scan(store: Store, server: SandboxServer, edit: Callable[[SyncEngine], None]) -> tuple[SyncReport, list[Sent]]:
    """A forced scan of ``store`` that runs ``edit(engine)`` once, mid-scan (``MidScan``): its
    report and the requests it sent."""
    client, transport = recording_backend(server)
    box: list[SyncEngine] = []
    mid = MidScan(box, lambda: edit(box[0]))
    transport.answered = mid.answered
    engine = SyncEngine(store, client, progress=mid.progress)
    box.append(engine)
    try:
        report = engine.sync(force_scan=True)
    finally:
        client.close()
    assert mid.done, "the scan ended before the edit was made"
    return report, transport.since(0)


def test_an_edit_pushed_mid_scan_is_not_overwritten_by_a_page_fetched_before(db: Path,
                                                                             server: SandboxServer) -> None:
    record_id = person_at(server, 300)  # on the second page
    colleague, mine = marker(), marker()
    # Changed on the server since our last pull, so the scan decodes it (not "unchanged").
    api_patch(server, "people", record_id, {"description": colleague})

    def edit(engine: SyncEngine) -> None:
        with Store.open(db) as gui:  # the window's own connection
            gui.edits.update_record(record_id, {"job_title": mine})
        engine.push_requested.set()  # what SyncController.local_edit sets, from the GUI thread

    with Store.open(db) as store:
        report, sent = run_scan(store, server, edit)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        row = store.records.get(record_id)
        assert row is not None
        assert row.values["job_title"] == mine, "a page fetched before the push overwrote the pushed value"
        assert row.values["description"] == colleague
    assert api_get(server, "people", record_id)["job_title"] == mine
    patch = next(i for i, s in enumerate(sent) if s.method == "PATCH" and s.path.endswith(record_id))
    assert any(s.is_page for s in sent[patch + 1 :]), "the push waited for the scan to end"
    assert sum(1 for s in sent if s.method == "PATCH") == 1


def test_an_edit_queued_mid_scan_is_merged_not_overwritten(db: Path, server: SandboxServer) -> None:
    record_id = person_at(server, 500)  # on the third page
    colleague, mine = marker(), marker()
    api_patch(server, "people", record_id, {"description": colleague})

    def edit(_engine: SyncEngine) -> None:
        with Store.open(db) as gui:
            gui.edits.update_record(record_id, {"job_title": mine})
        # No push asked for: the edit waits in the outbox while the scan goes on.

    with Store.open(db) as store:
        report, _sent = run_scan(store, server, edit)
        assert report.status.value == "synced", report.summary()
        row = store.records.get(record_id)
        assert row is not None
        assert row.values["job_title"] == mine, "the scan overwrote an edit made while it ran"
        assert row.values["description"] == colleague  # the colleague's field merged in
        [queued] = store.outbox.for_target(record_id, entity=EntityKind.RECORD)
        assert queued.changes == {"job_title": mine}
