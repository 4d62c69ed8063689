"""A sync keeps the pattern of a record's web address in the workspace file, where the palette's
"Open … on the server" finds it (``store.web_address``): filled for a record, it is the address
the server itself gives that record. A dialect whose answers carry no web address leaves it unset.

Real sandbox facades over loopback HTTP, a real SQLite store; the facade is read with plain httpx
in its own shapes (``tests/attio_support.py``), never through the client's adapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.remote import Backend
from crmdesk.remote.atomic import connect_atomic
from crmdesk.remote.attio import connect_attio
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.store.web_address import WEB_URL_META, record_web_address
from crmdesk.sync import SyncEngine, SyncReport
from tests.attio_support import AttioReader

from ._support import FAST_RETRY, OBJECTS


def plain() -> httpx.HTTPTransport:
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def sync_with(store: Store, client: Backend) -> SyncReport:
    try:
        return SyncEngine(store, client).sync()
    finally:
        client.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "w.sqlite") as opened:
        yield opened


def test_after_an_attio_sync_every_record_opens_at_the_web_url_the_server_gives_it(store: Store) -> None:
    with SandboxServer(dialect="attio", records=15, seed=8) as server:
        assert store.schema.get_meta(WEB_URL_META) is None
        client = connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        template = store.schema.get_meta(WEB_URL_META)
        assert template is not None and template.startswith("http://127.0.0.1")
        reader = AttioReader(server)
        try:
            for slug in OBJECTS:
                served = {row["id"]["record_id"]: row["web_url"] for row in reader.records(slug)}
                cached = [row.id for row in store.records.rows(store.records.query_ids(slug))]
                assert served and set(cached) == set(served)
                for record_id in cached:
                    assert record_web_address(store.schema, slug, record_id) == served[record_id]
            assert reader.transport.problems == []
        finally:
            reader.close()
        # A second round learns the same pattern: the kept one stays as it is.
        client = connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        assert store.schema.get_meta(WEB_URL_META) == template


def test_a_dialect_without_web_addresses_leaves_it_unset(store: Store) -> None:
    with SandboxServer(dialect="atomic", records=10, seed=10) as server:
        client = connect_atomic(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        assert store.schema.get_meta(WEB_URL_META) is None
        some = next(iter(store.schema.objects()))
        rows = store.records.rows(store.records.query_ids(some))
        assert rows and record_web_address(store.schema, some, rows[0].id) is None
