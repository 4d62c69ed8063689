"""``known_updated_at``: the Aria adapter names the records whose server time the caller holds
already, without decoding them, and decodes the rest as before."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.remote.aria import AriaBackend, connect_aria
from crmdesk.remote.rows import split_unchanged
from crmdesk.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=500, seed=9, strict=True) as running:
        yield running


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AriaBackend]:
    client = connect_aria(server.url, server.admin_token,
                          http_transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)))
    yield client
    client.close()


def test_known_records_come_back_as_ids_only(server: SandboxServer, backend: AriaBackend) -> None:
    everything = {r.id: r for page in backend.iter_record_pages("people") for r in page.records}
    assert len(everything) > 200  # more than one page
    ids = sorted(everything)
    known = {rid: everything[rid].updated_at for rid in ids[::2] if everything[rid].updated_at}
    stale = ids[1]
    known[stale] = "2001-01-01T00:00:00.000Z"  # held at an older time: changed since
    pages = list(backend.iter_record_pages("people", known_updated_at=known))
    unchanged = [rid for page in pages for rid in page.unchanged]
    decoded = {r.id: r for page in pages for r in page.records}
    assert sorted(unchanged) == sorted(set(known) - {stale})
    assert set(decoded) == set(everything) - set(unchanged)
    assert decoded[stale] == everything[stale]
    assert all(page.unchanged == [] for page in backend.iter_record_pages("people"))


def test_other_spellings_of_the_same_time_count_as_unchanged() -> None:
    rows = [
        {"id": "a", "updatedAt": "2026-11-24T05:09:18.921Z"},
        {"id": "b", "updatedAt": "2026-11-24 05:09:18.921663"},  # the other form servers write
        {"id": 7, "updatedAt": "2026-11-24T05:09:18.921Z"},
        {"id": "c", "updatedAt": "not a time"},
        {"id": "d"},
        {"id": "e", "updatedAt": "2026-11-24T05:09:19.000Z"},
    ]
    known = {key: "2026-11-24T05:09:18.921Z" for key in ("a", "b", "7", "c", "d", "e")}
    fresh, unchanged = split_unchanged(rows, known)
    assert unchanged == ["a", "b", "7"]
    assert [row["id"] for row in fresh] == ["c", "d", "e"]
