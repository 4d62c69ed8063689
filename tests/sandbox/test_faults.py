"""Each fault kind, determinism under a seed, idempotency keys, and --strict."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx
import pytest

from crmdesk.sandbox import FaultConfig, SandboxServer
from tests.sandbox.conftest import client_for


@pytest.fixture(scope="module")
def server():
    with SandboxServer(records=20) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults_after(server: SandboxServer):
    yield
    server.set_faults(None)


def test_server_errors(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(fail_rate=1.0, seed=3))
    with client_for(server) as client:
        statuses = {client.get("/objects").status_code for _ in range(30)}
    assert statuses <= {500, 502, 503} and len(statuses) > 1


def test_rate_limit_with_seconds_and_with_date(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(rate_limit_rate=1.0, retry_after=7))
    with client_for(server) as client:
        response = client.get("/objects")
        assert response.status_code == 429 and response.headers["retry-after"] == "7"
        server.set_faults(FaultConfig(rate_limit_rate=1.0, retry_after=7, retry_after_date=True))
        response = client.get("/objects")
        assert response.status_code == 429
        assert parsedate_to_datetime(response.headers["retry-after"]).tzinfo is not None


def test_latency(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(latency_ms=150))
    with client_for(server) as client:
        response = client.get("/workspace")
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.15


def test_dropped_connection(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(drop_rate=1.0, max_faults=1))
    with client_for(server) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/objects/people/records")
        assert client.get("/objects").status_code == 200  # max_faults=1: the next one is clean


def test_truncated_body(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(truncate_rate=1.0))
    with client_for(server) as client:
        response = client.get("/objects")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_empty_500(server: SandboxServer) -> None:
    server.set_faults(FaultConfig(empty_500_rate=1.0))
    with client_for(server) as client:
        response = client.get("/objects")
    assert response.status_code == 500 and response.content == b""


def test_faults_are_deterministic_and_paths_can_be_excluded(server: SandboxServer) -> None:
    def run() -> list[int]:
        server.set_faults(FaultConfig(fail_rate=0.3, rate_limit_rate=0.2, seed=42,
                                      exclude_paths=("/api/v1/workspace",)))
        with client_for(server) as client:
            assert all(client.get("/workspace").status_code == 200 for _ in range(5))
            return [client.get("/objects").status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second and 200 in first and 429 in first


def test_idempotency_key_returns_the_first_answer_and_creates_once(server: SandboxServer) -> None:
    with client_for(server) as client:
        before = client.get("/objects/companies/records").json()["data"]["pagination"]["total"]
        headers = {"Idempotency-Key": "create-globex-1"}
        body = {"values": {"name": "Globex"}}
        first = client.post("/objects/companies/records", json=body, headers=headers)
        second = client.post("/objects/companies/records", json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json() and second.headers.get("idempotent-replayed") == "true"
        after = client.get("/objects/companies/records").json()["data"]["pagination"]["total"]
        assert after == before + 1
        other = client.post("/objects/companies/records", json=body, headers={"Idempotency-Key": "another"})
        assert other.json()["data"]["id"] != first.json()["data"]["id"]


def test_idempotent_answer_survives_a_dropped_response(server: SandboxServer) -> None:
    """The create happens, the answer is lost; the retry with the same key gets it without a second create."""
    with client_for(server) as client:
        before = client.get("/objects/people/records").json()["data"]["pagination"]["total"]
        server.set_faults(FaultConfig(drop_rate=1.0, max_faults=1))
        headers = {"Idempotency-Key": "lost-answer"}
        body = {"values": {"name": {"first_name": "Retry"}}}
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/objects/people/records", json=body, headers=headers)
        retry = client.post("/objects/people/records", json=body, headers=headers)
        assert retry.status_code == 201
        assert client.get("/objects/people/records").json()["data"]["pagination"]["total"] == before + 1


def test_bad_input_never_takes_the_server_down(server: SandboxServer) -> None:
    with client_for(server) as client:
        for payload in (b"\xff\xfe", b"[" * 5000, b'{"values": {"name": {"first_name": []}}}', b"null", b"1e999"):
            client.post("/objects/people/records", content=payload, headers={"content-type": "application/json"})
            client.post("/objects/people/records/query", content=payload)
        assert client.get("/objects").status_code == 200


def test_strict_drops_what_the_real_server_drops() -> None:
    with SandboxServer(records=40, strict=True) as strict, client_for(strict) as client:
        total = client.get("/objects/deals/records").json()["data"]["pagination"]["total"]
        for condition in ({"attribute": "expected_close_date", "operator": "gt", "value": "2100-01-01"},
                          {"attribute": "updatedAt", "operator": "greater_than", "value": "2100-01-01T00:00:00Z"}):
            body = {"filter": {"operator": "and", "conditions": [condition]}, "limit": 200}
            answer = client.post("/objects/deals/records/query", json=body).json()["data"]
            assert answer["pagination"]["total"] == total
        real = {"attribute": "expected_close_date", "operator": "greater_than", "value": "2100-01-01"}
        body = {"filter": {"operator": "and", "conditions": [real]}}
        assert client.post("/objects/deals/records/query", json=body).json()["data"]["pagination"]["total"] == 0
        name_search = {"attribute": "name", "operator": "contains", "value": "a"}
        body = {"filter": {"operator": "and", "conditions": [name_search]}}
        assert client.post("/objects/people/records/query", json=body).status_code == 500
