"""Location, personal name and interaction: small dicts with known keys."""

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

from ._support import T, make_attr

LOCATION = make_attr(T.LOCATION, title="Primary Location")
NAME = make_attr(T.PERSONAL_NAME, title="Name")
INTERACTION = make_attr(T.INTERACTION, title="Last Interaction")


def test_a_typed_address_is_kept_as_one_line() -> None:
    assert parse_user_text(LOCATION, "Phoenix, AZ") == {"line1": "Phoenix, AZ"}
    assert display_text(LOCATION, {"line1": "Phoenix, AZ"}) == "Phoenix, AZ"


def test_address_parts_are_ordered_aliased_and_trimmed() -> None:
    raw = {
        "country_code": "US",
        "zip": " 85001 ",
        "locality": "Phoenix",
        "line_1": "1 Road Runner Way",
        "region": "AZ",
        "line2": "",
        "latitude": 33.4,
    }
    value = validate_value(LOCATION, raw)
    assert list(value) == ["line1", "city", "state", "postcode", "country"]
    assert value == {
        "line1": "1 Road Runner Way",
        "city": "Phoenix",
        "state": "AZ",
        "postcode": "85001",
        "country": "US",
    }
    assert display_text(LOCATION, value) == "1 Road Runner Way, Phoenix, AZ, 85001, US"


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        ({}, "empty address"),
        ({"line1": "   ", "city": None}, "empty address"),
        ({"city": {"name": "Phoenix"}}, "city that is not text"),
        ({"city": True}, "city that is not text"),
        ({"line1": "x" * 1001}, "longer than 1000"),
        (42, "expects an address"),
    ],
)
def test_bad_addresses_are_refused_naming_the_part(wrong: object, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(LOCATION, wrong)
    assert caught.value.attribute == "Primary Location"
    assert words in caught.value.message


def test_multiselect_locations_split_on_semicolons_not_commas() -> None:
    offices = make_attr(T.LOCATION, multiselect=True)
    value = parse_user_text(offices, "Phoenix, AZ; Berlin, DE")
    assert value == [{"line1": "Phoenix, AZ"}, {"line1": "Berlin, DE"}]
    assert parse_user_text(offices, edit_text(offices, value)) == value


def test_unicode_addresses_are_kept() -> None:
    value = parse_user_text(LOCATION, "東京都千代田区 1-1 🏢")
    assert display_text(LOCATION, value) == "東京都千代田区 1-1 🏢"


# -- personal name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jane Doe", {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"}),
        (
            "  Jane   van der  Berg ",
            {"first_name": "Jane", "last_name": "van der Berg", "full_name": "Jane van der Berg"},
        ),
        ("Doe, Jane", {"first_name": "Jane", "last_name": "Doe", "full_name": "Doe, Jane"}),
        ("Cher", {"first_name": "Cher", "full_name": "Cher"}),
        ("José Núñez", {"first_name": "José", "last_name": "Núñez", "full_name": "José Núñez"}),
        ("山田 太郎", {"first_name": "山田", "last_name": "太郎", "full_name": "山田 太郎"}),
    ],
)
def test_names_from_user_text(typed: str, stored: dict) -> None:
    assert parse_user_text(NAME, typed) == stored
    assert display_text(NAME, stored) == stored["full_name"]


def test_a_name_without_a_full_name_gets_one_from_its_parts() -> None:
    assert validate_value(NAME, {"first_name": "Ghost"}) == {"first_name": "Ghost", "full_name": "Ghost"}
    assert validate_value(NAME, {"givenName": "Ada", "familyName": "Lovelace"}) == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "full_name": "Ada Lovelace",
    }


def test_names_are_written_in_the_shape_arias_web_app_reads() -> None:
    value = {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"}
    assert to_wire(NAME, value) == {"firstName": "Jane", "lastName": "Doe", "fullName": "Jane Doe"}
    assert to_wire(NAME, {"first_name": "Ghost", "full_name": "Ghost"}) == {"firstName": "Ghost", "fullName": "Ghost"}


@pytest.mark.parametrize(
    "raw",
    [
        {"firstName": "Grace", "lastName": "Hopper", "fullName": "Grace Hopper"},
        {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper"},
        {"first_name": "Grace", "last_name": "Hopper"},
    ],
)
def test_names_read_in_camel_and_snake_case_alike(raw: dict) -> None:
    assert from_wire(NAME, raw) == {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper"}


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        ({}, "empty name"),
        ({"first_name": ""}, "empty name"),
        (["Jane"], "single value"),
        (7, "expects a name"),
        ({"first_name": "x" * 1001}, "longer than 1000"),
    ],
)
def test_bad_names_are_refused(wrong: object, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(NAME, wrong)
    assert caught.value.attribute == "Name"
    assert words in caught.value.message


def test_names_sort_by_full_name_case_insensitively() -> None:
    names = [parse_user_text(NAME, n) for n in ("bob Brown", "Alice Zed", "Carol Ames")]
    ordered = sorted(names, key=lambda v: sort_key(NAME, v))
    assert [n["full_name"] for n in ordered] == ["Alice Zed", "bob Brown", "Carol Ames"]


# -- interaction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        (
            "email: Quarterly review",
            {"type": "email", "subject": "Quarterly review"},
            "Email · Quarterly review",
        ),
        ("CALL:", {"type": "call"}, "Call"),
        ("Met at the fair", {"type": "note", "subject": "Met at the fair"}, "Note · Met at the fair"),
    ],
)
def test_interactions_from_user_text(typed: str, stored: dict, shown: str) -> None:
    value = parse_user_text(INTERACTION, typed)
    assert value == stored
    assert display_text(INTERACTION, value) == shown
    assert parse_user_text(INTERACTION, edit_text(INTERACTION, value)) == value


def test_interaction_time_is_normalised_and_shown_as_a_day() -> None:
    value = validate_value(INTERACTION, {"interaction_type": "meeting", "interacted_at": "2026-11-24 05:09:18.921663"})
    assert value == {"type": "meeting", "at": "2026-11-24T05:09:18.921Z"}
    assert display_text(INTERACTION, value) == "Meeting · 2026-11-24"


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (": no type", "needs a type"),
        ("x" * 101 + ": too long a type", "longer than 100"),
        ("email: " + "s" * 1001, "longer than 1000"),
    ],
)
def test_bad_interactions_from_text_are_refused_not_cut_short(wrong: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(INTERACTION, wrong)
    assert caught.value.attribute == "Last Interaction"
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        ("email", "expects an interaction"),
        ({"type": 5}, "needs a type"),
        ({"type": "email", "subject": 5}, "not text"),
        ({"type": "email", "at": "soon"}, "date and time"),
    ],
)
def test_bad_interaction_values_are_refused(wrong: object, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(INTERACTION, wrong)
    assert words in caught.value.message


def test_multiselect_interactions_survive_their_own_edit_text() -> None:
    log = make_attr(T.INTERACTION, multiselect=True)
    value = parse_user_text(log, "email: Hello, again; call: Follow-up")
    assert value == [{"type": "email", "subject": "Hello, again"}, {"type": "call", "subject": "Follow-up"}]
    assert parse_user_text(log, edit_text(log, value)) == value
