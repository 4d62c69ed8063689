"""Nested AND/OR groups, JSON round trips and the real server's filter bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmdesk.model import Condition, FilterGroup, InvalidFilter, Operator, compile_predicate
from crmdesk.model.filters import filter_from_json, filter_to_json, parse_operator

from ._support import T, lookup_for, make_attr

ARIA = Path(__file__).parents[1] / "fixtures" / "aria-real"
TITLE = make_attr(T.TEXT, slug="job_title", title="Job Title")
EMPLOYEES = make_attr(T.NUMBER, slug="employees", title="Employees")
LOOKUP = lookup_for(TITLE, EMPLOYEES)

ROWS = {
    "cto": {"job_title": "CTO", "employees": 1200},
    "vp": {"job_title": "VP Sales", "employees": 45},
    "nameless": {"job_title": "Nameless"},
    "blank": {},
}


def passing(group: FilterGroup) -> set[str]:
    predicate = compile_predicate(group, LOOKUP)
    return {name for name, values in ROWS.items() if predicate(values)}


def cond(attribute: str, op: str, value: object = None) -> Condition:
    return Condition(attribute, Operator(op), value)


def test_an_empty_group_passes_everything() -> None:
    assert passing(FilterGroup()) == set(ROWS)
    assert passing(FilterGroup("or")) == set(ROWS)
    assert FilterGroup().is_empty()


def test_nested_empty_groups_are_ignored_rather_than_failing_everything() -> None:
    nested = FilterGroup("or", (FilterGroup("and"), FilterGroup("or", (FilterGroup(),))))
    assert nested.is_empty()
    assert passing(nested) == set(ROWS)
    mixed = FilterGroup("and", (FilterGroup("or"), cond("job_title", "equals", "CTO")))
    assert not mixed.is_empty()
    assert passing(mixed) == {"cto"}


def test_and_of_an_or_group() -> None:
    group = FilterGroup(
        "and",
        (
            cond("job_title", "is_not_empty"),
            FilterGroup("or", (cond("job_title", "equals", "CTO"), cond("job_title", "equals", "Nameless"))),
        ),
    )
    assert passing(group) == {"cto", "nameless"}


def test_or_of_and_groups() -> None:
    group = FilterGroup(
        "or",
        (
            FilterGroup("and", (cond("employees", "gt", 100), cond("job_title", "contains", "t"))),
            FilterGroup("and", (cond("employees", "is_empty"), cond("job_title", "starts_with", "name"))),
        ),
    )
    assert passing(group) == {"cto", "nameless"}


def test_deep_nesting_evaluates_like_the_flat_condition() -> None:
    group: FilterGroup = FilterGroup("and", (cond("employees", "lt", 100),))
    for depth in range(200):
        group = FilterGroup("or" if depth % 2 else "and", (group,))
    assert passing(group) == {"vp"}


def test_a_broken_condition_deep_inside_is_reported() -> None:
    group = FilterGroup("or", (FilterGroup("and", (FilterGroup("or", (cond("nope", "equals", "x"),)),)),))
    with pytest.raises(InvalidFilter, match="nope"):
        compile_predicate(group, LOOKUP)


# -- JSON -----------------------------------------------------------------------------------


def test_json_round_trip_keeps_the_whole_tree() -> None:
    group = FilterGroup(
        "or",
        (
            cond("job_title", "in", ["CTO", "VP Sales"]),
            FilterGroup("and", (cond("employees", "gte", 10), cond("job_title", "is_empty"))),
            FilterGroup("and"),
        ),
    )
    data = filter_to_json(group)
    assert data["conditions"][1]["conditions"][1] == {"attribute": "job_title", "operator": "is_empty"}
    assert json.loads(json.dumps(data)) == data
    assert filter_from_json(data) == group


@pytest.mark.parametrize(
    ("spelling", "operator"),
    [
        ("greater_than", Operator.GT),
        ("greater_than_or_equals", Operator.GTE),
        ("less_than", Operator.LT),
        ("less_than_or_equals", Operator.LTE),
        ("gt", Operator.GT),
        ("not_in", Operator.NOT_IN),
        ("is_not_empty", Operator.IS_NOT_EMPTY),
    ],
)
def test_the_real_servers_operator_spellings(spelling: str, operator: Operator) -> None:
    assert parse_operator(spelling) is operator


@pytest.mark.parametrize("spelling", ["regex", "", "EQUALS", "greater than"])
def test_unknown_operators_are_refused_by_name(spelling: str) -> None:
    with pytest.raises(InvalidFilter) as caught:
        parse_operator(spelling)
    assert f"“{spelling}”" in str(caught.value)


def test_a_top_level_condition_is_wrapped_in_an_and_group() -> None:
    data = {"attribute": "job_title", "operator": "equals", "value": "CTO"}
    assert filter_from_json(data) == FilterGroup("and", (cond("job_title", "equals", "CTO"),))
    assert filter_from_json({"conditions": [data]}).conjunction == "and"
    assert filter_from_json({"operator": "OR", "conditions": []}) == FilterGroup("or")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (["not", "an", "object"], "must be an object"),
        ({"operator": "xor", "conditions": []}, "and/or"),
        ({"conditions": {"attribute": "x"}}, "must be a list"),
        ({"attribute": "job_title"}, "needs an attribute and an operator"),
        ({"operator": "and", "conditions": [{"attribute": "x", "operator": "regex", "value": "x"}]}, "regex"),
        ({"operator": "and", "conditions": ["oops"]}, "must be an object"),
    ],
)
def test_malformed_filter_json_is_an_invalid_filter(data: object, words: str) -> None:
    with pytest.raises(InvalidFilter, match=words):
        filter_from_json(data)  # type: ignore[arg-type]


def _recorded_filters() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(ARIA.glob("POST_*query*.txt")):
        for line in path.read_text().splitlines():
            if line.startswith("### BODY: "):
                body = json.loads(line.removeprefix("### BODY: "))
                if "filter" in body:
                    found.append((path.name, body["filter"]))
    return found


RECORDED = _recorded_filters()


def test_the_fixtures_hold_the_filter_bodies_we_expect() -> None:
    assert len(RECORDED) >= 40


@pytest.mark.parametrize(("name", "data"), RECORDED, ids=[name for name, _ in RECORDED])
def test_every_recorded_filter_body_reads_and_writes_back(name: str, data: dict) -> None:
    if "regex" in json.dumps(data):
        with pytest.raises(InvalidFilter, match="regex"):
            filter_from_json(data)
        return
    group = filter_from_json(data)
    again = filter_from_json(filter_to_json(group))
    assert again == group
    conditions = [c for c in group.children if isinstance(c, Condition)]
    for raw, parsed in zip(data.get("conditions", [data]), conditions, strict=False):
        assert parsed.attribute == raw["attribute"]
        assert parsed.value == raw.get("value")
