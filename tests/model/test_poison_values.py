"""Values nothing can keep are refused where they enter: NUL and lone surrogates in every type
that holds text, typed control characters, times that do not exist, numbers too large to keep
exactly. What is accepted survives JSON, UTF-8 and SQLite unchanged."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmdesk.model import ValidationError
from crmdesk.model.values import display_text, edit_text, parse_user_text, sort_key, validate_value

from ._support import Ctx, T, make_attr

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NUL_SAYS = "contains a NUL character (U+0000), which cannot be stored"
SURROGATE_SAYS = "contains a broken character (an unpaired surrogate, U+D800), which cannot be stored"

# -- NUL and lone surrogates --------------------------------------------------------------------

#: For every type that holds user text: typed text around a poison character, and a canonical
#: element holding it (a server's value, a stored one).
TYPED: dict[T, Callable[[str], str]] = {
    T.TEXT: lambda bad: f"VP{bad} Sales",
    T.EMAIL_ADDRESS: lambda bad: f"jane{bad}@acme.com",
    T.PHONE_NUMBER: lambda bad: f"+1 415 555 0123{bad}",  # phonenumbers alone drops trailing junk
    T.DOMAIN: lambda bad: f"acme{bad}.com",
    T.PERSONAL_NAME: lambda bad: f"Jane{bad} Doe",
    T.LOCATION: lambda bad: f"1 Main St{bad}",
    T.INTERACTION: lambda bad: f"email: Hi{bad} there",
    T.NUMBER: lambda bad: f"12{bad}",
    T.DATE: lambda bad: f"2026-01-31{bad}",
    T.SELECT: lambda bad: f"Lead{bad}",
    T.RECORD_REFERENCE: lambda bad: f"rec-acme{bad}",
}
STORED: dict[T, Callable[[str], Any]] = {
    T.TEXT: lambda bad: f"VP{bad} Sales",
    T.EMAIL_ADDRESS: lambda bad: f"jane{bad}@acme.com",
    T.PHONE_NUMBER: lambda bad: f"+14155550123{bad}",
    T.DOMAIN: lambda bad: f"acme{bad}.com",
    T.PERSONAL_NAME: lambda bad: {"first_name": f"Ja{bad}ne", "last_name": "Doe", "full_name": "Jane Doe"},
    T.LOCATION: lambda bad: {"line1": "1 Main St", "city": f"Lon{bad}don"},
    T.INTERACTION: lambda bad: {"type": "email", "subject": f"Hi{bad}"},
    T.SELECT: lambda bad: f"opt-lead{bad}",
    T.STATUS: lambda bad: f"opt-qual{bad}",
    T.RECORD_REFERENCE: lambda bad: f"rec-acme{bad}",
    T.ACTOR_REFERENCE: lambda bad: f"mem-ada{bad}",
}
#: Where the poison sits in a structured value, as the message names it.
PART = {T.PERSONAL_NAME: "has a first_name that ", T.LOCATION: "has a city that ", T.INTERACTION: "has a subject that "}


@pytest.mark.parametrize(("bad", "says"), [("\x00", NUL_SAYS), ("\ud800", SURROGATE_SAYS)], ids=["nul", "surrogate"])
@pytest.mark.parametrize("kind", list(TYPED), ids=lambda k: k.value)
def test_typed_text_with_a_nul_or_a_lone_surrogate_is_refused_saying_which(kind: T, bad: str, says: str) -> None:
    attr = make_attr(kind, title="Field")
    with pytest.raises(ValidationError) as caught:
        parse_user_text(attr, TYPED[kind](bad))
    assert caught.value.attribute == "Field"
    assert caught.value.message == says


@pytest.mark.parametrize(("bad", "says"), [("\x00", NUL_SAYS), ("\ud800", SURROGATE_SAYS)], ids=["nul", "surrogate"])
@pytest.mark.parametrize("kind", list(STORED), ids=lambda k: k.value)
def test_a_received_value_with_a_nul_or_a_lone_surrogate_is_refused_saying_which(
    kind: T, bad: str, says: str
) -> None:
    attr = make_attr(kind, title="Field")
    with pytest.raises(ValidationError) as caught:
        validate_value(attr, STORED[kind](bad))
    assert caught.value.message == PART.get(kind, "") + says


def test_an_interaction_type_and_a_currency_code_are_checked_too() -> None:
    with pytest.raises(ValidationError, match="has a type that contains a NUL"):
        validate_value(make_attr(T.INTERACTION), {"type": "em\x00ail"})
    with pytest.raises(ValidationError, match="has a currency code that contains a broken character"):
        validate_value(make_attr(T.CURRENCY), {"amount": 5, "currency": "US\ud800"})


@pytest.mark.parametrize("kind", [T.NUMBER, T.DATE, T.TIMESTAMP, T.CHECKBOX, T.DOMAIN, T.CURRENCY])
def test_messages_never_echo_a_character_that_cannot_be_shown_or_logged(kind: T) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(make_attr(kind), "x\ud800y")
    assert "\ud800" not in caught.value.message
    caught.value.message.encode("utf-8")  # a log file can take it


TEXT_KINDS = [T.TEXT, T.EMAIL_ADDRESS, T.PHONE_NUMBER, T.DOMAIN, T.PERSONAL_NAME, T.LOCATION, T.INTERACTION]


@FAST
@given(
    kind=st.sampled_from(TEXT_KINDS),
    text=st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=20),
    at=st.integers(0, 20),
    surrogate=st.integers(0xD800, 0xDFFF).map(chr),
)
@example(kind=T.TEXT, text="", at=0, surrogate="\udfff")
def test_any_text_holding_a_lone_surrogate_is_refused_by_every_text_type(
    kind: T, text: str, at: int, surrogate: str
) -> None:
    poisoned = text[:at] + surrogate + text[at:]
    attr = make_attr(kind)
    with pytest.raises(ValidationError, match="unpaired surrogate"):
        parse_user_text(attr, poisoned)
    received: Any = poisoned
    if kind is T.INTERACTION:
        received = {"type": "note", "subject": poisoned}
    with pytest.raises(ValidationError, match="unpaired surrogate"):
        validate_value(attr, received)


@FAST
@given(st.text(max_size=40))
def test_whatever_text_is_accepted_survives_utf8_json_and_sqlite(text: str) -> None:
    attr = make_attr(T.TEXT)
    try:
        value = validate_value(attr, text)
    except ValidationError:
        return
    encoded = json.dumps(value, ensure_ascii=False).encode("utf-8")
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES (?)", (encoded.decode("utf-8"),))
        (back,) = db.execute("SELECT v FROM t").fetchone()
    db.close()
    assert json.loads(back) == value


# -- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_typed_control_characters_are_refused_naming_the_code(char: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(make_attr(T.TEXT, title="Notes"), f"before{char}after")
    assert caught.value.message == f"contains an invisible control character (U+{ord(char):04X}); remove it"


def test_tabs_and_line_ends_are_text() -> None:
    notes = make_attr(T.TEXT)
    assert parse_user_text(notes, "a\tb\r\nc\nd") == "a\tb\r\nc\nd"


def test_a_servers_value_with_a_control_character_is_kept_as_it_came() -> None:
    # It can be stored and sent back; refusing it would drop the value on every pull.
    assert validate_value(make_attr(T.TEXT), "bell\x07") == "bell\x07"
    assert validate_value(make_attr(T.LOCATION), {"city": "Gotham\x1b"}) == {"city": "Gotham\x1b"}


# -- dates and times that do not exist --------------------------------------------------------


DATE = make_attr(T.DATE, title="Close Date")
STAMP = make_attr(T.TIMESTAMP, title="Met At")


def test_a_date_with_hour_25_is_refused_not_cut_to_its_day() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(DATE, "2026-02-28T25:00")
    assert caught.value.message == "“2026-02-28T25:00” is not a date like 2026-01-31: its time of day does not exist"
    with pytest.raises(ValidationError, match="time of day does not exist"):
        validate_value(DATE, "2026-02-28T23:60:00Z")
    assert parse_user_text(DATE, "2026-02-28T23:59") == "2026-02-28"


@pytest.mark.parametrize("typed", ["2026-02-28T25:00", "2026-02-28 24:00", "2026-02-28T12:61"])
def test_a_timestamp_with_a_time_of_day_that_does_not_exist_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="is not a date and time like 2026-01-31 14:30"):
        parse_user_text(STAMP, typed, tz=BERLIN)


@pytest.mark.parametrize(
    ("typed", "zone", "day"),
    [
        ("2026-03-29 02:30", BERLIN, "Mar 29, 2026"),
        ("2026-03-29T02:00", BERLIN, "Mar 29, 2026"),
        ("2026-03-29 02:59:59", BERLIN, "Mar 29, 2026"),
        ("2026-03-08 02:15", NEW_YORK, "Mar 8, 2026"),
    ],
)
def test_a_local_time_the_clocks_skip_is_refused_saying_so(typed: str, zone: ZoneInfo, day: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(STAMP, typed, tz=zone)
    assert caught.value.attribute == "Met At"
    assert "does not exist in your time zone" in caught.value.message
    assert day in caught.value.message


def test_the_minutes_around_the_gap_are_kept() -> None:
    assert parse_user_text(STAMP, "2026-03-29 01:59", tz=BERLIN) == "2026-03-29T00:59:00.000Z"
    assert parse_user_text(STAMP, "2026-03-29 03:00", tz=BERLIN) == "2026-03-29T01:00:00.000Z"
    # A time with its own offset names an instant: no zone is asked.
    assert parse_user_text(STAMP, "2026-03-29T02:30+01:00", tz=BERLIN) == "2026-03-29T01:30:00.000Z"


def test_a_local_time_that_happens_twice_is_the_first() -> None:
    assert parse_user_text(STAMP, "2026-10-25 02:30", tz=BERLIN) == "2026-10-25T00:30:00.000Z"


@pytest.fixture
def machine_zone() -> Iterator[Callable[[str], None]]:
    """Set the process's zone (TZ) for one test and put the old one back."""
    import os

    before = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_without_a_zone_the_machines_zone_is_asked_and_its_gap_refused(machine_zone: Callable[[str], None]) -> None:
    machine_zone("Europe/Berlin")
    with pytest.raises(ValidationError, match="does not exist in your time zone"):
        parse_user_text(STAMP, "2026-03-29 02:30")
    assert parse_user_text(STAMP, "2026-03-29 03:30") == "2026-03-29T01:30:00.000Z"


