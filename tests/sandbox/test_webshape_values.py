"""The sandbox keeps structured values exactly as a client sent them, as the real server does:
the web app's ``WEBSHAPE_*`` writes come back byte for byte, and so do other clients' shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.remote.recorded import by_name
from tests.sandbox.test_contract import data


def _recorded(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values sent, values answered) of a recorded web-app PATCH."""
    rec = by_name(name)
    assert rec.body is not None
    return json.loads(rec.body)["values"], json.loads(rec.content)["data"]["values"]


@pytest.mark.parametrize(
    ("recording", "object_slug", "create_with"),
    [
        ("WEBSHAPE_PATCH_deal_value_currencyCode", "deals", {"name": "Deal 58 — Expansion", "value": 1}),
        ("WEBSHAPE_PATCH_person_name_camelCase", "people", {"name": {"first_name": "G", "last_name": "H"}}),
    ],
)
def test_a_web_app_write_is_answered_exactly_as_the_real_server_answered_it(
    empty_api: httpx.Client, recording: str, object_slug: str, create_with: dict[str, Any]
) -> None:
    sent, answered = _recorded(recording)
    created = data(empty_api.post(f"/objects/{object_slug}/records", json={"values": create_with}), 201)
    path = f"/objects/{object_slug}/records/{created['id']}"
    patched = data(empty_api.patch(path, json={"values": sent}))
    for slug in sent:
        assert patched["values"][slug] == answered[slug]
        assert data(empty_api.get(path))["values"][slug] == answered[slug]


@pytest.mark.parametrize(
    "value",
    [9999.5, {"amount": 12, "currency": "GBP"}, {"amount": 31500, "currencyCode": "EUR"}],
)
def test_every_currency_shape_is_stored_as_sent(empty_api: httpx.Client, value: Any) -> None:
    created = data(empty_api.post("/objects/deals/records", json={"values": {"name": "D", "value": value}}), 201)
    assert created["values"]["value"] == value
    assert data(empty_api.get(f"/objects/deals/records/{created['id']}"))["values"]["value"] == value


def test_a_value_changed_by_another_path_drops_the_old_wire_form(empty_server, empty_api: httpx.Client) -> None:
    """A later write through the core (another user's edit in tests) answers in the canonical form."""
    created = data(empty_api.post("/objects/deals/records",
                                  json={"values": {"name": "D", "value": {"amount": 1, "currencyCode": "EUR"}}}), 201)
    empty_server.core.records.touch(created["id"], {"value": {"amount": 2, "currency": "EUR"}}, slug="deals")
    answered = data(empty_api.get(f"/objects/deals/records/{created['id']}"))["values"]["value"]
    assert answered["amount"] == 2
