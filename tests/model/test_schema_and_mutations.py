"""Schema lookups, record titles, mutations and the attribute-level helpers around values."""

from __future__ import annotations

import pytest

from crmdesk.model import (
    UNTITLED,
    AttributeDef,
    EntityKind,
    ListDef,
    Member,
    Mutation,
    MutationOp,
    MutationState,
    ObjectDef,
    Option,
    ValidationError,
    is_local_id,
    record_title,
)
from crmdesk.model.values import changed_fields, parse_user_text, search_text, values_equal

from ._support import OPTIONS, Ctx, T, make_attr

NAME = make_attr(T.PERSONAL_NAME, slug="name", title="Name")
EMAILS = make_attr(T.EMAIL_ADDRESS, slug="email_addresses", title="Email Addresses", multiselect=True)
PEOPLE = ObjectDef("people", "Person", "People", attributes=(EMAILS, NAME))


def test_attribute_lookup_and_option_lookup() -> None:
    stage = make_attr(T.STATUS, title="Stage")
    assert PEOPLE.attribute("name") is NAME and PEOPLE.attribute("nope") is None
    assert stage.has_options and not NAME.has_options
    assert stage.option_by_id("opt-won") == OPTIONS[2]
    assert stage.option_by_title("  qualified ") == OPTIONS[1]
    assert stage.option_by_title("Nope") is None
    assert make_attr(T.CURRENCY, config={"currency_code": "EUR"}).currency_code == "EUR"
    assert make_attr(T.CURRENCY).currency_code is None


def test_the_title_attribute_is_name_or_the_first_text_like_attribute() -> None:
    assert PEOPLE.title_attribute is NAME
    label = AttributeDef("label", "Label", T.TEXT, order=2)
    count = AttributeDef("count", "Count", T.NUMBER, order=0)
    assert ObjectDef("things", "Thing", "Things", attributes=(count, label)).title_attribute is label
    assert ObjectDef("nums", "Num", "Nums", attributes=(count,)).title_attribute is None


@pytest.mark.parametrize(
    ("values", "title"),
    [
        ({"name": {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"}}, "Jane Doe"),
        ({"name": None}, UNTITLED),
        ({}, UNTITLED),
        ({"name": {"first_name": "山田", "full_name": "山田"}}, "山田"),
    ],
)
def test_record_titles(values: dict, title: str) -> None:
    assert record_title(PEOPLE, values) == title


def test_an_object_without_a_title_attribute_has_untitled_records() -> None:
    nums = ObjectDef("nums", "Num", "Nums", attributes=(AttributeDef("n", "N", T.NUMBER),))
    assert record_title(nums, {"n": 5}) == "Unnamed"


def test_multiselect_is_refused_for_single_value_types() -> None:
    for attribute_type in (T.CURRENCY, T.DATE, T.TIMESTAMP, T.CHECKBOX, T.STATUS, T.RATING, T.PERSONAL_NAME):
        with pytest.raises(ValueError, match="cannot be multiselect"):
            AttributeDef("x", "X", attribute_type, multiselect=True)


def test_lists_members_and_local_ids() -> None:
    priority = AttributeDef("priority", "Priority", T.RATING)
    deals = ListDef("l1", "Hot deals", "deals", attributes=(priority,))
    assert deals.attribute("priority") is priority and deals.attribute("x") is None
    assert Member("m1", "Ada", "ada@x.io", role="admin").is_admin
    assert not Member("m2", "Bob", "bob@x.io").is_admin
    assert is_local_id("local-123") and not is_local_id("b20085c0-940e-4a8b-ab0d-6f1c3319e3f0")


def test_options_are_immutable() -> None:
    with pytest.raises(AttributeError):
        OPTIONS[0].title = "Changed"  # type: ignore[misc]
    assert Option("o", "T").active is True


# -- mutations --------------------------------------------------------------------------------


def test_an_update_keeps_the_changes_and_the_values_they_replaced() -> None:
    mutation = Mutation(
        mutation_id="m-1",
        entity=EntityKind.RECORD,
        op=MutationOp.UPDATE,
        target_id="rec-1",
        scope="people",
        changes={"job_title": "CTO", "description": None},
        base={"job_title": "VP Sales", "description": "Key contact"},
    )
    assert mutation.fields == ["description", "job_title"]
    assert mutation.state is MutationState.PENDING and mutation.attempts == 0 and mutation.error is None


def test_mutations_do_not_share_their_dicts() -> None:
    first = Mutation("m-1", EntityKind.NOTE, MutationOp.CREATE, "local-1")
    second = Mutation("m-2", EntityKind.NOTE, MutationOp.CREATE, "local-2")
    first.changes["title"] = "x"
    assert second.changes == {} and second.fields == []


def test_mutation_enums_have_the_stored_spellings() -> None:
    assert [k.value for k in EntityKind] == [
        "record", "entry", "note", "task", "list", "notification", "comment", "link", "issue_link"]
    assert [o.value for o in MutationOp] == ["create", "update", "delete"]
    assert MutationState("in_flight") is MutationState.IN_FLIGHT


def test_changed_fields_treat_empty_alike_and_compare_values() -> None:
    before = {"a": None, "b": [], "c": "x", "d": [1, 2], "e": {"amount": 1, "currency": None}}
    after = {"a": [], "c": "y", "d": [2, 1], "e": {"amount": 1, "currency": None}, "f": "new"}
    assert list(changed_fields(before, after)) == ["c", "d", "f"]
    assert values_equal(None, []) and values_equal([], None) and not values_equal(0, None)
    assert not values_equal(False, None)


# -- search text and validation errors -----------------------------------------------------


def test_search_text_includes_text_like_values_only() -> None:
    assert search_text(EMAILS, ["jane@acme.com", "j@x.io"]) == "jane@acme.com j@x.io"
    assert search_text(make_attr(T.NUMBER), 1200) == ""
    assert search_text(make_attr(T.RECORD_REFERENCE), "rec-acme", Ctx()) == ""
    assert search_text(NAME, {"full_name": "Jane Doe"}) == "Jane Doe"


def test_a_validation_error_names_the_attribute_and_reads_as_a_sentence() -> None:
    error = ValidationError("Deal Value", "is required")
    assert isinstance(error, ValueError)
    assert str(error) == "Deal Value: is required"
    assert (error.attribute, error.message) == ("Deal Value", "is required")


def test_an_untitled_attribute_is_named_by_its_slug() -> None:
    bare = AttributeDef("employees", "", T.NUMBER)
    with pytest.raises(ValidationError) as caught:
        parse_user_text(bare, "lots")
    assert caught.value.attribute == "employees"
