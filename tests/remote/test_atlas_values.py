"""Atlas values both ways, the filters a look-up asks with, and the address typed (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.model import ValidationError
from crmdesk.remote.atlas.session import normalise_url
from crmdesk.remote.atlas.values import equality_operator, filter_param, from_wire, to_wire
from tests.atlas_support import ACCOUNT, LANGUAGES, PIPELINE, sale_attr

pytestmark = pytest.mark.allow_log_warnings("geo-point")  # the template's one unknown field


@pytest.mark.parametrize(("slug", "wire", "canonical"), [
    ("sale-name", "Big deal", "Big deal"),
    ("sale-notes", "line one\nline two", "line one\nline two"),
    ("sale-close", "2026-12-01", "2026-12-01"),
    ("sale-closed-at", "2026-11-24T05:09:18.921Z", "2026-11-24T05:09:18.921Z"),
    ("sale-closed-at", "2026-11-24T06:09:18+01:00", "2026-11-24T05:09:18.000Z"),
    ("sale-units", 12.5, 12.5),
    ("sale-balance", 31500, {"amount": 31500, "currency": "EUR"}),
    ("sale-owner", ACCOUNT, ACCOUNT),
    ("sale-status", "Won", "Won"),
    (LANGUAGES, ["Licenses", "Support"], ["Licenses", "Support"]),
    ("sale-name", None, None),
    (LANGUAGES, [], None),
])
def test_a_value_is_read_as_the_model_holds_it(slug: str, wire: Any, canonical: Any) -> None:
    assert from_wire(sale_attr(slug), wire) == canonical


@pytest.mark.parametrize(("slug", "wire"), [
    ("sale-balance", "lots"), ("sale-units", True), (LANGUAGES, "Licenses"), ("sale-close", "1st of May"),
    ("sale-name", 12),
])
def test_a_value_that_does_not_read_is_refused_naming_its_field(slug: str, wire: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        from_wire(sale_attr(slug), wire)
    assert sale_attr(slug).title in str(caught.value)


@pytest.mark.parametrize(("slug", "canonical", "wire"), [
    ("sale-name", "Big deal", "Big deal"),
    ("sale-close", "2026-12-01", "2026-12-01"),
    ("sale-closed-at", "2026-11-24T05:09:18.921Z", "2026-11-24T05:09:18.921Z"),
    ("sale-units", 3, 3),
    ("sale-balance", {"amount": 31500, "currency": "EUR"}, 31500),
    ("sale-balance", {"amount": 99.5, "currency": None}, 99.5),  # an amount alone is in the field's code
    ("sale-owner", ACCOUNT, ACCOUNT),
    (PIPELINE, "Proposal", "Proposal"),  # a select is written as its label
    (LANGUAGES, ["Support"], ["Support"]),
    ("sale-name", None, None),  # None clears
    (LANGUAGES, None, None),
])
def test_a_value_is_written_in_the_seeds_format(slug: str, canonical: Any, wire: Any) -> None:
    assert to_wire(sale_attr(slug), canonical) == wire


def test_an_amount_in_another_currency_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        to_wire(sale_attr("sale-balance"), {"amount": 10, "currency": "USD"})
    said = str(caught.value)
    assert said.startswith("Balance") and "kept in EUR" in said and "USD" in said


@pytest.mark.parametrize(("slug", "element", "param"), [
    ("sale-name", "Tom", ("fields.sale-name[eq]", "Tom")),
    ("sale-notes", "call back", ("fields.sale-notes[contains]", "call back")),  # text has only contains
    ("sale-close", "2026-12-01", ("fields.sale-close[eq]", "2026-12-01")),
    ("sale-units", 500.0, ("fields.sale-units[eq]", "500")),
    ("sale-balance", {"amount": 500, "currency": "EUR"}, ("fields.sale-balance[eq]", "500")),
    ("sale-owner", ACCOUNT, ("fields.sale-owner[eq]", ACCOUNT)),
    (PIPELINE, "Won", (f"fields.{PIPELINE}[eq]", "Won")),
    (LANGUAGES, "Support", (f"fields.{LANGUAGES}[contains]", "Support")),
])
def test_a_look_up_asks_with_the_operator_the_fields_type_allows(slug: str, element: Any,
                                                                 param: tuple[str, str]) -> None:
    assert filter_param(sale_attr(slug), element) == param


def test_an_operator_the_type_does_not_allow_is_refused_before_it_is_sent() -> None:
    assert filter_param(sale_attr("sale-units"), 500, "gte") == ("fields.sale-units[gte]", "500")
    assert equality_operator(sale_attr("sale-notes")) == "contains"
    with pytest.raises(ValueError, match=r"Notes \(text\) cannot be filtered with “eq” \(only contains\)"):
        filter_param(sale_attr("sale-notes"), "x", "eq")


@pytest.mark.parametrize(("typed", "root"), [
    ("https://atlas.example.com", "https://atlas.example.com"),
    ("https://atlas.example.com/api/1.0/", "https://atlas.example.com"),
    ("https://atlas.example.com/api/1.0/workspace/CRM", "https://atlas.example.com"),
    ("https://jira.example.com/crm/api/1.0?x=1", "https://jira.example.com/crm"),
])
def test_an_address_is_read_as_the_servers_root(typed: str, root: str) -> None:
    assert normalise_url(typed) == root
