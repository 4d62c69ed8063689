"""Properties over generated input: no crash, idempotent parsing, round trips, ordering."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmdesk.model import AttributeType, Condition, FilterGroup, Option, ValidationError, compile_predicate
from crmdesk.model.attribute_types import MULTISELECT_TYPES
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.values import (
    display_text,
    edit_text,
    parse_user_text,
    sort_key,
    validate_value,
)
from crmdesk.remote.aria.values import from_wire, to_wire

from ._support import ALL_TYPES, Ctx, T, canonical_values, make_attr

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ATTRS = [make_attr(t) for t in ALL_TYPES] + [make_attr(t, multiselect=True) for t in sorted(MULTISELECT_TYPES)]
ATTR_IDS = [f"{a.type.value}{'-multi' if a.multiselect else ''}" for a in ATTRS]

#: What people type: any Unicode, plus things that look like the values they mean.
typed_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789,.-+ e$€£¥★☆:;@/xXTZ", max_size=30),
    st.sampled_from(
        ["", " ", "Cafe\u0301", "🦄👩‍💻", "مرحبا", "中文", "★★★★★★", "0001-01-01T00:00:00", "9999-12-31T23:59:59-05:00",
         "1" * 400, "1e400", "NaN", "\x00", "a\u200bb", "Lead", "email:", "https://acme.com/x"]
    ),
)  # fmt: skip


@pytest.mark.parametrize("attr", ATTRS, ids=ATTR_IDS)
@FAST
@given(text=typed_text)
def test_parsing_user_text_gives_a_valid_value_or_a_validation_error(attr, text: str) -> None:
    try:
        value = parse_user_text(attr, text)
    except ValidationError as error:
        assert error.attribute == attr.title
        assert error.message and "Traceback" not in error.message
        return
    assert validate_value(attr, value) == value
    assert isinstance(display_text(attr, value, Ctx()), str)


@pytest.mark.parametrize("attr", ATTRS, ids=ATTR_IDS)
@FAST
@given(data=st.data())
def test_display_never_raises_and_round_trips_through_the_wire(attr, data: st.DataObject) -> None:
    value = data.draw(canonical_values(attr))
    assert validate_value(attr, value) == value
    for ctx in (Ctx(), Ctx(timezone(timedelta(hours=-12))), Ctx(timezone(timedelta(hours=14)))):
        assert isinstance(display_text(attr, value, ctx), str)
        assert isinstance(edit_text(attr, value, ctx), str)
    assert from_wire(attr, to_wire(attr, value)) == value
    assert sort_key(attr, value, Ctx()) is not None


@pytest.mark.parametrize("attribute_type", [T.TEXT, T.NUMBER, T.DATE, T.CHECKBOX, T.SELECT, T.EMAIL_ADDRESS])
@FAST
@given(data=st.data())
def test_edit_text_parses_back_to_the_same_value(attribute_type: AttributeType, data: st.DataObject) -> None:
    attr = make_attr(attribute_type)
    value = data.draw(canonical_values(attr))
    if attribute_type is T.SELECT and attr.option_by_id(value) is None:
        return  # an option we have not pulled cannot be typed by title
    assert parse_user_text(attr, edit_text(attr, value)) == value


@pytest.mark.parametrize(
    "wrong",
    [{"a": 1}, [1, [2]], True, False, 1.5, float("nan"), float("inf"), -(10**100), b"bytes", (), object(),
     "x" * 100_001],
)  # fmt: skip
@pytest.mark.parametrize("attr", ATTRS, ids=ATTR_IDS)
def test_wrong_typed_values_give_a_validation_error_or_a_valid_value(attr, wrong: object) -> None:
    try:
        value = validate_value(attr, wrong)
    except ValidationError as error:
        assert error.attribute == attr.title
        assert "<" not in error.message and "NoneType" not in error.message
        return
    assert validate_value(attr, value) == value


# -- ordering -------------------------------------------------------------------------------


@FAST
@given(
    a=st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False, width=32)),
    b=st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False, width=32)),
)
def test_number_and_currency_sort_keys_follow_the_numbers(a: float, b: float) -> None:
    number, currency = make_attr(T.NUMBER), make_attr(T.CURRENCY)
    va, vb = validate_value(number, a), validate_value(number, b)
    if va < vb:
        assert sort_key(number, va) <= sort_key(number, vb)
        assert sort_key(currency, {"amount": va}) <= sort_key(currency, {"amount": vb})
    if float(va) < float(vb):
        assert sort_key(number, va) < sort_key(number, vb)


@FAST
@given(a=st.dates(), b=st.dates())
def test_date_sort_keys_follow_the_calendar(a: date, b: date) -> None:
    attr = make_attr(T.DATE)
    ka, kb = sort_key(attr, validate_value(attr, a)), sort_key(attr, validate_value(attr, b))
    assert (ka < kb) is (a < b)
    assert (ka == kb) is (a == b)


@FAST
@given(
    a=st.datetimes(timezones=st.just(UTC)),
    b=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])),
)
@example(a=datetime(999, 12, 31, tzinfo=UTC), b=datetime(1000, 1, 1, tzinfo=UTC))
def test_timestamp_sort_keys_follow_time(a: datetime, b: datetime) -> None:
    attr = make_attr(T.TIMESTAMP)
    try:
        vb = validate_value(attr, b)
    except ValidationError:
        return  # year 1 east of UTC: refused, covered elsewhere
    va = validate_value(attr, a)
    ms_a = a.replace(microsecond=a.microsecond // 1000 * 1000)
    ms_b = b.replace(microsecond=b.microsecond // 1000 * 1000)
    assert (sort_key(attr, va) < sort_key(attr, vb)) is (ms_a < ms_b)
    assert parse_timestamp(va) == va


@FAST
@given(orders=st.permutations(range(6)))
def test_choice_sort_keys_follow_option_order(orders: list[int]) -> None:
    options = tuple(Option(f"o{i}", f"Title {chr(90 - i)}", order=order) for i, order in enumerate(orders))
    for attribute_type in (T.SELECT, T.STATUS):
        attr = make_attr(attribute_type, options=options)
        by_key = sorted((o.id for o in options), key=lambda v: sort_key(attr, v))
        assert by_key == [o.id for o in sorted(options, key=lambda o: o.order)]


# -- filters over generated text --------------------------------------------------------------


@FAST
@given(value=st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s), data=st.data())
def test_contains_finds_every_substring_whatever_its_case(value: str, data: st.DataObject) -> None:
    attr = make_attr(T.TEXT)
    start = data.draw(st.integers(0, len(value)))
    end = data.draw(st.integers(start, len(value)))
    needle = value[start:end]
    for operand, op in (
        (needle.upper(), "contains"),
        (value[:end].lower(), "starts_with"),
        (value[start:], "ends_with"),
    ):
        if op == "contains" and (operand.lower() != operand.upper().lower() or value.lower() != value.upper().lower()):
            continue  # characters whose upper case does not lower back (ß, İ) are not case-folded pairs
        group = FilterGroup("and", (Condition(attr.slug, op, operand),))
        assert compile_predicate(group, {attr.slug: attr}.get)({attr.slug: value}), (op, operand)
