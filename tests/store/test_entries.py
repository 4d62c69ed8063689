"""List entries: round trips, and queries mixing list-only and parent-object attributes."""

from __future__ import annotations

from crmdesk.model import Condition, Entry, FilterGroup, Operator, Sort
from crmdesk.store import Store

from ._support import PEOPLE, PIPELINE, person, scalar


def entry_ids(store: Store, rowids: list[int]) -> list[str]:
    return [row.id for row in store.entries.rows(rowids)]


def load(store: Store) -> None:
    with store.write():
        store.records.put_many(PEOPLE, [
            person("p-ada", "Ada", job_title="CTO", score=9),
            person("p-bob", "Bob", job_title="Intern", score=1),
            person("p-cy", "Cy", job_title="CTO"),
        ])
        for n, (entry_id, record_id, values) in enumerate([
            ("e1", "p-ada", {"priority": "p-hi", "value": {"amount": 100, "currency": "EUR"}, "next_step": "Call"}),
            ("e2", "p-bob", {"priority": "p-hi", "next_step": "Email the CTO"}),
            ("e3", "p-cy", {"priority": "p-lo", "value": {"amount": 5, "currency": None}, "champion": "p-ada"}),
            ("e4", "p-gone", {"priority": "p-hi"}),  # its record is not cached
        ]):
            store.entries.put(PIPELINE, Entry(entry_id, PIPELINE.id, record_id, values, f"2026-01-0{n + 1}"))


def test_entry_round_trip_and_for_record(store: Store) -> None:
    load(store)
    store.close()
    store = Store.open(store.path)
    row = store.entries.get("e1")
    assert row is not None
    assert (row.list_id, row.record_id, row.created_at) == ("list-pipeline", "p-ada", "2026-01-01")
    assert row.values == {"priority": "p-hi", "value": {"amount": 100, "currency": "EUR"}, "next_step": "Call"}
    assert [e.id for e in store.entries.for_record("p-ada")] == ["e1"]
    assert store.entries.ids("list-pipeline") == {"e1", "e2", "e3", "e4"}
    assert store.entries.get("nope") is None
    store.close()


def test_reput_replaces_values_keeps_created_at(store: Store) -> None:
    load(store)
    with store.write():
        store.entries.put(PIPELINE, Entry("e1", PIPELINE.id, "p-ada", {"priority": "p-lo"}, "2099", "2026-02-01"))
    row = store.entries.get("e1")
    assert row is not None and row.values == {"priority": "p-lo"} and row.created_at == "2026-01-01"
    hi = FilterGroup("and", (Condition("priority", Operator.EQUALS, "High"),))
    assert set(entry_ids(store, store.entries.query_ids(PIPELINE.id, hi))) == {"e2", "e4"}
    assert scalar(store, "SELECT count(*) FROM entry_values WHERE entry_rowid = ?", row.rowid) == 1


def test_query_mixes_list_and_parent_attributes(store: Store) -> None:
    load(store)
    group = FilterGroup("and", (
        Condition("priority", Operator.EQUALS, "high"),  # list attribute, by title
        FilterGroup("or", (
            Condition("job_title", Operator.EQUALS, "CTO"),  # parent attribute
            Condition("next_step", Operator.CONTAINS, "cto"),  # list attribute
        )),
    ))
    assert entry_ids(store, store.entries.query_ids(PIPELINE.id, group)) == ["e2", "e1"]  # newest first
    parents = FilterGroup("and", (Condition("score", Operator.GTE, 1), Condition("value", Operator.IS_EMPTY)))
    assert entry_ids(store, store.entries.query_ids(PIPELINE.id, parents)) == ["e2"]
    champion = FilterGroup("and", (Condition("champion", Operator.CONTAINS, "ada"),))
    assert entry_ids(store, store.entries.query_ids(PIPELINE.id, champion)) == ["e3"]


def test_sort_by_list_and_parent_attributes(store: Store) -> None:
    load(store)
    by_value = store.entries.query_ids(PIPELINE.id, None, [Sort("value", descending=True)])
    assert entry_ids(store, by_value) == ["e1", "e3", "e4", "e2"]  # empties last, newest first
    by_score = store.entries.query_ids(PIPELINE.id, None, [Sort("score")])
    assert entry_ids(store, by_score) == ["e2", "e1", "e4", "e3"]


def test_delete_entry_removes_its_index(store: Store) -> None:
    load(store)
    row = store.entries.get("e2")
    assert row is not None
    with store.write():
        assert store.entries.delete("e2") and not store.entries.delete("e2")
    assert store.entries.get("e2") is None
    assert scalar(store, "SELECT count(*) FROM entry_values WHERE entry_rowid = ?", row.rowid) == 0
    assert "e2" not in entry_ids(store, store.entries.query_ids(PIPELINE.id))
