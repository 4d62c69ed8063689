"""query_ids over records answers exactly as the model's pure-Python filter evaluator.

The store compiles filter trees to SQL over its value index and joins for reference
titles and member names; ``compile_predicate`` evaluates the same tree over the values
with a display context reading the same titles and names. Both must agree on every
tree, including the ones that are invalid (both refuse).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk.model import Condition, FilterGroup, InvalidFilter, Operator, Record, Sort, compile_predicate
from crmdesk.store import Store

from ._generators import COMPANIES_ROWS, EXTRA_MEMBERS, filter_trees, people_records
from ._support import COMPANIES, StoreContext, ids_of, open_store, person


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(Path(tmp_path_factory.mktemp("query")) / "ws.sqlite") as store:
        with store.write():
            store.schema.replace_members(EXTRA_MEMBERS)
            store.records.put_many(COMPANIES, list(COMPANIES_ROWS))
        yield store


def sql_answer(store: Store, group: FilterGroup) -> set[str] | type[InvalidFilter]:
    try:
        whole = store.records.query_ids("people", group)
    except InvalidFilter:
        return InvalidFilter
    # A limited query (a table's first screen) checks each condition per record (EXISTS), not
    # as a list: the same rows in the same order, cut at the limit.
    assert store.records.query_ids("people", group, limit=len(whole) + 1) == whole
    assert store.records.query_ids("people", group, limit=3) == whole[:3]
    return set(ids_of(store, whole))


def python_answer(store: Store, group: FilterGroup, records: list[Record]) -> set[str] | type[InvalidFilter]:
    people = store.schema.get_object("people")
    assert people is not None
    try:
        predicate = compile_predicate(group, people.attribute, StoreContext(store))
    except InvalidFilter:
        return InvalidFilter
    return {r.id for r in records if predicate(r.values)}


def check(store: Store, records: list[Record], groups: list[FilterGroup]) -> None:
    """Load the records in a transaction that is rolled back, so examples do not mix."""
    store.conn.execute("BEGIN")
    try:
        store.records.put_many(store.schema.get_object("people"), records)  # type: ignore[arg-type]
        for group in groups:
            expected = python_answer(store, group, records)
            assert sql_answer(store, group) == expected, group
    finally:
        store.conn.execute("ROLLBACK")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=people_records(), groups=st.lists(filter_trees, min_size=1, max_size=8))
def test_sql_filter_equals_python_predicate(shared_store: Store, records: list[Record], groups: list) -> None:
    check(shared_store, records, groups)


# -- hand-picked cases the property might take a while to find --------------------------------


def one(attribute: str, operator: Operator, value: Any = None) -> FilterGroup:
    return FilterGroup("and", (Condition(attribute, operator, value),))


CASES = [
    one("job_title", Operator.CONTAINS, "%"),
    one("job_title", Operator.CONTAINS, "_"),
    one("job_title", Operator.STARTS_WITH, "50%"),
    one("job_title", Operator.ENDS_WITH, "É"),
    one("job_title", Operator.EQUALS, "Chef"),
    one("job_title", Operator.NOT_CONTAINS, ""),
    one("owner", Operator.CONTAINS, "émile"),
    one("owner", Operator.STARTS_WITH, "ÉMILE"),
    one("owner", Operator.CONTAINS, "unknown member"),
    one("company", Operator.CONTAINS, "école"),
    one("company", Operator.EQUALS, "co-acme"),
    one("company", Operator.CONTAINS, "unknown record"),
    one("company", Operator.STARTS_WITH, "unnamed"),
    one("emails", Operator.NOT_EQUALS, "a@x.com"),
    one("emails", Operator.NOT_IN, ["a@x.com"]),
    one("tags", Operator.IN, []),
    one("tags", Operator.NOT_IN, []),
    one("score", Operator.GT, "1.5"),
    one("score", Operator.LTE, 1),
    one("deal", Operator.GTE, {"amount": 2, "currency": "USD"}),
    one("born", Operator.LT, "31 Dec 2025"),
    one("seen", Operator.GTE, "2026-01-01 13:30:00.5+01:00"),
    one("vip", Operator.EQUALS, "yes"),
    one("stage", Operator.EQUALS, "QUALIFIED"),
    one("address", Operator.CONTAINS, "münchen"),
    one("tags", Operator.IS_EMPTY),
    FilterGroup("or", (FilterGroup("and", ()), Condition("vip", Operator.IS_NOT_EMPTY))),
    FilterGroup("and", (FilterGroup("or", ()),)),
]
INVALID = [
    one("nope", Operator.EQUALS, "x"),
    one("score", Operator.GT, "many"),
    one("vip", Operator.CONTAINS, "y"),
    one("job_title", Operator.GT, "a"),
    one("stage", Operator.EQUALS, "No such stage"),
    one("job_title", Operator.CONTAINS, None),
    one("born", Operator.EQUALS, "2026-02-30"),
    FilterGroup("or", (Condition("vip", Operator.IS_EMPTY), Condition("score", Operator.IN, [True]))),
]

HAND_RECORDS = [
    person("h1", "Émile", "Zola", job_title="50% Chef_É", owner="mem-emile", company="co-ecole",
           emails=["a@x.com", "b@x.com"], tags=["x"], score=2, vip=True, stage="st-qual",
           address={"line1": "1 Main St", "city": "München"}),
    person("h2", "Ada", job_title="Chef", owner="user-ada", company="co-missing", emails=["a@x.com"],
           score=1, deal={"amount": 5, "currency": "USD"}, born="2025-12-30", seen="2026-01-01T12:30:00.500Z"),
    person("h3", "Bob", owner="mem-ghost", company="co-blank", job_title="", vip=False, born="2025-12-31"),
    person("h4", "Blank", owner="mem-blank", company="co-acme", score=1.5, deal={"amount": 2, "currency": None}),
]


@pytest.mark.parametrize("group", CASES, ids=[repr(c)[:80] for c in range(len(CASES))])
def test_hand_picked_filters_agree(shared_store: Store, group: FilterGroup) -> None:
    check(shared_store, HAND_RECORDS, [group])


@pytest.mark.parametrize("group", INVALID, ids=[str(i) for i in range(len(INVALID))])
def test_invalid_filters_are_refused_by_both(shared_store: Store, group: FilterGroup) -> None:
    assert python_answer(shared_store, group, HAND_RECORDS) is InvalidFilter
    assert sql_answer(shared_store, group) is InvalidFilter


def test_unicode_member_names_fold_like_python(shared_store: Store) -> None:
    """SQLite's lower() leaves 'É' alone; a filter for 'émile' must still find Émile's records."""
    shared_store.conn.execute("BEGIN")
    try:
        shared_store.records.put_many(shared_store.schema.get_object("people"), HAND_RECORDS)  # type: ignore[arg-type]
        found = ids_of(shared_store, shared_store.records.query_ids("people", one("owner", Operator.CONTAINS, "émile")))
    finally:
        shared_store.conn.execute("ROLLBACK")
    assert found == ["h1"]


def test_a_limited_sorted_query_is_the_head_of_the_whole_list(shared_store: Store) -> None:
    """A sorted table's first screen: the same first rows the whole sorted list starts with."""
    group = one("name", Operator.CONTAINS, "e")
    for sorts in ([Sort("name")], [Sort("name", descending=True)], []):
        whole = shared_store.records.query_ids("companies", group, sorts)
        assert len(whole) > 2
        assert shared_store.records.query_ids("companies", group, sorts, limit=2) == whole[:2]


