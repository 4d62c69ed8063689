"""A full scan recognises unchanged records by their server time before decoding them: they count
as seen (a deletion is still found) and nothing of theirs is decoded or written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crmdesk.model import ObjectDef, Record
from crmdesk.remote.aria import records as aria_records
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._requests import Fault, Sent, api_delete, api_patch, recording_backend
from ._support import marker, sync


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=120, seed=65, strict=True) as running:
        yield running


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many records of each object the adapter's pages decode (the real decoder, counted)."""
    counts: Counter[str] = Counter()
    real = aria_records.decode_record

    def counting(obj: ObjectDef, row: Any) -> Record:
        counts[obj.slug] += 1
        return real(obj, row)

    monkeypatch.setattr(aria_records, "decode_record", counting)
    return counts


def scan(store: Store, server: SandboxServer, *, before_each: Fault | None = None) -> list[Sent]:
    """A forced scan; ``before_each`` sees each request before it is sent. Returns what was sent."""
    client, transport = recording_backend(server)
    transport.fault = before_each
    try:
        # Records only: lists, notes, tasks and notifications were read by the fixture's sync.
        report = SyncEngine(store, client, collections_interval=timedelta(days=1)).sync(force_scan=True)
    finally:
        client.close()
    assert report.status.value == "synced", report.summary()
    return transport.since(0)


def writes(store: Store) -> int:
    return store.conn.total_changes


def test_an_unchanged_scan_decodes_and_writes_no_record(store: Store, server: SandboxServer,
                                                        decoded: Counter[str]) -> None:
    total = sum(len(store.records.ids(slug)) for slug in store.schema.objects())
    before = writes(store)
    scan(store, server)
    assert decoded == Counter(), "unchanged records were decoded"
    # Only the scan's bookkeeping (sync state, the last sync time) was written.
    assert writes(store) - before < 20 < total

    changed, gone = sorted(store.records.ids("people"))[:2]
    tag = marker()
    api_patch(server, "people", changed, {"job_title": tag})
    api_delete(server, "people", gone)
    scan(store, server)
    assert decoded == Counter({"people": 1})
    assert store.records.get(changed).values["job_title"] == tag  # type: ignore[union-attr]
    assert store.records.get(gone) is None, "an unchanged record counted as seen hid a deletion"


def test_after_a_schema_change_the_next_scan_decodes_everything_once(store: Store, server: SandboxServer,
                                                                      decoded: Counter[str]) -> None:
    """A value of an attribute the cache did not know yet was left out when its record was read, and
    the record's time does not move with the schema: the object's next scan reads every record."""
    assert server.core is not None
    slug = f"tier_{marker().replace('-', '_')}"
    response = httpx.post(f"{server.api_url}/objects/companies/attributes",
                          json={"slug": slug, "title": "Tier", "type": "text"},
                          headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code < 300, response.text
    companies = len(store.records.ids("companies"))
    scan(store, server)
    assert decoded["companies"] == companies and decoded["people"] == 0
    decoded.clear()
    scan(store, server)
    assert decoded == Counter()


def test_a_record_edited_here_is_pushed_first_and_the_scan_leaves_it_alone(tmp_path: Path, server: SandboxServer,
                                                                           decoded: Counter[str]) -> None:
    """The round pushes the queued edit (fetching and decoding the record) before the scan's pages;
    the scan then finds the record's server time already in the cache and decodes nothing."""
    with Store.open(tmp_path / "own.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        decoded.clear()
        record_id = sorted(store.records.ids("deals"))[3]
        mine = marker()
        store.edits.update_record(record_id, {"name": mine})
        patched: list[bool] = []
        after_push: list[Counter[str]] = []

        def after_the_patch(request: httpx.Request) -> None:
            if request.method == "PATCH" and request.url.path.endswith(f"/{record_id}"):
                patched.append(True)
            elif patched and not after_push:
                after_push.append(Counter(decoded))  # the first request after the push's PATCH

        sent = scan(store, server, before_each=after_the_patch)
        patch = next(i for i, s in enumerate(sent) if s.method == "PATCH" and s.path.endswith(f"/{record_id}"))
        # The scan's pages (the capability probe's one-record reads come before the push).
        pages = [i for i, s in enumerate(sent) if s.is_page and "offset=" in s.query]
        assert pages and patch < min(pages), "the queued edit was not pushed before the scan"
        assert after_push and after_push[0]["deals"] >= 1, "the push did not decode the record it sent"
        assert decoded == after_push[0], "the scan decoded records the push had already merged"
        row = store.records.get(record_id)
        assert row is not None and row.values["name"] == mine
        assert store.outbox.count() == 0
