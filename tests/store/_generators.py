"""Hypothesis strategies for the query and sort equivalence tests: canonical values for every
attribute of the ``people`` object, and filter trees over every operator."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from crmdesk.model import AttributeDef, Condition, FilterGroup, Member, Operator, Record, operators_for
from crmdesk.model.values import validate_value

from ._support import MEMBERS, PEOPLE, T, company

#: Few distinct characters so that contains/equals often hit; LIKE wildcards and case folds
#: that differ between ASCII-only and Unicode lower() included on purpose.
ALPHABET = "aAbé É%_ İßŸ"
TEXTS = st.text(alphabet=ALPHABET, max_size=5)

COMPANIES_ROWS = (
    company("co-acme", "Acme % Inc"),
    company("co-under", "under_score"),
    company("co-ecole", "École Été"),
    company("co-blank", "   "),  # no usable title: shows as "Unnamed"
)
EXTRA_MEMBERS = (*MEMBERS, Member("mem-blank", "", "blank@example.com"))
RECORD_IDS = ("co-acme", "co-under", "co-ecole", "co-blank", "co-missing")
ACTOR_IDS = ("mem-ada", "user-ada", "mem-emile", "mem-bob", "mem-blank", "mem-ghost")

_NUMBERS = st.sampled_from([-1, 0, 1, 1.5, 2, 10, 1_000_000, -0.25])
_DATES = st.sampled_from(["2024-02-29", "2025-12-31", "2026-01-01", "1999-07-04"])
_STAMPS = st.sampled_from(
    ["2026-01-01T00:00:00.000Z", "2026-01-01T12:30:00.500Z", "2025-06-30T23:59:59.999Z", "0999-01-01T00:00:00.000Z"]
)
_EMAILS = st.sampled_from(["a@x.com", "Bé%@Y.org", "jo_se@ex.io", "ann@example.com"])
_DOMAINS = st.sampled_from(["acme.com", "école.fr", "a-b.io", "example.org"])
_NAMES = st.builds(
    lambda first, last: {"first_name": first, "last_name": last},
    st.sampled_from(["Ada", "José", "ÉMILE", "x%y"]),
    st.sampled_from(["Lovelace", "Ñúñez", "o_o", ""]),
)
_LOCATIONS = st.fixed_dictionaries(
    {"line1": st.sampled_from(["1 Main St", "Rue d'Été 5", "50% Off Ave"])},
    optional={"city": st.sampled_from(["Paris", "München"]), "country": st.sampled_from(["FR", "DE"])},
)

ELEMENTS: dict[T, st.SearchStrategy[Any]] = {
    T.TEXT: TEXTS,
    T.PERSONAL_NAME: _NAMES,
    T.EMAIL_ADDRESS: _EMAILS,
    T.RECORD_REFERENCE: st.sampled_from(RECORD_IDS),
    T.ACTOR_REFERENCE: st.sampled_from(ACTOR_IDS),
    T.SELECT: st.sampled_from(["st-lead", "st-qual", "st-won", "st-unpulled"]),
    T.STATUS: st.sampled_from(["s-todo", "s-doing", "s-done"]),
    T.RATING: st.sampled_from([0, 1, 2.5, 3, 5]),
    T.NUMBER: _NUMBERS,
    T.CURRENCY: st.builds(lambda a, c: {"amount": a, "currency": c}, _NUMBERS, st.sampled_from(["EUR", "USD", None])),
    T.DATE: _DATES,
    T.TIMESTAMP: _STAMPS,
    T.CHECKBOX: st.booleans(),
    T.DOMAIN: _DOMAINS,
    T.LOCATION: _LOCATIONS,
    T.PHONE_NUMBER: st.sampled_from(["+1 555 0100", "+33 1 23 45 67 89", "555-0199"]),
}


def value_for(attribute: AttributeDef) -> st.SearchStrategy[Any]:
    element = ELEMENTS[attribute.type]
    raw = st.lists(element, min_size=1, max_size=3) if attribute.multiselect else element
    return st.one_of(st.none(), raw).map(lambda v: validate_value(attribute, v))


@st.composite
def people_records(draw: st.DrawFn, max_size: int = 12) -> list[Record]:
    count = draw(st.integers(0, max_size))
    records = []
    for index in range(count):
        values = {}
        for attribute in PEOPLE.attributes:
            value = draw(value_for(attribute))
            if value is not None:
                values[attribute.slug] = value
        # Few distinct creation times so that sort ties (broken newest first) happen.
        created = f"2026-03-0{draw(st.integers(1, 3))}T00:00:00.000Z"
        records.append(Record(f"p-{index:03d}", "people", values, created, None))
    return records


# -- filter operands --------------------------------------------------------------------------

_GARBAGE = st.sampled_from([None, True, {"x": 1}, [["nested"]], "not-a-thing-%"])
_OPERANDS: dict[T, st.SearchStrategy[Any]] = {
    T.TEXT: TEXTS,
    T.PERSONAL_NAME: st.sampled_from(["Ada Lovelace", "José Ñúñez", "x%y o_o", "ÉMILE"]),
    T.EMAIL_ADDRESS: _EMAILS,
    T.RECORD_REFERENCE: st.sampled_from(RECORD_IDS),
    T.ACTOR_REFERENCE: st.sampled_from(ACTOR_IDS),
    # ids and titles (any case) both name an option
    T.SELECT: st.sampled_from(["st-lead", "qualified", "WON", "st-unpulled"]),
    T.STATUS: st.sampled_from(["s-todo", "Doing", "done"]),
    T.RATING: st.sampled_from([0, 1, 2.5, "3", 5]),
    T.NUMBER: st.one_of(_NUMBERS, st.sampled_from(["1.5", "1,000,000", "-1"])),
    T.CURRENCY: st.one_of(_NUMBERS, st.sampled_from([{"amount": 2, "currency": "USD"}, "10"])),
    T.DATE: st.one_of(_DATES, st.just("31 Dec 2025")),
    T.TIMESTAMP: st.one_of(_STAMPS, st.just("2026-01-01 13:30:00.5+01:00")),
    T.CHECKBOX: st.sampled_from([True, False, "yes", 0]),
    T.DOMAIN: _DOMAINS,
    T.LOCATION: st.sampled_from(["1 Main St", "1 Main St, Paris", "Rue d'Été 5, München, DE"]),
    T.PHONE_NUMBER: st.sampled_from(["+1 555 0100", "555-0199"]),
}
TEXT_OPS = (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH)


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    attribute = draw(st.sampled_from(PEOPLE.attributes))
    offered = operators_for(attribute.type)
    # Mostly operators the type offers; sometimes one it does not (InvalidFilter on both sides).
    operator = draw(st.sampled_from(offered) if draw(st.integers(0, 9)) else st.sampled_from(list(Operator)))
    slug = attribute.slug if draw(st.integers(0, 29)) else "no_such_attribute"
    if not operator.takes_operand:
        return Condition(slug, operator)
    if draw(st.integers(0, 14)) == 0:
        return Condition(slug, operator, draw(_GARBAGE))
    if operator in TEXT_OPS:
        operand = draw(st.one_of(TEXTS, TEXTS.map(str.upper), _OPERANDS[attribute.type].map(str)))
    elif operator in (Operator.IN, Operator.NOT_IN):
        operand = draw(st.one_of(st.lists(_OPERANDS[attribute.type], max_size=3), _OPERANDS[attribute.type]))
    else:
        operand = draw(_OPERANDS[attribute.type])
    return Condition(slug, operator, operand)


def _group(children: st.SearchStrategy[Any]) -> st.SearchStrategy[FilterGroup]:
    return st.builds(
        lambda conjunction, kids: FilterGroup(conjunction, tuple(kids)),
        st.sampled_from(["and", "or"]),
        st.lists(children, max_size=3),
    )


filter_trees = _group(st.recursive(conditions(), _group, max_leaves=6))
