"""Every type × every operator, evaluated locally with the semantics documented in filters.py.

Each type has a stored value ``hit`` and a different value ``miss``; each operator is checked
against ``hit``, ``miss`` and an empty value. A multiselect variant holds ``[hit, miss]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from crmdesk.model import AttributeType, Condition, FilterGroup, InvalidFilter, Operator, compile_predicate
from crmdesk.model.attribute_types import MULTISELECT_TYPES
from crmdesk.model.filters import operators_for, parse_operator

from ._support import ALL_TYPES, Ctx, T, make_attr

O = Operator  # noqa: E741 - short name keeps the tables readable


@dataclass(frozen=True)
class Spec:
    hit: Any  # the stored value the operands describe
    miss: Any  # another stored value they do not
    equal: Any  # an operand equal to ``hit`` (in the form a filter bar sends)
    needle: str  # a substring of what ``hit`` shows, in different case
    prefix: str
    suffix: str
    below: Any = None  # ordered types: an operand less than ``hit`` ...
    above: Any = None  # ... and one greater than it (``miss`` lies outside [below, above])


SPECS: dict[AttributeType, Spec] = {
    T.TEXT: Spec("Hello World", "Goodbye", "Hello World", "LO wO", "HEL", "RLD"),
    T.NUMBER: Spec(1200, 45, "1200", "20", "12", "00", below=100, above="5000"),
    T.CURRENCY: Spec(
        {"amount": 25000, "currency": "USD"},
        {"amount": 9999.5, "currency": None},
        {"amount": 25000, "currency": "USD"},
        "USD",
        "250",
        "0 uSd",
        below={"amount": 10000},
        above=30000,
    ),
    T.DATE: Spec("2026-06-15", "2026-12-31", "2026-06-15", "-06-", "2026-06", "15", "2026-06-14", "Jul 1 2026"),
    T.TIMESTAMP: Spec(
        "2026-11-20T10:30:00.000Z",
        "2025-01-01T00:00:00.000Z",
        "2026-11-20T11:30:00+01:00",
        "T10:30",
        "2026-11",
        "30:00.000z",
        below="2026-11-20T10:29:59Z",
        above="2026-11-20 12:30:00+01:00",
    ),
    T.CHECKBOX: Spec(True, False, "yes", "", "", ""),
    T.SELECT: Spec("opt-lead", "opt-won", "Lead", "EA", "le", "AD"),
    T.STATUS: Spec("opt-qual", "opt-won", "opt-qual", "ALIF", "qu", "FIED"),
    T.RATING: Spec(4, 2.5, 4, "4", "4", "4", below=2.5, above=5),
    T.EMAIL_ADDRESS: Spec("jane.doe@acme.com", "john@globex.com", "jane.doe@acme.com", "DOE@", "JANE", "acme.COM"),
    T.PHONE_NUMBER: Spec("+1 555 0100", "+44 20 7946 0000", "+1 555 0100", "555", "+1 ", "0100"),
    T.DOMAIN: Spec("acme.com", "globex.io", "acme.com", "CME", "ac", ".com"),
    T.LOCATION: Spec(
        {"line1": "1 Road Runner Way", "city": "Phoenix", "country": "US"},
        {"line1": "Gotham"},
        "1 Road Runner Way, Phoenix, US",
        "PHOENIX",
        "1 road",
        ", us",
    ),
    T.PERSONAL_NAME: Spec(
        {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"},
        {"first_name": "John", "last_name": "Smith", "full_name": "John Smith"},
        "Jane Doe",
        "NE D",
        "ja",
        "DOE",
    ),
    T.RECORD_REFERENCE: Spec("rec-acme", "rec-globex", "rec-acme", "CME", "acme", "INC"),
    T.ACTOR_REFERENCE: Spec("mem-ada", "mem-bob", "mem-ada", "LOVE", "ada", "lace"),
    T.INTERACTION: Spec(
        {"type": "email", "subject": "Quarterly review", "at": "2026-01-31T09:00:00.000Z"},
        {"type": "call"},
        "email",
        "QUARTERLY",
        "email ·",
        "2026-01-31",
    ),
}
assert set(SPECS) == set(AttributeType)

ORDERED = {T.NUMBER, T.CURRENCY, T.DATE, T.TIMESTAMP, T.RATING}
_ALL_OPS = tuple(Operator)


def _matches(attr, operator: Operator, operand: Any, value: Any) -> bool:
    group = FilterGroup("and", (Condition(attr.slug, operator, operand),))
    return compile_predicate(group, {attr.slug: attr}.get, Ctx())({attr.slug: value})


def _expectations(spec: Spec, op: Operator) -> list[tuple[Any, bool, bool, bool]]:
    """(operand, matches hit, matches miss, matches empty) for one operator."""
    return {
        O.EQUALS: [(spec.equal, True, False, False)],
        O.NOT_EQUALS: [(spec.equal, False, True, False)],
        O.CONTAINS: [(spec.needle, True, False, False)],
        O.NOT_CONTAINS: [(spec.needle, False, True, False)],
        O.STARTS_WITH: [(spec.prefix, True, False, False)],
        O.ENDS_WITH: [(spec.suffix, True, False, False)],
        O.IS_EMPTY: [(None, False, False, True)],
        O.IS_NOT_EMPTY: [(None, True, True, False)],
        O.IN: [([spec.equal], True, False, False), ([], False, False, False)],
        O.NOT_IN: [([spec.equal], False, True, False), ([], True, True, False)],
        O.GT: [(spec.below, True, False, False), (spec.hit_operand, False, False, False)],
        O.GTE: [(spec.hit_operand, True, False, False), (spec.above, False, False, False)],
        O.LT: [(spec.above, True, False, False), (spec.hit_operand, False, False, False)],
        O.LTE: [(spec.hit_operand, True, False, False), (spec.below, False, False, False)],
    }[op]


Spec.hit_operand = property(lambda self: self.equal)  # ordering compares with the same operand


def _supported(attribute_type: AttributeType, op: Operator) -> bool:
    if op in (O.GT, O.GTE, O.LT, O.LTE):
        return attribute_type in ORDERED
    if op in (O.CONTAINS, O.NOT_CONTAINS, O.STARTS_WITH, O.ENDS_WITH):
        return attribute_type is not T.CHECKBOX
    return True


MATRIX = [(t, op) for t in ALL_TYPES for op in _ALL_OPS]


@pytest.mark.parametrize(("attribute_type", "op"), MATRIX, ids=[f"{t.value}-{op.value}" for t, op in MATRIX])
def test_single_value(attribute_type: AttributeType, op: Operator) -> None:
    attr = make_attr(attribute_type)
    spec = SPECS[attribute_type]
    if not _supported(attribute_type, op):
        with pytest.raises(InvalidFilter) as caught:
            _matches(attr, op, spec.equal, spec.hit)
        assert attr.title in str(caught.value)
        assert op.label in str(caught.value)
        return
    # The miss is chosen so that ordering checks can see it is on the other side (or equal to nothing).
    for operand, on_hit, on_miss, on_empty in _expectations(spec, op):
        assert _matches(attr, op, operand, spec.hit) is on_hit, (operand, "hit")
        if op not in (O.GT, O.GTE, O.LT, O.LTE):
            assert _matches(attr, op, operand, spec.miss) is on_miss, (operand, "miss")
        assert _matches(attr, op, operand, None) is on_empty, (operand, "empty")


MULTI = [(t, op) for t in sorted(MULTISELECT_TYPES) for op in _ALL_OPS if _supported(t, op)]


@pytest.mark.parametrize(("attribute_type", "op"), MULTI, ids=[f"{t.value}-{op.value}" for t, op in MULTI])
def test_multiselect_matches_when_any_element_does(attribute_type: AttributeType, op: Operator) -> None:
    attr = make_attr(attribute_type, multiselect=True)
    spec = SPECS[attribute_type]
    both = [spec.hit, spec.miss]
    only_miss = [spec.miss]
    for operand, on_hit, on_miss, on_empty in _expectations(spec, op):
        # Some element matching is enough, so [hit, miss] matches whenever hit or miss would alone.
        if op not in (O.GT, O.GTE, O.LT, O.LTE):
            assert _matches(attr, op, operand, both) is (on_hit or on_miss), (operand, "both")
            assert _matches(attr, op, operand, only_miss) is on_miss, (operand, "miss")
        else:
            assert _matches(attr, op, operand, [spec.hit]) is on_hit, (operand, "hit alone")
        assert _matches(attr, op, operand, []) is on_empty, (operand, "empty list")


@pytest.mark.parametrize("attribute_type", sorted(MULTISELECT_TYPES))
def test_not_in_all_the_elements_does_not_match(attribute_type: AttributeType) -> None:
    attr = make_attr(attribute_type, multiselect=True)
    spec = SPECS[attribute_type]
    assert _matches(attr, O.NOT_IN, [spec.equal], [spec.hit]) is False
    assert _matches(attr, O.NOT_EQUALS, spec.equal, [spec.hit]) is False


EXPECTED_OPERATORS = {
    "ordered": (
        "equals",
        "contains",
        "not_contains",
        "starts_with",
        "ends_with",
        "not_equals",
        "in",
        "not_in",
        "gt",
        "gte",
        "lt",
        "lte",
        "is_empty",
        "is_not_empty",
    ),
    "unordered": (
        "equals",
        "contains",
        "not_contains",
        "starts_with",
        "ends_with",
        "not_equals",
        "in",
        "not_in",
        "is_empty",
        "is_not_empty",
    ),
    "checkbox": ("equals", "not_equals", "in", "not_in", "is_empty", "is_not_empty"),
}


@pytest.mark.parametrize("attribute_type", ALL_TYPES)
def test_operators_offered_per_type(attribute_type: AttributeType) -> None:
    kind = "checkbox" if attribute_type is T.CHECKBOX else "ordered" if attribute_type in ORDERED else "unordered"
    assert tuple(op.value for op in operators_for(attribute_type)) == EXPECTED_OPERATORS[kind]
    for op in Operator:
        assert _supported(attribute_type, op) is (op in operators_for(attribute_type))


# -- text semantics -------------------------------------------------------------------------


TEXT = make_attr(T.TEXT, title="Job Title")


@pytest.mark.parametrize(
    ("op", "operand", "value", "expected"),
    [
        (O.EQUALS, "cto", "CTO", False),  # equals is exact
        (O.EQUALS, "CTO ", "CTO", False),
        (O.CONTAINS, "%", "100% sure", True),  # % and _ are literal characters
        (O.CONTAINS, "%", "fully sure", False),
        (O.CONTAINS, "a_c", "abc", False),
        (O.CONTAINS, "a_c", "A_C corp", True),
        (O.STARTS_WITH, "_", "x_", False),
        (O.ENDS_WITH, "%", "50%", True),
        (O.CONTAINS, "", "anything", True),
        (O.CONTAINS, "ÉCOLE", "École normale", True),
        (O.CONTAINS, "e\u0301", "Cafe\u0301", True),  # combining accent
        (O.CONTAINS, "é", "Cafe\u0301", False),  # no Unicode normalisation: composed ≠ decomposed
        (O.CONTAINS, "🦄", "team 🦄 unicorns", True),
        (O.STARTS_WITH, "مدير", "مدير المبيعات", True),
        (O.ENDS_WITH, "总监", "营销总监", True),
        (O.EQUALS, "营销总监", "营销总监", True),
        (O.CONTAINS, 12, "Room 12B", True),  # a number operand is looked for as text
        (O.IN, ["CTO", "VP Sales"], "VP Sales", True),
        (O.IN, ["CTO", "VP Sales"], "vp sales", False),
        (O.NOT_IN, ["CTO"], "CEO", True),
    ],
)
def test_text_operator_details(op: Operator, operand: Any, value: str, expected: bool) -> None:
    assert _matches(TEXT, op, operand, value) is expected


def test_contains_over_very_long_text() -> None:
    value = "x" * 99_990 + "needle" + "y" * 4
    assert _matches(TEXT, O.CONTAINS, "NEEDLE", value) is True
    assert _matches(TEXT, O.ENDS_WITH, "needleyyyy", value) is True
    assert _matches(TEXT, O.STARTS_WITH, "needle", value) is False


@pytest.mark.parametrize(
    ("attribute_type", "op", "operand", "value", "expected"),
    [
        (T.SELECT, O.EQUALS, "lead", "opt-lead", True),  # a title operand resolves to its option
        (T.SELECT, O.IN, ["Won", "opt-qual"], "opt-qual", True),
        (T.STATUS, O.NOT_IN, ["Lead", "Qualified"], "opt-won", True),
        (T.CHECKBOX, O.EQUALS, False, False, True),
        (T.CHECKBOX, O.EQUALS, "no", True, False),
        (T.CHECKBOX, O.IN, [True, False], False, True),
        (T.NUMBER, O.EQUALS, 1200.0, 1200, True),
        (T.NUMBER, O.IN, [45, "1,200"], 1200, True),
        (T.NUMBER, O.LT, "100", 45, True),  # the real server's string operand
        (T.NUMBER, O.GTE, -0.5, 0, True),
        (T.CURRENCY, O.EQUALS, 25000, {"amount": 25000, "currency": "EUR"}, True),  # compares amounts
        (T.CURRENCY, O.GT, 10000, {"amount": 9999.5, "currency": None}, False),
        (T.RATING, O.GTE, 3, 2.5, False),
        (T.DATE, O.EQUALS, "June 15, 2026", "2026-06-15", True),
        (T.DATE, O.LTE, "2026-06-15", "2026-06-15", True),
        (T.TIMESTAMP, O.GT, "2026-11-01T00:00:00Z", "2026-11-20T10:30:00.000Z", True),
        (T.TIMESTAMP, O.EQUALS, "2026-11-20 10:30:00", "2026-11-20T10:30:00.000Z", True),
        (T.EMAIL_ADDRESS, O.CONTAINS, "GMAIL", "j.smith@gmail.com", True),
        (T.DOMAIN, O.CONTAINS, "acme", "acme.io", True),
        (T.PERSONAL_NAME, O.CONTAINS, "jane", {"first_name": "Jane", "full_name": "Jane"}, True),
        (T.RECORD_REFERENCE, O.EQUALS, "rec-globex", "rec-acme", False),
        (T.INTERACTION, O.EQUALS, "call", {"type": "call", "subject": "x"}, True),
    ],
)
def test_typed_operator_details(
    attribute_type: AttributeType, op: Operator, operand: Any, value: Any, expected: bool
) -> None:
    assert _matches(make_attr(attribute_type), op, operand, value) is expected


# -- wrong-typed operands -------------------------------------------------------------------


WRONG_OPERANDS = [
    (T.TEXT, O.EQUALS, {"a": 1}),
    (T.TEXT, O.EQUALS, None),
    (T.TEXT, O.EQUALS, True),
    (T.TEXT, O.IN, [None]),
    (T.TEXT, O.IN, [["nested"]]),
    (T.TEXT, O.CONTAINS, None),
    (T.TEXT, O.CONTAINS, ["a"]),
    (T.TEXT, O.STARTS_WITH, {"a": 1}),
    (T.NUMBER, O.GT, "many"),
    (T.NUMBER, O.GT, True),
    (T.NUMBER, O.EQUALS, float("nan")),
    (T.NUMBER, O.LT, float("inf")),
    (T.NUMBER, O.IN, [1, "two"]),
    (T.NUMBER, O.GTE, 10**30),
    (T.CURRENCY, O.GT, {"currency": "USD"}),
    (T.RATING, O.LTE, [3]),
    (T.DATE, O.GT, "soon"),
    (T.DATE, O.EQUALS, 20260615),
    (T.TIMESTAMP, O.LT, "2026-13-01"),
    (T.TIMESTAMP, O.GTE, None),
    (T.CHECKBOX, O.EQUALS, "maybe"),
    (T.SELECT, O.EQUALS, "Platinum"),
    (T.SELECT, O.IN, [5]),
    (T.STATUS, O.NOT_EQUALS, None),
    (T.EMAIL_ADDRESS, O.EQUALS, ["a@b.co"]),
    (T.LOCATION, O.EQUALS, {"city": "Phoenix"}),
    (T.PERSONAL_NAME, O.EQUALS, {"full_name": "Jane"}),
    (T.RECORD_REFERENCE, O.IN, [{"id": "rec-acme"}]),
    (T.ACTOR_REFERENCE, O.EQUALS, None),
    (T.INTERACTION, O.EQUALS, {"type": "call"}),
]


@pytest.mark.parametrize(("attribute_type", "op", "operand"), WRONG_OPERANDS)
def test_wrong_typed_operands_are_an_invalid_filter_naming_the_attribute(
    attribute_type: AttributeType, op: Operator, operand: Any
) -> None:
    attr = make_attr(attribute_type)
    with pytest.raises(InvalidFilter) as caught:
        _matches(attr, op, operand, SPECS[attribute_type].hit)
    message = str(caught.value)
    assert message.startswith(f"{attr.title}: ")
    assert "Traceback" not in message and "NoneType" not in message and "<" not in message


def test_an_unknown_attribute_is_an_invalid_filter_not_everything() -> None:
    group = FilterGroup("and", (Condition("no_such_attr", O.EQUALS, "x"),))
    with pytest.raises(InvalidFilter, match="no_such_attr"):
        compile_predicate(group, {TEXT.slug: TEXT}.get)


def test_ordering_on_multiselect_numbers_matches_when_any_element_is_in_range() -> None:
    counts = make_attr(T.NUMBER, multiselect=True)
    assert _matches(counts, O.GT, 1000, [45, 1200]) is True
    assert _matches(counts, O.LT, 50, [45, 1200]) is True
    assert _matches(counts, O.GT, 2000, [45, 1200]) is False
    assert _matches(counts, O.LTE, 10, [45, 1200]) is False


def test_a_condition_built_with_a_plain_string_operator_means_the_same() -> None:
    for op in ("contains", "not_contains", "starts_with", "equals", "is_empty", "greater_than"):
        attr = make_attr(T.NUMBER) if op == "greater_than" else TEXT
        value = 5 if op == "greater_than" else "01"
        operand = 1 if op == "greater_than" else "0"
        as_string = _matches(attr, op, operand, value)  # type: ignore[arg-type]
        assert as_string is _matches(attr, parse_operator(op), operand, value), op
    assert _matches(TEXT, "contains", "0", "01") is True  # type: ignore[arg-type]