@pytest.mark.parametrize("attribute", ["job_title", "score", "company"])
def test_every_head_of_a_sort_with_ties_and_empties_is_the_head_of_the_whole_list(
    tmp_path: Path, attribute: str
) -> None:
    """The sorted head is cut at the limit-th value read from the values alone (a plain column;
    a reference sorts by the title it shows, never cut): ties, empties, a filter, both directions."""
    titles = ["cto", "ceo", "cto", None, "analyst", "ceo", None, "cto"]
    with open_store(tmp_path / "heads.sqlite") as store:
        with store.write():
            store.records.put_many(COMPANIES, list(COMPANIES_ROWS))
            store.records.put_many(store.schema.get_object("people"), [  # type: ignore[arg-type]
                person(f"p{n}", f"Person {n % 3}", **({} if titles[n % 8] is None else {
                    "job_title": titles[n % 8], "score": n % 4, "company": ["co-acme", "co-under"][n % 2]}))
                for n in range(20)])
        filters = [None, one("name", Operator.CONTAINS, "1")]
        for group in filters:
            for descending in (False, True):
                sorts = [Sort(attribute, descending=descending), Sort("name")]
                whole = store.records.query_ids("people", group, sorts)
                for limit in range(len(whole) + 2):
                    assert store.records.query_ids("people", group, sorts, limit=limit) == whole[:limit], (
                        group, descending, limit)
