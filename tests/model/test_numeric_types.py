"""Number, currency and rating: parse, validate, display, sort, wrong types."""

from __future__ import annotations

import math

import pytest

from crmdesk.model import ValidationError
from crmdesk.model.values import display_text, edit_text, parse_user_text, sort_key, validate_value

from ._support import T, make_attr

NUMBER = make_attr(T.NUMBER, title="Employees")
CURRENCY = make_attr(T.CURRENCY, title="Deal Value")
EURO = make_attr(T.CURRENCY, title="Budget", config={"currency_code": "EUR"})
RATING = make_attr(T.RATING, title="Score")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("1200", 1200, "1,200"),
        ("1,200", 1200, "1,200"),
        ("1 200 000", 1200000, "1,200,000"),
        ("1_000", 1000, "1,000"),
        ("1,200.50", 1200.5, "1,200.5"),
        ("9,5", 9.5, "9.5"),
        ("-42", -42, "-42"),
        ("+7", 7, "7"),
        (".25", 0.25, "0.25"),
        ("1e3", 1000, "1,000"),
        ("1200.0", 1200, "1,200"),
        ("0", 0, "0"),
    ],
)
def test_numbers_from_user_text(typed: str, stored: int | float, shown: str) -> None:
    value = parse_user_text(NUMBER, typed)
    assert value == stored
    assert type(value) is type(stored)  # 1200.0 is stored as the integer 1200
    assert display_text(NUMBER, value) == shown


@pytest.mark.parametrize("typed", ["twelve", "1.2.3", "12abc", "--5", "1e400", "inf", "NaN", "1,2,3,4", "€5"])
def test_text_that_is_not_a_number_is_refused_by_name(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(NUMBER, typed)
    assert caught.value.attribute == "Employees"
    assert "number" in caught.value.message


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (True, "true/false"),
        (False, "true/false"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-math.inf, "finite"),
        (2**53 + 1, "too large"),
        (10**400, "too large"),
        ({"amount": 1}, "a set of fields"),
        (None.__class__, "another kind"),
    ],
)
def test_wrong_typed_numbers_are_refused_in_words(wrong: object, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(NUMBER, wrong)
    assert words in caught.value.message
    assert "NoneType" not in caught.value.message and "dict" not in caught.value.message


def test_a_list_for_a_single_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="single value"):
        validate_value(NUMBER, [1, 2])


def test_the_largest_exact_integer_is_kept_exactly() -> None:
    assert validate_value(NUMBER, 2**53) == 2**53
    assert validate_value(NUMBER, -(2**53)) == -(2**53)
    assert parse_user_text(NUMBER, str(2**53)) == 2**53


def test_numbers_sort_numerically_not_as_text() -> None:
    values = [100, 9, -3, 2.5, 1200]
    assert sorted(values, key=lambda v: sort_key(NUMBER, v)) == [-3, 2.5, 9, 100, 1200]


def test_multiselect_numbers_keep_thousands_separators_together() -> None:
    counts = make_attr(T.NUMBER, multiselect=True)
    assert parse_user_text(counts, "1,200; 45") == [1200, 45]
    assert parse_user_text(counts, "1,2") == [1, 2]


# -- currency -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("25000", {"amount": 25000, "currency": None}, "25,000.00"),
        ("$25,000", {"amount": 25000, "currency": "USD"}, "$25,000.00"),
        ("99 €", {"amount": 99, "currency": "EUR"}, "€99.00"),
        ("EUR 99.5", {"amount": 99.5, "currency": "EUR"}, "€99.50"),
        ("1200 chf", {"amount": 1200, "currency": "CHF"}, "1,200.00 CHF"),
        ("£-5", {"amount": -5, "currency": "GBP"}, "-£5.00"),
        ("-1,200.50 USD", {"amount": -1200.5, "currency": "USD"}, "-$1,200.50"),
    ],
)
def test_currency_from_user_text(typed: str, stored: dict, shown: str) -> None:
    value = parse_user_text(CURRENCY, typed)
    assert value == stored
    assert display_text(CURRENCY, value) == shown


def test_currency_without_a_code_takes_the_attributes_default() -> None:
    assert parse_user_text(EURO, "10") == {"amount": 10, "currency": "EUR"}
    assert parse_user_text(EURO, "$10") == {"amount": 10, "currency": "USD"}


def test_currency_edit_text_parses_back_to_the_same_value() -> None:
    for value in ({"amount": 1200.5, "currency": "USD"}, {"amount": 7, "currency": None}):
        assert parse_user_text(CURRENCY, edit_text(CURRENCY, value)) == value


@pytest.mark.parametrize("typed", ["USD", "lots", "$", "12 dollars"])
def test_currency_text_that_is_not_an_amount_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(CURRENCY, typed)
    assert caught.value.attribute == "Deal Value"
    assert "1,200.50" in caught.value.message


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        ({"currency": "USD"}, "amount"),
        ({"amount": True}, "true/false"),
        ({"amount": 5, "currency": "DOLLARS"}, "three-letter"),
        ({"amount": 5, "currency": ["USD"]}, "not text"),
        ({"amount": math.nan}, "finite"),
        (True, "amount"),
        (["5"], "single value"),
    ],
)
def test_wrong_currency_values_are_refused(wrong: object, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(CURRENCY, wrong)
    assert words in caught.value.message
    assert "[" not in caught.value.message  # no Python list repr


def test_currency_accepts_the_snake_case_code_and_a_bare_number() -> None:
    assert validate_value(CURRENCY, {"amount": "12", "currency_code": "usd"}) == {
        "amount": 12,
        "currency": "USD",
    }
    assert validate_value(CURRENCY, 9999.5) == {"amount": 9999.5, "currency": None}


def test_currency_sorts_by_amount() -> None:
    values = [
        {"amount": 30, "currency": "USD"},
        {"amount": -1, "currency": None},
        {"amount": 2.5, "currency": "EUR"},
    ]
    ordered = sorted(values, key=lambda v: sort_key(CURRENCY, v))
    assert [v["amount"] for v in ordered] == [-1, 2.5, 30]


# -- rating -------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("3", 3), ("★★★★", 4), ("★★☆☆☆", 2), ("5", 5), ("1", 1)])
def test_ratings_from_digits_or_stars(typed: str, stored: int) -> None:
    assert parse_user_text(RATING, typed) == stored


@pytest.mark.parametrize("typed", ["0", "6", "2.5", "-1", "★★★★★★", "great", "☆☆"])
def test_ratings_a_user_cannot_type_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(RATING, typed)
    assert caught.value.attribute == "Score"


@pytest.mark.parametrize(("value", "shown"), [(0, "☆☆☆☆☆"), (2.5, "★★½☆☆"), (4, "★★★★☆"), (5, "★★★★★")])
def test_ratings_show_as_stars_including_halves_from_the_server(value: float, shown: str) -> None:
    assert validate_value(RATING, value) == value
    assert display_text(RATING, value) == shown


@pytest.mark.parametrize("wrong", [5.5, -0.5, 6, True, "many"])
def test_ratings_outside_zero_to_five_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError):
        validate_value(RATING, wrong)
