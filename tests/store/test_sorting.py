"""Sorted query_ids agree with the model's sort keys: values in key order, empties last in
both directions, ties broken newest first (created_at DESC, then rowid DESC)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk.model import Condition, FilterGroup, Operator, Record, Sort
from crmdesk.model.values import sort_key
from crmdesk.store import Store

from ._generators import COMPANIES_ROWS, EXTRA_MEMBERS, people_records
from ._support import COMPANIES, PEOPLE, StoreContext, ids_of, open_store, person


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(Path(tmp_path_factory.mktemp("sort")) / "ws.sqlite") as store:
        with store.write():
            store.schema.replace_members(EXTRA_MEMBERS)
            store.records.put_many(COMPANIES, list(COMPANIES_ROWS))
        yield store


def expected_order(store: Store, records: list[Record], rowids: dict[str, int], sort: Sort) -> list[str]:
    people = store.schema.get_object("people")
    assert people is not None
    attribute = people.attribute(sort.attribute)
    assert attribute is not None
    ctx = StoreContext(store)
    newest_first = sorted(records, key=lambda r: (r.created_at, rowids[r.id]), reverse=True)
    keyed = [(sort_key(attribute, r.values.get(attribute.slug), ctx), r.id) for r in newest_first]
    filled = sorted((pair for pair in keyed if pair[0] is not None), key=lambda p: p[0], reverse=sort.descending)
    return [i for _, i in filled] + [i for k, i in keyed if k is None]


def sorted_ids(store: Store, records: list[Record], sorts: list[Sort], group: FilterGroup | None = None):
    store.conn.execute("BEGIN")
    try:
        rowids = dict(zip([r.id for r in records], store.records.put_many(PEOPLE, records), strict=True))
        got = ids_of(store, store.records.query_ids("people", group, sorts))
        return got, rowids
    finally:
        store.conn.execute("ROLLBACK")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=people_records(max_size=14),
    slug=st.sampled_from([a.slug for a in PEOPLE.attributes]),
    descending=st.booleans(),
)
def test_sort_matches_model_sort_keys(shared_store: Store, records: list[Record], slug: str, descending: bool):
    sort = Sort(slug, descending)
    got, rowids = sorted_ids(shared_store, records, [sort])
    assert got == expected_order(shared_store, records, rowids, sort)


def test_no_sort_is_newest_first(shared_store: Store) -> None:
    records = [person("a", "A", created_at="2026-01-01T00:00:00.000Z"),
               person("b", "B", created_at="2026-01-03T00:00:00.000Z"),
               person("c", "C", created_at="2026-01-01T00:00:00.000Z")]
    got, _ = sorted_ids(shared_store, records, [])
    assert got == ["b", "c", "a"]  # c was inserted after a: same time, higher rowid first


@pytest.mark.parametrize("descending", [False, True])
def test_empties_last_in_both_directions(shared_store: Store, descending: bool) -> None:
    records = [person("none1", "N"), person("lo", "L", score=1), person("none2", "M"), person("hi", "H", score=9)]
    got, _ = sorted_ids(shared_store, records, [Sort("score", descending)])
    assert got[:2] == (["hi", "lo"] if descending else ["lo", "hi"])
    assert set(got[2:]) == {"none1", "none2"}


def test_second_sort_breaks_ties_and_filter_applies(shared_store: Store) -> None:
    records = [person("a", "Zed", score=1), person("b", "Amy", score=1), person("c", "Bob", score=0),
               person("d", "Cy", score=1, vip=True)]
    only = FilterGroup("and", (Condition("vip", Operator.IS_EMPTY),))
    got, _ = sorted_ids(shared_store, records, [Sort("score", True), Sort("name")], only)
    assert got == ["b", "a", "c"]


def test_reference_sorts_by_current_title_and_unknown_is_not_empty(shared_store: Store) -> None:
    records = [person("x", "X", company="co-missing"), person("y", "Y", company="co-ecole"),
               person("z", "Z"), person("w", "W", company="co-acme")]
    got, _ = sorted_ids(shared_store, records, [Sort("company")])
    # "(unknown record)" < "acme % inc" < "école été"; no value last
    assert got == ["x", "w", "y", "z"]
