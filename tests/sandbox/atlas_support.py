"""What the atlas facade's tests share: a module-scoped server, a client that fetches its own token
(as the adapter does: JSON body, client credentials), and paging by ``_links.next``.

Test modules import the fixtures they use (``server``, ``api``) by name:

    from tests.sandbox.atlas_support import api, server  # noqa: F401  (fixtures)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atlas.template import TEMPLATES, custom_id

JSON = {"Content-Type": "application/json"}
CRM = "/workspace/CRM"
RECORDS = 200
SEED = 5


def token_answer(server: SandboxServer, credentials: str | None = None) -> httpx.Response:
    client_id, _, secret = (credentials or server.admin_token).partition(":")
    return httpx.post(server.api_url + "/oauth/token", headers=JSON, timeout=10,
                      json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})


def fetch_token(server: SandboxServer, credentials: str | None = None) -> str:
    answer = token_answer(server, credentials)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def atlas_client(server: SandboxServer, credentials: str | None = None, *, token: str | None = None) -> httpx.Client:
    """A client on ``/api/1.0/workspace/CRM`` with a fresh token of the admin client (or ``credentials``')."""
    bearer = token or fetch_token(server, credentials)
    return httpx.Client(base_url=server.api_url + CRM, timeout=10,
                        headers={**JSON, "Authorization": f"Bearer {bearer}"})


def field_id(entity_type: str, label: str) -> str:
    """A field's id by its label in the template: a built-in's ``<type>-…``, a custom one's UUID."""
    found = next(f for f in TEMPLATES[entity_type].fields.values() if f.label == label)
    assert found.id.startswith(f"{entity_type}-") or found.id == custom_id(entity_type, label)
    return found.id


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def every_page(client: httpx.Client, url: str, params: Any = None) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every item of a list, following ``_links.next``; also each page's ``total``."""
    items: list[dict[str, Any]] = []
    totals: list[Any] = []
    page = ok(client.get(url, params=params))
    while True:
        items += page["items"]
        totals.append(page["total"])
        following = page["_links"].get("next")
        if following is None:
            return items, totals
        page = ok(client.get(following["href"]))


def all_of(client: httpx.Client, entity_type: str, **params: Any) -> list[dict[str, Any]]:
    items, _ = every_page(client, "/entities", {"type": entity_type, "size": 100, **params})
    return items


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atlas", records=RECORDS, seed=SEED) as running:
        yield running


@pytest.fixture(scope="module")
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    with atlas_client(server) as client:
        yield client
