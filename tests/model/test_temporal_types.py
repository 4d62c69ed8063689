"""Date and timestamp: parse from text and servers, display in a zone, sort, refuse nonsense."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crmdesk.model import ValidationError
from crmdesk.model.values import display_text, edit_text, parse_user_text, sort_key, validate_value

from ._support import Ctx, T, make_attr

DATE = make_attr(T.DATE, title="Expected Close Date")
STAMP = make_attr(T.TIMESTAMP, title="Last Contacted")
TOKYO = timezone(timedelta(hours=9))


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch):
    """Run with the process's local zone set to UTC+09:00 (no daylight saving)."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    "typed",
    [
        "2026-06-15",
        " 2026-06-15 ",
        "15 Jun 2026",
        "15 June 2026",
        "Jun 15 2026",
        "June 15, 2026",
        "2026-06-15T23:59:00Z",
    ],
)
def test_dates_from_user_text(typed: str) -> None:
    assert parse_user_text(DATE, typed) == "2026-06-15"
    assert display_text(DATE, "2026-06-15") == "Jun 15, 2026"
    assert edit_text(DATE, "2026-06-15") == "2026-06-15"


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13-01", "tomorrow", "15/06/2026", "2026-6-15", "0000-01-01"])
def test_impossible_or_unknown_dates_are_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(DATE, typed)
    assert caught.value.attribute == "Expected Close Date"
    assert "date" in caught.value.message


@pytest.mark.parametrize("wrong", [20260615, True, {"date": "2026-06-15"}, ["2026-06-15", "2026-06-16"]])
def test_wrong_typed_dates_are_refused(wrong: object) -> None:
    with pytest.raises(ValidationError):
        validate_value(DATE, wrong)


def test_date_objects_and_the_extremes_of_the_calendar_are_kept() -> None:
    assert validate_value(DATE, date(2026, 1, 31)) == "2026-01-31"
    assert validate_value(DATE, datetime(2026, 1, 31, 23, 0)) == "2026-01-31"
    assert validate_value(DATE, "0001-01-01") == "0001-01-01"
    assert validate_value(DATE, "9999-12-31") == "9999-12-31"
    assert display_text(DATE, "0999-03-04") == "Mar 4, 999"


def test_dates_sort_chronologically() -> None:
    days = ["2026-12-31", "0999-01-01", "2026-06-15", "2025-01-01"]
    assert sorted(days, key=lambda v: sort_key(DATE, v)) == [
        "0999-01-01",
        "2025-01-01",
        "2026-06-15",
        "2026-12-31",
    ]


# -- timestamp ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "stored"),
    [
        ("2026-11-24T05:09:18.921Z", "2026-11-24T05:09:18.921Z"),
        ("2026-11-24 05:09:18.921663", "2026-11-24T05:09:18.921Z"),  # Aria timeline: no zone means UTC
        ("2026-11-24T05:09:18.9216639Z", "2026-11-24T05:09:18.921Z"),  # seven fraction digits
        ("2026-11-24T06:09:18+01:00", "2026-11-24T05:09:18.000Z"),
        ("2026-11-24", "2026-11-24T00:00:00.000Z"),
    ],
)
def test_timestamps_from_servers_become_utc_with_milliseconds(wire: str, stored: str) -> None:
    assert validate_value(STAMP, wire) == stored


def test_a_users_timestamp_without_a_zone_is_their_local_time(local_zone) -> None:
    local_zone("Asia/Tokyo")
    assert parse_user_text(STAMP, "2026-01-31 14:30") == "2026-01-31T05:30:00.000Z"
    assert parse_user_text(STAMP, "2026-01-31T14:30Z") == "2026-01-31T14:30:00.000Z"


def test_timestamps_show_in_the_users_zone_or_say_utc() -> None:
    value = "2026-01-31T23:30:00.000Z"
    assert display_text(STAMP, value) == "Jan 31, 2026 23:30 UTC"
    assert display_text(STAMP, value, Ctx(TOKYO)) == "Feb 1, 2026 08:30"
    assert edit_text(STAMP, value, Ctx(TOKYO)) == "2026-02-01 08:30"
    assert edit_text(STAMP, value) == "2026-01-31T23:30Z"


def test_timestamp_edit_text_in_the_users_zone_parses_back(local_zone) -> None:
    local_zone("Asia/Tokyo")
    value = "2026-01-31T23:30:00.000Z"
    assert parse_user_text(STAMP, edit_text(STAMP, value, Ctx(TOKYO))) == value


@pytest.mark.parametrize(
    "typed", ["2026-01-01T25:00", "yesterday", "2026-13-01 10:00", "10:30", "2026-01-01T10:00+25:00"]
)
def test_impossible_timestamps_are_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_user_text(STAMP, typed)
    assert caught.value.attribute == "Last Contacted"
    assert "2026-01-31 14:30" in caught.value.message


@pytest.mark.parametrize("typed", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00"])
def test_instants_outside_the_storable_range_are_a_validation_error_not_a_crash(typed: str, local_zone) -> None:
    local_zone("Asia/Tokyo")  # a naive year-1 time in a zone east of UTC has no UTC instant
    with pytest.raises(ValidationError) as caught:
        parse_user_text(STAMP, typed)
    assert "range" in caught.value.message


def test_early_years_are_written_with_four_digits_so_they_sort_and_read_back() -> None:
    stored = validate_value(STAMP, "0999-12-31T23:59:59Z")
    assert stored == "0999-12-31T23:59:59.000Z"
    assert validate_value(STAMP, stored) == stored
    assert sort_key(STAMP, stored) < sort_key(STAMP, "2026-01-01T00:00:00.000Z")


@pytest.mark.parametrize("wrong", [1700000000, True, {"at": "2026-01-01"}, None.__class__])
def test_wrong_typed_timestamps_are_refused_in_words(wrong: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(STAMP, wrong)
    assert "date and time" in caught.value.message
    assert "int" not in caught.value.message.split()


def test_datetime_objects_are_accepted_and_converted_to_utc() -> None:
    moment = datetime(2026, 1, 31, 8, 30, 0, 123999, tzinfo=TOKYO)
    assert validate_value(STAMP, moment) == "2026-01-30T23:30:00.123Z"
    assert validate_value(STAMP, datetime(2026, 1, 31, 8, 30, tzinfo=UTC)) == "2026-01-31T08:30:00.000Z"


def test_timestamps_sort_chronologically_across_zones() -> None:
    typed = ["2026-01-01T10:00:00+09:00", "2026-01-01T02:00:00Z", "2025-12-31T20:00:00-05:00"]
    stored = [validate_value(STAMP, t) for t in typed]
    ordered = sorted(stored, key=lambda v: sort_key(STAMP, v))
    assert ordered == ["2026-01-01T01:00:00.000Z", "2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z"]
