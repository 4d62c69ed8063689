"""The atlas facade's OAuth token flow, expiring and revoked tokens, and the content-type rule."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atlas import atlas_app
from tests.sandbox.atlas_support import JSON, atlas_client, fetch_token, ok, token_answer
from tests.sandbox.atlas_support import server as server  # (a fixture)

LIFETIME = 90


@pytest.fixture
def short_lived() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atlas", records=10, seed=2, token_lifetime=LIFETIME) as running:
        yield running


def test_client_credentials_give_a_bearer_token_of_the_configured_lifetime(short_lived: SandboxServer) -> None:
    answer = ok(token_answer(short_lived))
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == LIFETIME and len(answer["access_token"]) > 20
    with atlas_client(short_lived, token=answer["access_token"]) as client:
        assert ok(client.get("/entities", params={"type": "company"}))["total"] == 2
    assert atlas_app(short_lived).tokens_issued == 1


def test_the_credentials_are_client_id_colon_secret_for_two_clients(server: SandboxServer) -> None:
    admin_id, _, admin_secret = server.admin_token.partition(":")
    member_id, _, member_secret = server.member_token.partition(":")
    assert admin_id and admin_secret and member_id and member_secret and admin_id != member_id
    with atlas_client(server, server.member_token) as member:
        created = ok(member.post("/entities", json={"type": "company", "fields": {"company-name": "Member Co"}}), 201)
        assert ok(member.get(f"/entities/{created['id']}"))["fields"]["company-name"] == "Member Co"


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, 401, "invalid_client"),
    ({"grant_type": "password", "client_id": "a", "client_secret": "b"}, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials"}, 400, "invalid_request"),
])
def test_a_bad_token_request_answers_in_oauth_shape(server: SandboxServer, body: dict[str, str], status: int,
                                                    error: str) -> None:
    answer = httpx.post(server.api_url + "/oauth/token", json=body, headers=JSON, timeout=10)
    assert answer.status_code == status and answer.json()["error"] == error and answer.json()["error_description"]


def test_a_wrong_secret_is_refused(server: SandboxServer) -> None:
    client_id, _, secret = server.admin_token.partition(":")
    answer = token_answer(server, f"{client_id}:{secret}x")
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_a_form_encoded_token_request_is_refused_as_the_seed_warns(server: SandboxServer) -> None:
    client_id, _, secret = server.admin_token.partition(":")
    answer = httpx.post(server.api_url + "/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert answer.status_code == 415 and "application/json" in answer.json()["message"]


def test_a_token_expires_after_its_lifetime_on_the_sandbox_clock(short_lived: SandboxServer) -> None:
    app = atlas_app(short_lived)
    with atlas_client(short_lived) as client:
        app.advance_clock(LIFETIME - 5)
        assert client.get("/template/sale").status_code == 200
        app.advance_clock(5)
        expired = client.get("/template/sale")
        assert expired.status_code == 401 and expired.json() == {"message": "The access token has expired"}
        assert expired.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        client.headers["Authorization"] = f"Bearer {fetch_token(short_lived)}"
        assert client.get("/template/sale").status_code == 200
    assert app.tokens_issued == 2


def test_revoked_tokens_answer_401_and_a_new_one_works(short_lived: SandboxServer) -> None:
    with atlas_client(short_lived) as client:
        assert client.get("/template/company").status_code == 200
        atlas_app(short_lived).revoke_tokens()
        refused = client.get("/template/company")
        assert refused.status_code == 401 and "revoked" in refused.json()["message"]
        client.headers["Authorization"] = f"Bearer {fetch_token(short_lived)}"
        assert client.get("/template/company").status_code == 200


@pytest.mark.parametrize("authorization", [None, "Bearer", "Basic abc", "Bearer not-a-token"])
def test_requests_without_a_valid_token_are_401(server: SandboxServer, authorization: str | None) -> None:
    headers = {**JSON, **({"Authorization": authorization} if authorization else {})}
    answer = httpx.get(server.api_url + "/workspace/CRM/template/sale", headers=headers, timeout=10)
    assert answer.status_code == 401 and answer.json()["message"]
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_a_body_that_is_not_json_typed_is_415_but_a_bodyless_get_passes(server: SandboxServer) -> None:
    with atlas_client(server) as client:
        refused = client.post("/entities", content=b'{"type":"company","fields":{"company-name":"X"}}',
                              headers={"Content-Type": "text/plain"})
        assert refused.status_code == 415 and "application/json" in refused.json()["message"]
        bare = httpx.get(server.api_url + "/workspace/CRM/template/sale", timeout=10,
                         headers={"Authorization": client.headers["Authorization"]})
        assert bare.status_code == 200


def test_strict_mode_wants_the_json_content_type_on_every_request() -> None:
    with SandboxServer(dialect="atlas", records=5, strict=True) as strict, atlas_client(strict) as client:
        bearer = {"Authorization": client.headers["Authorization"]}
        bare = httpx.get(strict.api_url + "/workspace/CRM/template/sale", headers=bearer, timeout=10)
        assert bare.status_code == 415 and bare.json()["message"].startswith("Unsupported content type")
        deleted = httpx.delete(strict.api_url + "/workspace/CRM/entities/whatever", headers=bearer, timeout=10)
        assert deleted.status_code == 415
        assert client.get("/template/sale").status_code == 200  # the client sends it on every request


def test_requests_are_counted_by_method_and_path(short_lived: SandboxServer) -> None:
    with atlas_client(short_lived) as client:
        client.get("/entities", params={"type": "sale", "size": 5})
        client.get("/entities", params={"type": "contact"})
    counted = atlas_app(short_lived).requests_by_path
    assert counted["GET /api/1.0/workspace/CRM/entities"] == 2 and counted["POST /api/1.0/oauth/token"] == 1
