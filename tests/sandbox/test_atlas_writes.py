"""Creating, updating and deleting atlas entities, and the 400s that name the field at fault."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.atlas_support import api as api  # (a fixture)
from tests.sandbox.atlas_support import field_id, ok
from tests.sandbox.atlas_support import server as server  # (a fixture)

STAGE = field_id("sale", "Pipeline stage")
PRODUCTS = field_id("sale", "Products")
SIGNED = field_id("sale", "Signed at")
NEXT_STEP = field_id("sale", "Next step")


def _sale(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    return ok(api.post("/entities", json={"type": "sale", "fields": {"sale-name": "Test sale", **fields}}), 201)


def test_a_create_answers_the_entity_with_defaults_and_canonical_values(api: httpx.Client) -> None:
    created = _sale(api, **{"sale-balance": 1250.5, "sale-close-date": "2026-12-24", PRODUCTS: ["training", "Support"],
                            SIGNED: "2026-12-01T10:30:00+01:00", "sale-owner": "5b10ac8d82e05b22cc7d4ef5"})
    assert created["type"] == "sale" and created["_links"]["self"]["href"].endswith(created["id"])
    assert created["fields"] == {
        "sale-name": "Test sale", "sale-balance": 1250.5, "sale-status": "Open",
        "sale-owner": "5b10ac8d82e05b22cc7d4ef5", "sale-close-date": "2026-12-24", STAGE: "Lead",
        PRODUCTS: ["Support", "Training"], SIGNED: "2026-12-01T09:30:00.000Z"}
    assert ok(api.get(f"/entities/{created['id']}")) == created


def test_a_create_without_the_required_name_is_400_naming_it(api: httpx.Client) -> None:
    answer = api.post("/entities", json={"type": "contact", "fields": {"contact-email": "a@b.example"}})
    assert answer.status_code == 400 and "contact-name" in answer.json()["message"]
    assert set(answer.json()["errors"]) == {"contact-name"}


@pytest.mark.parametrize(("fields", "named", "why"), [
    ({"sale-colour": "red"}, "sale-colour", "unknown field"),
    ({"contact-email": "x@y.example"}, "contact-email", "unknown field"),
    ({"sale-status": "Pending"}, "sale-status", "'Pending' is not an option"),
    ({STAGE: ["Lead"]}, STAGE, "label of an option"),
    ({PRODUCTS: ["Support", "Cheese"]}, PRODUCTS, "'Cheese' is not an option"),
    ({PRODUCTS: "Support"}, PRODUCTS, "array"),
    ({"sale-close-date": "24/12/2026"}, "sale-close-date", "not a date"),
    ({"sale-close-date": "2026-02-30"}, "sale-close-date", "not a date"),
    ({SIGNED: "yesterday"}, SIGNED, "ISO 8601"),
    ({"sale-balance": "1000"}, "sale-balance", "number"),
    ({"sale-balance": True}, "sale-balance", "number"),
    ({"sale-name": 12}, "sale-name", "string"),
    ({"sale-name": "two\nlines"}, "sale-name", "single line"),
])
def test_a_bad_value_is_400_naming_the_field_and_why(api: httpx.Client, fields: dict[str, Any], named: str,
                                                      why: str) -> None:
    answer = api.post("/entities", json={"type": "sale", "fields": {"sale-name": "Bad", **fields}})
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["message"] and why in answer.json()["errors"][named]


@pytest.mark.parametrize("body", [{"fields": {"company-name": "No type"}}, {"type": "deal", "fields": {}},
                                  {"type": "company", "fields": ["company-name"]}, ["company"]])
def test_a_malformed_create_is_400(api: httpx.Client, body: Any) -> None:
    answer = api.post("/entities", json=body)
    assert answer.status_code == 400 and answer.json()["message"]


def test_a_body_that_is_not_json_is_400(api: httpx.Client) -> None:
    answer = api.post("/entities", content=b'{"type": "sale",')
    assert answer.status_code == 400 and "JSON" in answer.json()["message"]


def test_put_changes_only_the_given_fields_and_null_clears(api: httpx.Client) -> None:
    sale = _sale(api, **{"sale-balance": 900, NEXT_STEP: "Call them"})
    updated = ok(api.put(f"/entities/{sale['id']}", json={"fields": {"sale-balance": 1200, NEXT_STEP: None,
                                                                    STAGE: "negotiation"}}))
    assert updated["fields"]["sale-balance"] == 1200 and updated["fields"][STAGE] == "Negotiation"
    assert NEXT_STEP not in updated["fields"] and updated["fields"]["sale-name"] == "Test sale"
    assert ok(api.get(f"/entities/{sale['id']}"))["fields"] == updated["fields"]


def test_put_cannot_clear_a_required_field_or_write_a_bad_value(api: httpx.Client) -> None:
    sale = _sale(api)
    cleared = api.put(f"/entities/{sale['id']}", json={"fields": {"sale-name": None}})
    assert cleared.status_code == 400 and "sale-name" in cleared.json()["errors"]
    bad = api.put(f"/entities/{sale['id']}", json={"fields": {"sale-close-date": "soon", "nope": 1}})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"sale-close-date", "nope"}
    assert ok(api.get(f"/entities/{sale['id']}"))["fields"] == sale["fields"]


def test_a_renamed_entity_moves_in_the_default_order(api: httpx.Client) -> None:
    company = ok(api.post("/entities", json={"type": "company", "fields": {"company-name": "zzz last"}}), 201)
    ok(api.put(f"/entities/{company['id']}", json={"fields": {"company-name": "AAA first"}}))
    first = ok(api.get("/entities", params={"type": "company", "size": 1}))["items"][0]
    assert first["id"] == company["id"]


def test_delete_answers_the_entity_then_it_is_gone(api: httpx.Client) -> None:
    sale = _sale(api, **{"sale-balance": 5})
    assert ok(api.delete(f"/entities/{sale['id']}")) == sale
    for answer in (api.get(f"/entities/{sale['id']}"), api.delete(f"/entities/{sale['id']}"),
                   api.put(f"/entities/{sale['id']}", json={"fields": {"sale-balance": 6}})):
        assert answer.status_code == 404 and answer.json() == {"message": "Entity not found"}
