"""A sync keeps each object's template of a record's web address in the workspace file, where the
palette's "Open … on the server" finds it (``store.web_address``): filled for a record, it is the
address the server itself gives that record (Attio's ``web_url``), or the page the server's web
app shows it at (Aria's ``/objects/<slug>/<id>``, which the sandbox serves). A dialect that has no
web address leaves it unset.

Real sandbox facades over loopback HTTP, a real SQLite store; the facade is read with plain httpx
in its own shapes (``tests/attio_support.py``), never through the client's adapter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape
from pathlib import Path

import httpx
import pytest

from crmdesk.remote import Backend
from crmdesk.remote.aria import connect_aria
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
        kept = store.schema.get_meta(WEB_URL_META)
        assert kept is not None
        templates = json.loads(kept)
        assert set(templates) >= set(OBJECTS)
        assert templates["people"].startswith("http://127.0.0.1") and "/person/{id}" in templates["people"]
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
        # A second round learns the same templates: the kept text stays as it is.
        client = connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        assert store.schema.get_meta(WEB_URL_META) == kept


def test_what_a_round_learns_is_merged_with_what_is_kept(store: Store) -> None:
    old = {"people": "https://old.example.test/acme/person/{id}", "gone": "https://old.example.test/acme/gone/{id}"}
    with store.write():
        store.schema.set_meta(WEB_URL_META, json.dumps(old))
    with SandboxServer(dialect="attio", records=6, seed=3) as server:
        client = connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
    templates = json.loads(store.schema.get_meta(WEB_URL_META) or "{}")
    # The objects this round told are its own; one it did not keeps the kept template.
    assert templates["gone"] == old["gone"]
    assert templates["people"].startswith(server.url) and templates["people"].endswith("/person/{id}/overview")


def test_the_first_single_template_is_read_until_a_sync_replaces_it(store: Store) -> None:
    with store.write():
        store.schema.set_meta(WEB_URL_META, "https://crm.example.test/acme/{object}/{id}")
    assert record_web_address(store.schema, "deals", "d 1") == "https://crm.example.test/acme/deals/d%201"
    with SandboxServer(dialect="attio", records=6, seed=4) as server:
        client = connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
    templates = json.loads(store.schema.get_meta(WEB_URL_META) or "")
    assert set(templates) >= set(OBJECTS) and all("{object}" not in t for t in templates.values())


def test_after_an_aria_sync_a_record_opens_at_its_page_on_the_server(store: Store) -> None:
    with SandboxServer(dialect="aria", records=8, seed=6) as server:
        client = connect_aria(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        templates = json.loads(store.schema.get_meta(WEB_URL_META) or "{}")
        for slug in OBJECTS:
            assert templates[slug] == f"{server.url}/objects/{slug}/{{id}}"
        row = store.records.rows(store.records.query_ids("companies"))[0]
        address = record_web_address(store.schema, "companies", row.id)
        assert address == f"{server.url}/objects/companies/{row.id}"
        # The address is the one the server's own search answer links the record at.
        with httpx.Client(base_url=server.url, transport=plain()) as browser:
            found = browser.get("/api/v1/search", params={"q": row.title},
                                headers={"Authorization": f"Bearer {server.admin_token}"}).json()["data"]
            assert f"/objects/companies/{row.id}" in [hit["url"] for hit in found]
            # A browser has no API key: the sandbox's demo page shows the record all the same.
            page = browser.get(address)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert escape(row.title) in page.text


def test_a_dialect_without_web_addresses_leaves_it_unset(store: Store) -> None:
    with SandboxServer(dialect="atomic", records=10, seed=10) as server:
        client = connect_atomic(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain())
        assert sync_with(store, client).complete
        assert store.schema.get_meta(WEB_URL_META) is None
        some = next(iter(store.schema.objects()))
        rows = store.records.rows(store.records.query_ids(some))
        assert rows and record_web_address(store.schema, some, rows[0].id) is None
