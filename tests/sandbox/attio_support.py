"""What the attio facade's tests share: clients whose every exchange is checked against Attio's spec,
and the demo's ids looked up over the API. The fixtures (``checked``, ``api``, ``demo``) are imported
by each test module and use that module's ``server`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.attio_spec import SpecCheckingTransport
from tests.attio_support import paged


def checked_client(server: SandboxServer, token: str | None = None, *,
                   check_requests: bool = True) -> tuple[httpx.Client, SpecCheckingTransport]:
    """A client over loopback HTTP whose requests and answers are checked against the spec."""
    transport = SpecCheckingTransport(check_requests=check_requests)
    client = httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {token or server.admin_token}"},
                          timeout=10, transport=transport)
    return client, transport


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()["data"]


def query_all(client: httpx.Client, object_slug: str, page: int = 500, **body: Any) -> list[dict[str, Any]]:
    """Every record of an object, page by page (newest first unless ``sorts`` says otherwise)."""
    return paged(lambda limit, offset: data(client.post(f"/objects/{object_slug}/records/query", json={
        "sorts": [{"direction": "desc", "attribute": "created_at"}], **body, "limit": limit, "offset": offset})), page)


def first(values: dict[str, Any], slug: str, field: str = "value") -> Any:
    items = values.get(slug) or []
    return items[0][field] if items else None


@dataclass(frozen=True)
class Demo:
    """Ids of the demo's things, as the API answers them."""

    member_id: str
    other_member_id: str
    person_id: str
    company_id: str
    deal_id: str
    list_slug: str
    list_id: str
    entry_id: str
    deals_object_id: str

    @classmethod
    def read(cls, client: httpx.Client) -> Demo:
        me = client.get("/self").json()["authorized_by_workspace_member_id"]
        members = [m["id"]["workspace_member_id"] for m in data(client.get("/workspace_members"))]
        ids = {slug: data(client.post(f"/objects/{slug}/records/query", json={"limit": 1}))[0]["id"]["record_id"]
               for slug in ("people", "companies", "deals")}
        pipeline = next(x for x in data(client.get("/lists")) if x["parent_object"] == ["deals"])
        entry = data(client.post(f"/lists/{pipeline['api_slug']}/entries/query", json={"limit": 1}))[0]
        deals = data(client.get("/objects/deals"))["id"]["object_id"]
        return cls(me, next(m for m in members if m != me), ids["people"], ids["companies"], ids["deals"],
                   pipeline["api_slug"], pipeline["id"]["list_id"], entry["id"]["entry_id"], deals)


@pytest.fixture
def checked(server: SandboxServer) -> Iterator[tuple[httpx.Client, SpecCheckingTransport]]:
    """An admin client on the module's ``server``; nothing it sent or heard may break the spec."""
    client, transport = checked_client(server)
    with client:
        yield client, transport
    assert transport.problems == []


@pytest.fixture
def api(checked: tuple[httpx.Client, SpecCheckingTransport]) -> httpx.Client:
    return checked[0]


@pytest.fixture(scope="module")
def demo(server: SandboxServer) -> Demo:
    """The demo's ids on the module's ``server``, read once (over a client of its own, so that a
    test's ``checked`` transport holds only what the test sent)."""
    client, transport = checked_client(server)
    with client:
        found = Demo.read(client)
    assert transport.problems == []
    return found
