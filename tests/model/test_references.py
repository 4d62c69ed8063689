"""Record and actor references: ids inside, titles and names on screen."""

from __future__ import annotations

import pytest

from crmdesk.model import ValidationError
from crmdesk.model.values import (
    display_text,
    edit_text,
    parse_user_text,
    sort_key,
    validate_value,
)
from crmdesk.remote.aria.values import from_wire, to_wire

from ._support import Ctx, T, make_attr

COMPANY = make_attr(T.RECORD_REFERENCE, title="Company", config={"target_object": "companies"})
PEOPLE = make_attr(T.RECORD_REFERENCE, title="Associated People", multiselect=True)
OWNER = make_attr(T.ACTOR_REFERENCE, title="Owner")


def test_record_reference_shows_the_records_title_and_edits_as_its_id() -> None:
    assert COMPANY.target_object == "companies"
    assert parse_user_text(COMPANY, "rec-acme") == "rec-acme"
    assert display_text(COMPANY, "rec-acme", Ctx()) == "Acme Inc"
    assert edit_text(COMPANY, "rec-acme", Ctx()) == "rec-acme"


def test_a_reference_to_a_record_we_do_not_have_says_so() -> None:
    assert display_text(COMPANY, "rec-gone") == "(unknown record)"
    assert display_text(OWNER, "mem-gone") == "(unknown member)"


def test_record_reference_accepts_the_servers_object_and_writes_a_bare_id() -> None:
    wire = {"id": "rec-acme", "displayName": "Acme Inc", "objectSlug": "companies"}
    assert from_wire(COMPANY, wire) == "rec-acme"
    assert validate_value(COMPANY, {"target_record_id": "rec-acme"}) == "rec-acme"
    assert to_wire(COMPANY, "rec-acme") == "rec-acme"


def test_multiselect_references_keep_order_and_drop_duplicates() -> None:
    wire = [{"id": "rec-jane"}, {"id": "rec-acme"}, {"id": "rec-jane"}]
    value = from_wire(PEOPLE, wire)
    assert value == ["rec-jane", "rec-acme"]
    assert to_wire(PEOPLE, value) == ["rec-jane", "rec-acme"]
    assert display_text(PEOPLE, value, Ctx()) == "Jane Doe, Acme Inc"


def test_references_sort_by_what_the_user_sees() -> None:
    ids = ["rec-jane", "rec-globex", "rec-acme"]
    assert sorted(ids, key=lambda v: sort_key(COMPANY, v, Ctx())) == ["rec-acme", "rec-globex", "rec-jane"]


@pytest.mark.parametrize("wrong", ["two words", " ", 42, {"displayName": "No id"}, {"id": ""}, "x" * 201, True])
def test_things_that_are_not_record_ids_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(COMPANY, wrong)
    assert caught.value.attribute == "Company"
    assert "id of a record" in caught.value.message


def test_actor_reference_shows_the_members_name() -> None:
    assert parse_user_text(OWNER, "mem-ada") == "mem-ada"
    assert display_text(OWNER, "mem-ada", Ctx()) == "Ada Lovelace"
    assert from_wire(OWNER, {"id": "mem-bob", "name": "Bob Builder", "email": "bob@x.io"}) == "mem-bob"
    assert validate_value(OWNER, {"referenced_actor_id": "mem-ada"}) == "mem-ada"


@pytest.mark.parametrize("wrong", ["Ada Lovelace", 3.5, ["mem-ada", "mem-bob"]])
def test_things_that_are_not_member_ids_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(OWNER, wrong)
    assert caught.value.attribute == "Owner"
