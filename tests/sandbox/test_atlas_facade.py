"""The atlas facade as a whole: unknown routes, injected faults in Atlas's message shape, the demo's
size and a reopened data file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from crmdesk.sandbox import FaultConfig, SandboxServer
from crmdesk.sandbox.atlas import atlas_app
from tests.sandbox.atlas_support import api as api  # (a fixture)
from tests.sandbox.atlas_support import atlas_client, ok
from tests.sandbox.atlas_support import server as server  # (a fixture)


@pytest.mark.parametrize("path", ["/workspace/CRM/nothing", "/workspace/CRM/entities/x/y/z", "/v2/objects"])
def test_an_unknown_route_is_404_in_the_message_shape(server: SandboxServer, path: str) -> None:
    answer = httpx.get(server.api_url + path, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 404 and set(answer.json()) == {"message"} and path in answer.json()["message"]


def test_a_method_the_route_lacks_is_405_naming_the_allowed_ones(api: httpx.Client) -> None:
    answer = api.get("/entities/some-id/comments")
    assert answer.status_code == 405 and answer.headers["allow"] == "POST" and answer.json()["message"]
    assert api.patch("/entities/some-id").headers["allow"] == "GET, PUT, DELETE"


def test_the_demo_splits_records_over_companies_contacts_and_sales(api: httpx.Client) -> None:
    totals = {t: ok(api.get("/entities", params={"type": t, "size": 1}))["total"]
              for t in ("company", "contact", "sale")}
    assert totals == {"company": 40, "contact": 100, "sale": 60}


def test_an_empty_demo_still_has_its_clients() -> None:
    with SandboxServer(dialect="atlas", records=0) as empty, atlas_client(empty) as client:
        assert ok(client.get("/entities", params={"type": "sale"}))["total"] == 0


def test_injected_faults_answer_in_the_message_shape(server: SandboxServer, api: httpx.Client) -> None:
    server.set_faults(FaultConfig(fail_rate=1.0, max_faults=1))
    try:
        failed = api.get("/template/sale")
        assert failed.status_code in (500, 502, 503) and failed.json() == {"message": "Injected server error"}
        server.set_faults(FaultConfig(rate_limit_rate=1.0, retry_after=7, max_faults=1))
        limited = api.get("/template/sale")
        assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
        assert limited.json() == {"message": "Too many requests"}
        assert api.get("/template/sale").status_code == 200
    finally:
        server.set_faults(None)


def test_a_reopened_file_keeps_its_entities_and_credentials(tmp_path: Path) -> None:
    path = tmp_path / "atlas.sqlite"
    with SandboxServer(dialect="atlas", records=20, db_path=path) as first, atlas_client(first) as client:
        made = ok(client.post("/entities", json={"type": "company", "fields": {"company-name": "Kept BV"}}), 201)
        credentials = first.admin_token
    with SandboxServer(dialect="atlas", records=20, db_path=path) as again, atlas_client(again) as client:
        assert again.admin_token == credentials
        assert ok(client.get(f"/entities/{made['id']}"))["fields"] == {"company-name": "Kept BV"}
        assert ok(client.get("/entities", params={"type": "company"}))["total"] == 5
        assert atlas_app(again).tokens_issued == 1


def test_a_file_of_another_dialect_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "attio.sqlite"
    with SandboxServer(dialect="attio", records=0, db_path=path):
        pass
    with pytest.raises(ValueError, match="made by the attio sandbox"):
        SandboxServer(dialect="atlas", db_path=path).start()


def test_atlas_app_refuses_another_dialect_s_server(server: SandboxServer) -> None:
    with SandboxServer(dialect="attio", records=0) as attio, pytest.raises(ValueError, match="atlas"):
        atlas_app(attio)
    assert atlas_app(server).store.count("company") >= 40