@FAST
@given(minute=st.integers(0, 365 * 24 * 60 - 1), zone=st.sampled_from([BERLIN, NEW_YORK]))
@example(minute=(31 + 28 + 28) * 24 * 60 + 2 * 60 + 30, zone=BERLIN)  # 2026-03-29 02:30
def test_every_typed_minute_of_a_year_is_kept_as_typed_or_refused_as_missing(minute: int, zone: ZoneInfo) -> None:
    wall = datetime(2026, 1, 1) + timedelta(minutes=minute)
    typed = f"{wall:%Y-%m-%d %H:%M}"
    try:
        stored = parse_user_text(STAMP, typed, tz=zone)
    except ValidationError as error:
        assert "does not exist in your time zone" in error.message
        assert wall.month == 3 and wall.hour == 2  # the spring gap, and nothing else
        return
    assert edit_text(STAMP, stored, Ctx(zone)) == typed


# -- numbers beyond 2**53 ----------------------------------------------------------------------

NUMBER = make_attr(T.NUMBER, title="Employees")
LARGEST = 2**53  # 9,007,199,254,740,992


@pytest.mark.parametrize(
    "typed", ["9007199254740993", "-9007199254740993", "9007199254740993.0", "9,007,199,254,740,993", "1e16", "1e400"]
)
def test_typed_numbers_beyond_2_53_are_refused_not_rounded(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(NUMBER, typed)
    assert caught.value.message.endswith("is too large a number to store exactly (the limit is ±9,007,199,254,740,992)")


@pytest.mark.parametrize("typed", ["9007199254740993", "EUR 9007199254740993", "9007199254740993 USD"])
def test_amounts_beyond_2_53_are_refused_as_too_large(typed: str) -> None:
    with pytest.raises(ValidationError, match="too large a number to store exactly"):
        parse_user_text(make_attr(T.CURRENCY), typed)


def test_ratings_and_received_numbers_beyond_2_53_are_refused() -> None:
    with pytest.raises(ValidationError, match="too large"):
        parse_user_text(make_attr(T.RATING), "9007199254740993")
    with pytest.raises(ValidationError, match="too large to store exactly"):
        validate_value(NUMBER, LARGEST + 1)
    with pytest.raises(ValidationError, match="too large"):
        validate_value(make_attr(T.CURRENCY), {"amount": "9007199254740993", "currency": "USD"})


@pytest.mark.parametrize(
    "typed", ["9007199254740992", "-9007199254740992", "9007199254740991", "9,007,199,254,740,992"]
)
def test_the_largest_exact_numbers_are_kept_through_json_sqlite_and_sorting(typed: str) -> None:
    value = parse_user_text(NUMBER, typed)
    assert type(value) is int and abs(value) >= LARGEST - 1
    assert display_text(NUMBER, value) == f"{value:,}"
    assert json.loads(json.dumps(value)) == value
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (v INTEGER, j TEXT)")
        db.execute("INSERT INTO t VALUES (?, ?)", (value, json.dumps(value)))
        stored, as_json = db.execute("SELECT v, j FROM t").fetchone()
    db.close()
    assert stored == value and json.loads(as_json) == value
    assert validate_value(NUMBER, json.loads(json.dumps(value))) == value


def test_sort_keys_keep_the_largest_exact_numbers_apart() -> None:
    keys = [sort_key(NUMBER, n) for n in (LARGEST, LARGEST - 1, -LARGEST, -(LARGEST - 1))]
    assert keys == [float(LARGEST), float(LARGEST - 1), float(-LARGEST), float(-(LARGEST - 1))]
    assert len(set(keys)) == 4
    assert sorted([LARGEST, LARGEST - 1, 0], key=lambda n: sort_key(NUMBER, n)) == [0, LARGEST - 1, LARGEST]


@FAST
@given(st.integers(-(2**60), 2**60))
def test_every_typed_integer_is_kept_exactly_or_refused(number: int) -> None:
    try:
        value = parse_user_text(NUMBER, str(number))
    except ValidationError:
        assert abs(number) > LARGEST
        return
    assert value == number and type(value) is int
