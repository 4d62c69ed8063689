"""Atlas templates → the model's objects (pure): types, currency, options by label, sections, defaults."""

from __future__ import annotations

import pytest

from crmdesk.model import AttributeType, record_title
from crmdesk.remote.atlas.schema import object_def
from crmdesk.remote.errors import ProtocolError
from tests.atlas_support import LANGUAGES, PIPELINE, SALE_TEMPLATE

T = AttributeType


@pytest.mark.allow_log_warnings(r"leaving out field 'sale-map': its type 'geo-point'")
def test_a_template_is_an_object_with_every_field_it_can_hold() -> None:
    sale = object_def("sale", SALE_TEMPLATE)
    assert (sale.slug, sale.singular_name, sale.plural_name) == ("sale", "Sale", "Sales")
    kinds = {a.slug: a.type for a in sale.attributes}
    assert kinds == {
        "sale-name": T.TEXT, "sale-balance": T.CURRENCY, "sale-status": T.SELECT, "sale-owner": T.ACTOR_REFERENCE,
        PIPELINE: T.SELECT, LANGUAGES: T.SELECT, "sale-notes": T.TEXT, "sale-close": T.DATE,
        "sale-closed-at": T.TIMESTAMP, "sale-units": T.NUMBER,
    }  # the geo-point field is left out (logged), the rest kept
    assert [a.slug for a in sale.attributes if a.multiselect] == [LANGUAGES]
    assert sale.by_slug["sale-balance"].currency_code == "EUR"
    assert sale.by_slug["sale-units"].currency_code is None


@pytest.mark.allow_log_warnings("geo-point")
def test_options_are_their_labels_in_template_order() -> None:
    stage = object_def("sale", SALE_TEMPLATE).by_slug[PIPELINE]
    assert [(o.id, o.title, o.order) for o in stage.options] == [
        (label, label, order) for order, label in enumerate(["Lead", "Qualified", "Proposal", "Negotiation", "Won",
                                                             "Lost"])]
    assert stage.title == "Pipeline stage" and not stage.system  # a custom field (UUID id)


@pytest.mark.allow_log_warnings("geo-point")
def test_sections_defaults_and_required_are_kept_and_the_name_comes_first() -> None:
    sale = object_def("sale", SALE_TEMPLATE)
    assert sale.attributes[0].slug == "sale-name" and sale.attributes[0].required
    assert record_title(sale, {"sale-name": "Big deal", "sale-notes": "x"}) == "Big deal"
    sections = [(a.slug, a.config["section"]) for a in sale.attributes]
    assert sections[:4] == [("sale-name", "Details"), ("sale-balance", "Details"), ("sale-status", "Details"),
                            ("sale-owner", "Details")]
    assert {section for _, section in sections[4:]} == {"Pipeline"}
    assert sale.by_slug["sale-status"].config["default"] == "Open"
    assert sale.by_slug["sale-units"].config["default"] == 1
    assert "default" not in sale.by_slug["sale-owner"].config
    assert [a.order for a in sale.attributes] == list(range(len(sale.attributes)))


def test_a_template_without_sections_is_refused() -> None:
    with pytest.raises(ProtocolError, match="template of contact has no sections"):
        object_def("contact", {"fields": []})
