"""The codecs' fast paths answer exactly as their general paths do: same value, same error.

Each fast path recognises input that is already canonical and returns it without the
general parsing. Generated input — canonical, near-canonical (one character changed,
fields out of range, padding, aliases) and garbage — must give the same result, or
the same error message, either way.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmdesk.model import NullContext, ValidationError
from crmdesk.model.attribute_types import MULTISELECT_TYPES
from crmdesk.model.codecs import references
from crmdesk.model.codecs.base import require_storable
from crmdesk.model.codecs.structured import LocationCodec, PersonalNameCodec
from crmdesk.model.codecs.temporal import _parse_timestamp_general, parse_timestamp
from crmdesk.model.codecs.text_like import (
    _PLAIN_EMAIL,
    DomainCodec,
    EmailCodec,
    PhoneCodec,
    TextCodec,
    _plain_email,
    _read_phone,
)
from crmdesk.remote.aria.values import from_wire

from ._support import ALL_TYPES, T, make_attr

MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except ValueError as error:
        return "error", str(error)


def mutations(base: st.SearchStrategy[str], alphabet: str) -> st.SearchStrategy[str]:
    """``base`` with one character replaced, inserted or removed."""

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        text = draw(base)
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(alphabet))
        how = draw(st.sampled_from(["replace", "insert", "delete"]))
        if how == "insert" or not text:
            return text[:at] + char + text[at:]
        at = min(at, len(text) - 1)
        return text[:at] + (char if how == "replace" else "") + text[at + 1:]

    return mutate()


def garbage() -> st.SearchStrategy[str]:
    return st.text(max_size=40)


# -- timestamps ------------------------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=st.just(UTC)
)
canonical_timestamps = moments.map(lambda m: f"{m.year:04d}-{m:%m-%dT%H:%M:%S}.{m.microsecond // 1000:03d}Z")
#: Every field drawn over a range wider than the calendar's: month 13, day 31 of April, hour 24, year 0.
field_timestamps = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}{}".format,
    st.sampled_from([0, 1, 4, 100, 1900, 1999, 2000, 2023, 2024, 2100, 9999]) | st.integers(0, 9999),
    st.integers(0, 14),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.integers(0, 999),
    st.sampled_from(["Z", "z", "+00:00", "", " ", "Z ", "Z\n", "+05:30"]),
)
near_timestamps = mutations(canonical_timestamps, "0123456789Zz T:-.+ \n\u0663\uff11")
any_timestamp = st.one_of(canonical_timestamps, field_timestamps, near_timestamps, garbage())


@MANY
@given(any_timestamp, st.booleans())
@example("2024-02-29T00:00:00.000Z", False)
@example("2023-02-29T00:00:00.000Z", False)
@example("1900-02-29T12:00:00.000Z", False)
@example("2000-02-29T12:00:00.000Z", False)
@example("2026-04-31T00:00:00.000Z", False)
@example("2026-04-30T00:00:00.000Z", False)
@example("2026-12-31T23:59:59.999Z", False)
@example("0000-01-01T00:00:00.000Z", False)
@example("0001-01-01T00:00:00.000Z", True)
@example("9999-12-31T23:59:59.999Z", True)
@example("2026-11-24T05:09:60.000Z", False)
@example("2026-11-24T05:09:18.921Z\n", False)
@example("2026-11-24T05:09:18.92Z", False)
@example("２０２６-11-24T05:09:18.921Z", False)
def test_timestamp_fast_path_matches_the_general_path(text: str, naive_is_local: bool) -> None:
    fast = outcome(lambda: parse_timestamp(text, naive_is_local=naive_is_local))
    general = outcome(lambda: _parse_timestamp_general(text, naive_is_local=naive_is_local))
    assert fast == general


@MANY
@given(moments)
def test_canonical_timestamps_come_back_unchanged(moment: datetime) -> None:
    text = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
    assert parse_timestamp(text) == text == _parse_timestamp_general(text)


def test_every_day_of_a_leap_cycle_agrees() -> None:
    for year in (1900, 2000, 2023, 2024):
        day = datetime(year, 1, 1, tzinfo=UTC)
        while day.year == year:
            after_last = f"{year:04d}-{day.month:02d}-{day.day + 1:02d}T00:00:00.000Z"
            for text in (f"{day:%Y-%m-%d}T23:59:59.999Z", after_last):
                assert outcome(lambda t=text: parse_timestamp(t)) == outcome(lambda t=text: _parse_timestamp_general(t))
            day += timedelta(days=1)


# -- ids -------------------------------------------------------------------------------------------------------


def require_id_reference(value: Any, what: str) -> str:
    """The per-character check the regex replaced (NUL and lone surrogates: see test_poison_values)."""
    if not isinstance(value, str) or not value.strip() or any(ch.isspace() for ch in value):
        raise ValueError(f"expects the id of {what}")
    if len(value) > 200:
        raise ValueError(f"expects the id of {what}, got something far too long")
    return require_storable(value)


WHITESPACE = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())
ids = st.one_of(
    st.uuids().map(str),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    mutations(st.uuids().map(str), WHITESPACE + "x-"),
    st.text(alphabet="ab" + WHITESPACE, max_size=8),
    st.integers(1, 260).map(lambda n: "a" * n),
    st.none(),
    st.integers(),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


def test_regex_whitespace_is_exactly_str_isspace() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert "".join(re.findall(r"\s", everything)) == WHITESPACE


@MANY
@given(ids)
@example("rec-1\u00a0")
@example("\u2028")
@example("\x1c")
@example("a" * 200)
@example("a" * 201)
def test_id_check_matches_the_per_character_loop(value: Any) -> None:
    assert outcome(lambda: references._require_id(value, "a record")) == outcome(
        lambda: require_id_reference(value, "a record")
    )


# -- locations and names --------------------------------------------------------------------------------------

part_values = st.one_of(
    st.sampled_from(["US", "Emilymouth", "1007 Mountain Dr", "John", "Smith", "John Smith"]),
    st.text(max_size=12),
    st.sampled_from(["", " ", " US", "US ", "\u00a0x", "x\u2028", "a" * 1000, "a" * 1001, " " + "a" * 1000]),
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=2), max_size=1),
)
location_keys = st.sampled_from(
    ["line1", "line2", "city", "state", "postcode", "country", "countryCode", "country_code", "line_1", "line_2",
     "postal_code", "postalCode", "zip", "region", "locality", "unknown", "Country"]
)  # fmt: skip
name_keys = st.sampled_from(
    ["first_name", "last_name", "full_name", "firstName", "lastName", "fullName", "givenName", "familyName", "nick"]
)
LOCATION = LocationCodec()
NAME = PersonalNameCodec()


def plain_dicts(keys: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.dictionaries(keys, part_values, max_size=7),
        st.dictionaries(keys, st.text(alphabet="abc XY", min_size=1, max_size=6).map(str.strip).filter(bool),
                        max_size=7),
    )


@MANY
@given(plain_dicts(location_keys) | st.text(max_size=10) | st.none())
@example({"city": "Emilymouth", "state": "ID", "country": "US"})
@example({"line1": "1007 Mountain Dr", "city": "Gotham", "countryCode": "US"})
@example({"country": "US", "countryCode": "CA"})
@example({"country": "US", "countryCode": None})
@example({"country": None, "countryCode": "CA"})
@example({"city": " "})
@example({})
def test_location_fast_path_matches_the_general_path(element: Any) -> None:
    attr = make_attr(T.LOCATION)
    fast = outcome(lambda: LOCATION.validate(element, attr))
    general = outcome(lambda: LOCATION._validate_general(element))
    assert fast == general
    if fast[0] == "ok":
        assert list(fast[1]) == list(general[1])  # the same key order, not only equal


@MANY
@given(plain_dicts(name_keys) | st.none() | st.integers())
@example({"firstName": "John", "lastName": "Smith", "fullName": "John Smith"})
@example({"first_name": "Jane", "last_name": "Doe"})
@example({"first_name": "Ghost"})
@example({"full_name": "A", "fullName": "B"})
@example({"first_name": "", "last_name": "", "full_name": "x"})
def test_name_fast_path_matches_the_general_path(element: Any) -> None:
    attr = make_attr(T.PERSONAL_NAME)
    fast = outcome(lambda: NAME.validate(element, attr))
    general = outcome(lambda: NAME._validate_general(element))
    assert fast == general
    if fast[0] == "ok":
        assert list(fast[1]) == list(general[1])


# -- text, phone numbers, domains -----------------------------------------------------------------------------

phones = st.one_of(
    st.from_regex(r"\+?[0-9]{1,4}([ .\-/]?[0-9]{1,4}){0,6}", fullmatch=True),
    mutations(st.sampled_from(["+1 555 466 5156", "+1-555-0100", "+44 20 7946 0000", "555.0100"]),
              "0123456789 +-./x()\n\t\u0663"),
    st.text(alphabet="0123456789 +-./()xet\u0663\u00b2", max_size=30),
    garbage(),
    st.integers(-10**25, 10**25),
    st.floats(),
    st.none(),
    st.booleans(),
)  # fmt: skip
domains = st.one_of(
    st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){1,3}", fullmatch=True),
    mutations(st.sampled_from(["westflemingandjimenez52399.com", "acme.co.uk", "a-b.io"]), "aZ-._.\u00e9 \n0"),
    st.integers(1, 70).map(lambda n: "a" * n + ".com"),
    st.integers(60, 70).map(lambda n: ("abcd." * n)[:-1]),
    st.text(alphabet="aZ-._0\u00e9\u0131 ", max_size=20),
    garbage(),
    st.none(),
    st.integers(),
)
texts = st.one_of(
    garbage(),
    st.sampled_from(["", "\x00", "a\x00b", "a" * 100_000, "a" * 100_001]),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=2), max_size=2),
)


@MANY
@given(phones)
@example("12")
@example("123")
@example("1" * 20)
@example("1" * 21)
@example("+12")
@example("1-2-3")
@example("1--2")
@example("1  2 3")
def test_phone_fast_path_matches_the_general_path(element: Any) -> None:
    codec = PhoneCodec()
    assert outcome(lambda: codec.validate(element, make_attr(T.PHONE_NUMBER))) == outcome(
        lambda: codec._validate_general(element)
    )


def shown_by_the_library(element: str) -> str:
    """The international format phonenumbers gives the number (the text itself if it reads none)."""
    try:
        number = _read_phone(" ".join(element.split()), None)
    except ValueError:
        return element
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@MANY
@given(phones.filter(lambda element: isinstance(element, str)))
@example("+4400207946000")
@example("+14155550123;ext=12")
@example("(555) 010-0199")
def test_a_phone_is_shown_as_the_library_formats_it(element: str) -> None:
    """Checking a number first (as a pull does) leaves it shown, and so indexed, as the library
    alone would show it: as received and as stored."""
    codec = PhoneCodec()
    attr = make_attr(T.PHONE_NUMBER)
    stored = outcome(lambda: codec.validate(element, attr))
    assert codec.display(element, attr, NullContext()) == shown_by_the_library(element)
    if stored[0] == "ok":
        assert codec.display(stored[1], attr, NullContext()) == shown_by_the_library(stored[1])


@MANY
@given(domains)
@example("a" * 63 + ".com")
@example("a" * 64 + ".com")
@example("-a.com")
@example("a-.com")
@example("a_b.com")
@example("example.com.")
@example("Example.com")
@example(".com")
def test_domain_fast_path_matches_the_general_path(element: Any) -> None:
    codec = DomainCodec()
    assert outcome(lambda: codec.validate(element, make_attr(T.DOMAIN))) == outcome(
        lambda: codec._validate_general(element)
    )


EMAIL_ALPHABET = "aZ09._+-@!#é ."
emails = st.one_of(
    st.from_regex(_PLAIN_EMAIL, fullmatch=True),
    mutations(st.from_regex(_PLAIN_EMAIL, fullmatch=True), EMAIL_ALPHABET),
    st.sampled_from(["ada@example.com", "o'brien@example.ie", "ada@localhost", "ada@mail.local", "ada@x.test",
                     "ada@x.onion", "ada@x.arpa", "ada@xn--80ak6aa92e.com", "ada@ab--cd.com", "ada@example.c0m"]),
    garbage(),
)


@MANY
@given(emails)
@example("a" * 64 + "@example.com")
@example("a" * 65 + "@example.com")
@example("ada@" + "a" * 63 + ".com")
@example("ada@" + "a" * 64 + ".com")
@example("ada@" + ".".join(["a" * 60] * 4) + ".com")
@example("ada@" + "a." * 120 + "com")
@example("ada@example.123")
@example("ada@example.Local")
def test_email_fast_path_matches_the_library(element: str) -> None:
    """Every address the fast path passes, email-validator passes too, with the same canonical form."""
    codec = EmailCodec()
    attr = make_attr(T.EMAIL_ADDRESS)
    if _plain_email(element):
        assert outcome(lambda: codec.validate(element, attr)) == outcome(lambda: codec._validate_general(element))
        assert outcome(lambda: codec.validate(element, attr))[0] == "ok"


def test_addresses_of_the_pulled_shape_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any) -> Any:
        raise AssertionError("asked the library")

    monkeypatch.setattr("crmdesk.model.codecs.text_like._email_problem", fail)
    monkeypatch.setattr("crmdesk.model.codecs.text_like._email_problem_cached", fail)
    assert EmailCodec().validate("Ada.Lovelace+crm@Example-Mail.co.UK", make_attr(T.EMAIL_ADDRESS)) == (
        "Ada.Lovelace+crm@example-mail.co.uk"
    )


@MANY
@given(texts)
def test_text_fast_path_matches_the_general_path(element: Any) -> None:
    codec = TextCodec()
    assert outcome(lambda: codec.validate(element, make_attr(T.TEXT))) == outcome(
        lambda: codec._validate_general(element)
    )


@pytest.mark.parametrize(
    ("codec", "element"),
    [
        # Phone numbers have no fast path since phonenumbers reads them (a cache instead).
        (DomainCodec(), "westflemingandjimenez52399.com"),
        (TextCodec(), "Product Manager"),
    ],
)
def test_the_recorded_shapes_take_the_fast_path(codec: Any, element: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any) -> Any:
        raise AssertionError("took the general path")

    monkeypatch.setattr(codec, "_validate_general", fail)
    assert codec.validate(element, make_attr(codec.type)) == element


# -- aria from_wire: one element without the list path ------------------------------------------------------

FROM_ARIA_ATTRS = [make_attr(t) for t in ALL_TYPES]
FROM_ARIA_ATTRS += [make_attr(t, multiselect=True) for t in sorted(MULTISELECT_TYPES)]
wire_elements = st.one_of(
    texts, phones, domains, any_timestamp, ids, plain_dicts(location_keys), plain_dicts(name_keys),
    st.sampled_from(["opt-lead", "Lead", "rec-acme", "mem-ada", {"id": "rec-acme"}, {"amount": 5, "currency": "USD"},
                     {"type": "email", "subject": "Hi"}, 3, 4.5, True, "2026-01-31", {}]),
).filter(lambda raw: not isinstance(raw, list))  # fmt: skip


@MANY
@given(st.sampled_from(FROM_ARIA_ATTRS), wire_elements)
def test_a_single_wire_element_decodes_as_a_list_of_one(attr: Any, raw: Any) -> None:
    def decode(value: Any) -> tuple[str, Any]:
        try:
            return "ok", from_wire(attr, value)
        except ValidationError as error:
            return "error", (error.attribute, error.message)

    if raw is None or raw == "" or raw == {}:
        assert decode(raw) == ("ok", None)
    else:
        assert decode(raw) == decode([raw])
