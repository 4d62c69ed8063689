"""Values the team's web app wrote survive crmdesk: pulled, edited here, pushed — and stored on
the server in the web app's own shape, so its users see what crmdesk wrote."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.model.values import parse_user_text
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import sync


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=12) as running:
        yield running


def _web_app_patch(server: SandboxServer, slug: str, record_id: str, values: dict) -> None:
    """A colleague's edit in the web app: its own shapes, through the same API."""
    answer = httpx.patch(f"{server.api_url}/objects/{slug}/records/{record_id}", json={"values": values},
                         headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert answer.status_code == 200, answer.text


def _stored_wire(server: SandboxServer, slug: str, record_id: str) -> dict:
    assert server.core is not None
    return server.core.records.get(slug, record_id).sent  # type: ignore[attr-defined, no-any-return]


def test_a_euro_deal_stays_in_euros_through_pull_edit_and_push(store: Store, server: SandboxServer) -> None:
    deal_id = sorted(store.records.ids("deals"))[0]
    _web_app_patch(server, "deals", deal_id, {"value": {"amount": 12000, "currencyCode": "EUR"}})
    assert sync(store, server).status.value == "synced"
    deal = store.records.get(deal_id)
    assert deal is not None and deal.values["value"] == {"amount": 12000, "currency": "EUR"}
    attr = store.schema.get_object("deals").attribute("value")
    assert attr is not None
    typed = parse_user_text(attr, "31,500", deal.values["value"])  # what the table and record page do
    store.edits.update_record(deal_id, {"value": typed})
    assert sync(store, server).status.value == "synced"
    assert _stored_wire(server, "deals", deal_id)["value"] == {"amount": 31500, "currencyCode": "EUR"}


def test_a_name_edited_here_is_stored_in_the_web_apps_keys(store: Store, server: SandboxServer) -> None:
    person_id = sorted(store.records.ids("people"))[0]
    _web_app_patch(server, "people", person_id,
                   {"name": {"firstName": "Grace", "lastName": "Hopper", "fullName": "Grace Hopper"}})
    assert sync(store, server).status.value == "synced"
    attr = store.schema.get_object("people").attribute("name")
    assert attr is not None
    store.edits.update_record(person_id, {"name": parse_user_text(attr, "Grace Brewster Hopper")})
    assert sync(store, server).status.value == "synced"
    assert _stored_wire(server, "people", person_id)["name"] == {
        "firstName": "Grace", "lastName": "Brewster Hopper", "fullName": "Grace Brewster Hopper"}
