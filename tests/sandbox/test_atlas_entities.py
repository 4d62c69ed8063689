"""The atlas facade's templates and entity lists: paging by ``_links.next``, ``total``, sorting, and
every filter operator of every field type checked against the whole list filtered here."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.sandbox.atlas_support import all_of, atlas_client, every_page, field_id, ok
from tests.sandbox.atlas_support import api as api  # (a fixture)
from tests.sandbox.atlas_support import server as server  # (a fixture)

TYPES = ("string", "text", "date", "timestamp", "decimal", "user", "single-select", "multi-select")


def test_each_template_has_sections_built_in_and_custom_fields(api: httpx.Client) -> None:
    seen_types: set[str] = set()
    for entity_type in ("company", "contact", "sale"):
        template = ok(api.get(f"/template/{entity_type}"))
        fields = [f for section in template["sections"] for f in section["fields"]]
        assert len(template["sections"]) >= 2 and all(s["name"] for s in template["sections"])
        name = next(f for f in fields if f["id"] == f"{entity_type}-name")
        assert (name["type"], name["required"], name["label"]) == ("string", True, "Name")
        custom = [f for f in fields if not f["id"].startswith(f"{entity_type}-")]
        assert len(custom) >= 2 and all(uuid.UUID(f["id"]) for f in custom)
        assert all(set(f) == {"id", "label", "type", "default-value", "config", "required"} for f in fields)
        seen_types |= {f["type"] for f in fields}
    assert seen_types == set(TYPES)


def test_select_options_and_currency_are_in_the_config(api: httpx.Client) -> None:
    fields = {f["label"]: f for s in ok(api.get("/template/sale"))["sections"] for f in s["fields"]}
    assert fields["Pipeline stage"]["config"] == {
        "options": ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]}
    assert fields["Pipeline stage"]["default-value"] == "Lead" and fields["Status"]["default-value"] == "Open"
    assert fields["Balance"]["config"] == {"currency": "EUR"} and fields["Balance"]["type"] == "decimal"
    assert fields["Products"]["type"] == "multi-select" and "Support" in fields["Products"]["config"]["options"]


def test_an_unknown_template_type_is_400(api: httpx.Client) -> None:
    answer = api.get("/template/deal")
    assert answer.status_code == 400 and "deal" in answer.json()["message"]


def test_paging_follows_absolute_next_links_to_every_entity_once(api: httpx.Client, server: SandboxServer) -> None:
    items, totals = every_page(api, "/entities", {"type": "contact", "size": 30})
    assert totals == [100] * 4 and len(items) == 100 and len({i["id"] for i in items}) == 100
    first = ok(api.get("/entities", params={"type": "contact", "size": 30}))
    assert first["_links"]["next"]["href"].startswith(server.url + "/api/1.0/workspace/CRM/entities?")
    assert "size=30" in first["_links"]["next"]["href"] and first["_links"]["self"]["href"].startswith(server.url)
    names = [i["fields"]["contact-name"].casefold() for i in items]
    assert names == sorted(names)
    assert all(i["type"] == "contact" and i["_links"]["self"]["href"].endswith(i["id"]) for i in items)


def test_the_last_page_has_no_next_and_the_default_size_is_20(api: httpx.Client) -> None:
    first = ok(api.get("/entities", params={"type": "company"}))
    assert len(first["items"]) == 20 and first["total"] == 40 and "next" in first["_links"]
    last = ok(api.get(first["_links"]["next"]["href"]))
    assert len(last["items"]) == 20 and "next" not in last["_links"]


@pytest.mark.parametrize(("params", "named"), [
    ({"type": "company", "size": 101}, "size"), ({"type": "company", "size": 0}, "size"),
    ({"type": "company", "page": "x"}, "page"), ({}, "type"), ({"type": "deal"}, "deal"),
    ({"type": "sale", "sort-by": "contact-email"}, "contact-email"),
])
def test_bad_list_parameters_are_400_naming_them(api: httpx.Client, params: dict[str, Any], named: str) -> None:
    answer = api.get("/entities", params=params)
    assert answer.status_code == 400 and named in answer.json()["message"]


def test_sort_by_another_field_puts_empty_values_last(api: httpx.Client) -> None:
    balance = field_id("sale", "Balance")
    items = all_of(api, "sale", **{"sort-by": balance})
    amounts = [i["fields"][balance] for i in items]
    assert len(items) == 60 and amounts == sorted(amounts)
    signed = field_id("sale", "Signed at")
    by_signing = [i["fields"].get(signed) for i in all_of(api, "sale", **{"sort-by": signed})]
    present = [s for s in by_signing if s is not None]
    assert present and by_signing == present + [None] * (len(by_signing) - len(present)) and present == sorted(present)


def _matching(items: list[dict[str, Any]], fid: str, test: Callable[[Any], bool]) -> set[str]:
    return {i["id"] for i in items if i["fields"].get(fid) is not None and test(i["fields"][fid])}


def _filtered(api: httpx.Client, entity_type: str, params: list[tuple[str, str]]) -> set[str]:
    items, totals = every_page(api, "/entities", [("type", entity_type), ("size", "100"), *params])
    assert totals[0] == len(items)
    return {i["id"] for i in items}


def _some(items: list[dict[str, Any]], fid: str) -> Any:
    """A value of the field some entity has (the middle one in order, so gte and lte both cut)."""
    values = sorted({str(i["fields"][fid]) if not isinstance(i["fields"][fid], (int, float)) else i["fields"][fid]
                     for i in items if i["fields"].get(fid) is not None})
    assert len(values) > 2
    return values[len(values) // 2]


@pytest.mark.parametrize(("entity_type", "label"), [
    ("company", "Customer since"), ("contact", "Last contacted"), ("sale", "Balance"), ("sale", "Expected close date")])
def test_ordered_fields_filter_with_eq_gte_lte(api: httpx.Client, entity_type: str, label: str) -> None:
    items = all_of(api, entity_type)
    fid = field_id(entity_type, label)
    pivot = _some(items, fid)
    for op, test in (("eq", lambda v: v == pivot), ("gte", lambda v: v >= pivot), ("lte", lambda v: v <= pivot)):
        expected = _matching(items, fid, test)
        assert expected and _filtered(api, entity_type, [(f"fields.{fid}[{op}]", str(pivot))]) == expected, op
    assert _filtered(api, entity_type, [(f"fields.{fid}", str(pivot))]) == _matching(items, fid, lambda v: v == pivot)


def test_string_eq_is_exact_and_contains_is_a_partial_match_ignoring_case(api: httpx.Client) -> None:
    contacts = all_of(api, "contact")
    email = contacts[7]["fields"]["contact-email"]
    assert _filtered(api, "contact", [("fields.contact-email", email)]) == _matching(
        contacts, "contact-email", lambda v: v == email)
    assert _filtered(api, "contact", [("fields.contact-email[eq]", email.upper())]) == set()
    domain = email.split("@")[1]
    expected = _matching(contacts, "contact-email", lambda v: domain in v.casefold())
    assert contacts[7]["id"] in expected
    assert _filtered(api, "contact", [("fields.contact-email[contains]", domain.upper())]) == expected


def test_text_contains(api: httpx.Client) -> None:
    companies = all_of(api, "company")
    word = _some(companies, "company-description").split()[1].casefold()
    expected = _matching(companies, "company-description", lambda v: word in v.casefold())
    assert expected and _filtered(api, "company", [("fields.company-description", word)]) == expected
    assert _filtered(api, "company", [("fields.company-description[contains]", word)]) == expected


def test_user_and_single_select_eq_and_multi_select_contains(api: httpx.Client) -> None:
    sales = all_of(api, "sale")
    owner = sales[0]["fields"]["sale-owner"]
    assert re.fullmatch(r"[0-9a-f]{24}", owner)
    owned = _matching(sales, "sale-owner", lambda v: v == owner)
    assert _filtered(api, "sale", [("fields.sale-owner", owner)]) == owned
    stage = field_id("sale", "Pipeline stage")
    proposals = _matching(sales, stage, lambda v: v == "Proposal")
    assert proposals and _filtered(api, "sale", [(f"fields.{stage}[eq]", "Proposal")]) == proposals
    products = field_id("sale", "Products")
    support = _matching(sales, products, lambda v: "Support" in v)
    assert support and _filtered(api, "sale", [(f"fields.{products}[contains]", "Support")]) == support
    assert _filtered(api, "sale", [(f"fields.{products}", "support")]) == support  # labels ignore case


def test_the_same_field_and_operator_twice_is_or_and_different_ones_and(api: httpx.Client) -> None:
    sales = all_of(api, "sale")
    closed = _matching(sales, "sale-status", lambda v: v in ("Won", "Lost"))
    assert closed and closed != {s["id"] for s in sales}
    # The seed's own example, lower-case labels and all.
    assert _filtered(api, "sale", [("fields.sale-status", "won"), ("fields.sale-status", "lost")]) == closed
    rich = _matching(sales, "sale-balance", lambda v: v >= 100_000)
    both = _filtered(api, "sale", [("fields.sale-status", "won"), ("fields.sale-status", "lost"),
                                   ("fields.sale-balance[gte]", "100000")])
    assert both == closed & rich and both


@pytest.mark.parametrize(("entity_type", "param", "value", "named"), [
    ("contact", "fields.contact-email[gte]", "a", "gte"),
    ("company", "fields.company-description[eq]", "a", "eq"),
    ("sale", "fields.sale-owner[contains]", "a", "contains"),
    ("sale", "fields.sale-status[contains]", "Won", "contains"),
    ("sale", "fields.sale-balance[contains]", "5", "contains"),
    ("sale", "fields.sale-close-date[like]", "2026-01-01", "like"),
    ("sale", "fields.contact-email", "x", "contact-email"),
    ("sale", "fields.sale-close-date", "01/02/2026", "sale-close-date"),
    ("sale", "fields.sale-balance[gte]", "lots", "sale-balance"),
    ("sale", "fields.sale-status", "Pending", "Pending"),
])
def test_a_filter_the_type_does_not_allow_is_400(api: httpx.Client, entity_type: str, param: str, value: str,
                                                  named: str) -> None:
    answer = api.get("/entities", params={"type": entity_type, param: value})
    assert answer.status_code == 400 and named in answer.json()["message"]


def test_filters_and_paging_keep_each_other(api: httpx.Client) -> None:
    items, totals = every_page(api, "/entities", [("type", "contact"), ("size", "7"),
                                                  ("fields.contact-job-title", "CEO")])
    expected = _matching(all_of(api, "contact"), "contact-job-title", lambda v: v == "CEO")
    assert len(expected) > 7 and {i["id"] for i in items} == expected and set(totals) == {len(expected)}


def test_the_demo_is_the_same_for_the_same_seed() -> None:
    def first_page(server: SandboxServer) -> list[Any]:
        with atlas_client(server) as client:
            return [(i["id"], i["fields"]) for i in ok(client.get("/entities", params={"type": "sale"}))["items"]]

    with SandboxServer(dialect="atlas", records=30, seed=9) as one, SandboxServer(dialect="atlas", records=30,
                                                                                  seed=9) as two:
        assert first_page(one) == first_page(two) and first_page(one)
