"""The atlas dialect end to end, as a user scripts it: `crmdesk sync --dialect atlas` builds a cache
with the server's counts; a sale changed, a sale made offline, a contact linked to another company
and to the new sale, and an issue key reach the server at the next sync — the link to the new sale
after the sale, under its new id. And a token that expires in the middle of a 20,000-entity first
sync is renewed without the sync failing.

The server is the sandbox's atlas facade over real loopback HTTP; what is on it is read with plain
httpx in Atlas's own shapes (``tests/sandbox/atlas_support.py``), not with the client's adapter."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from crmdesk.model import is_local_id
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atlas import atlas_app
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store
from tests import cli_support
from tests.sandbox.atlas_support import all_of, atlas_client, field_id, ok

crmdesk = partial(cli_support.crmdesk, timeout=180)
TYPES = ("company", "contact", "sale")


def _roles_between(client: Any, one: str, other: str) -> list[str] | None:
    answer = client.get(f"/entities/{one}/links/{other}")
    return None if answer.status_code == 404 else list(ok(answer)["roles"])


def test_a_scripted_day_on_an_atlas_server(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = SandboxServer(dialect="atlas", records=120, seed=4, db_path=tmp_path / "server.sqlite").start()
    api = atlas_client(server)
    try:
        crmdesk("sync", "--dialect", "atlas", "--url", server.url, "--data-dir", data, "--quiet",
                token=server.admin_token)
        cached = {kind: json.loads(crmdesk("records", "list", kind, "--json", "--data-dir", data).stdout)
                  for kind in TYPES}
        on_server = {kind: all_of(api, kind) for kind in TYPES}
        for kind in TYPES:
            assert on_server[kind], kind
            assert {row["id"] for row in cached[kind]} == {item["id"] for item in on_server[kind]}, kind

        # -- offline edits: made with no server and no credentials, queued in the workspace file --
        sale = on_server["sale"][0]
        stage = field_id("sale", "Pipeline stage")
        new_stage = "Won" if sale["fields"].get(stage) != "Won" else "Lost"
        crmdesk("records", "set", "sale", sale["id"], "sale-balance=31,500", f"Pipeline stage={new_stage}",
                "--data-dir", data)
        made = crmdesk("records", "new", "sale", "sale-name=Offline Made Deal", "--data-dir", data).stdout.strip()
        assert is_local_id(made)
        contact = on_server["contact"][0]
        company = next(c for c in on_server["company"] if _roles_between(api, contact["id"], c["id"]) is None)
        crmdesk("links", "add", "contact", contact["id"], company["id"], "--role", "Former employee",
                "--role", "Reference", "--data-dir", data)
        crmdesk("links", "add", "contact", contact["id"], made, "--role", "Contact person", "--data-dir", data)
        crmdesk("links", "issue", "sale", sale["id"], "sales-4242", "--data-dir", data)
        listed = json.loads(crmdesk("links", "list", "contact", contact["id"], "--json", "--data-dir", data).stdout)
        assert {(link["id"], tuple(link["roles"]), link["pending"]) for link in listed["links"]} >= {
            (company["id"], ("Former employee", "Reference"), True), (made, ("Contact person",), True)}

        # -- the next sync, through the API base address this time (both addresses work) ----------
        synced = crmdesk("sync", "--dialect", "atlas", "--url", server.url + "/api/1.0", "--data-dir", data,
                         "--quiet", token=server.admin_token)
        assert "still pending 0" in synced.stdout, synced.stdout

        changed = ok(api.get(f"/entities/{sale['id']}"))["fields"]
        assert (changed["sale-balance"], changed[stage]) == (31500, new_stage)
        [new_sale] = [s for s in all_of(api, "sale") if s["fields"].get("sale-name") == "Offline Made Deal"]
        assert _roles_between(api, contact["id"], company["id"]) == ["Former employee", "Reference"]
        # Symmetric: the company sees the same link.
        assert _roles_between(api, company["id"], contact["id"]) == ["Former employee", "Reference"]
        # The link to the sale made offline went after it, under its server id.
        assert _roles_between(api, contact["id"], new_sale["id"]) == ["Contact person"]
        assert "SALES-4242" in atlas_app(server).store.issues(sale["id"])
        after = json.loads(crmdesk("links", "list", "contact", contact["id"], "--json", "--data-dir", data).stdout)
        assert {(link["id"], link["pending"]) for link in after["links"]} >= {
            (company["id"], False), (new_sale["id"], False)}
    finally:
        api.close()
        server.stop()


def test_a_token_that_expires_in_the_middle_of_a_20k_first_sync_is_renewed(tmp_path: Path) -> None:
    """The facade's clock jumps past the token's hour once the records are being read: the next
    request is refused 401, the client fetches a new token once, and the sync completes with every
    entity."""
    with SandboxServer(dialect="atlas", records=20_000, seed=2) as server:
        facade = atlas_app(server)
        expired: list[int] = []

        def expire_once(phase: str, done: int, total: int | None) -> None:
            if phase.startswith("records:") and done >= 2_000 and not expired:
                expired.append(done)
                facade.advance_clock(3_601)

        backend = open_backend("atlas", server.url, server.admin_token)
        try:
            with open_workspace_store(Paths.resolve(tmp_path / "data"), backend, "atlas", server.url) as store:
                report = SyncEngine(store, backend, progress=expire_once).sync()
                assert report.complete, report
                counts = {kind: store.records.count(kind) for kind in TYPES}
        finally:
            backend.close()
        assert expired, "the token was never expired: the test did not test anything"
        assert counts == {kind: facade.store.count(kind) for kind in TYPES}
        assert sum(counts.values()) == 20_000
        assert facade.tokens_issued == 2
