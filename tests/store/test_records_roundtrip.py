"""Records through the store's API: values survive a reopen, rows keep the order asked,
titles/count/ids answer, re-putting replaces the index, deleting removes every trace."""

from __future__ import annotations

from crmdesk.model import Condition, FilterGroup, Operator, Record
from crmdesk.store import Store

from ._support import COMPANIES, PEOPLE, company, ids_of, person, scalar


def equals(slug: str, value: object) -> FilterGroup:
    return FilterGroup("and", (Condition(slug, Operator.EQUALS, value),))


def test_values_round_trip_through_the_file(store: Store) -> None:
    ada = person(
        "p-ada", "Ada", "Lovelace", emails=["ada@example.com", "a@x.io"], tags=["Ünïcode ✓", "50%_off"],
        company="co-1", owner="mem-ada", stage="st-qual", status="s-done", rating=2.5, score=-0.125,
        deal={"amount": 1200, "currency": "EUR"}, born="1815-12-10", seen="2026-01-01T12:30:00.500Z",
        vip=False, site="example.org", address={"line1": "1 Main St", "city": "London"}, phone="+44 20 7946 0000",
        job_title="Analyst\nof engines",
    )
    with store.write():
        rowids = store.put_server_records(PEOPLE, [ada])
    store.close()
    reopened = Store.open(store.path)
    row = reopened.records.get("p-ada")
    assert row is not None
    assert row.values == ada.values
    assert (row.id, row.object_slug, row.title, row.created_at) == ("p-ada", "people", "Ada Lovelace", ada.created_at)
    assert row.rowid == rowids[0] == reopened.records.rowid_of("p-ada")
    assert reopened.records.get("p-nobody") is None
    reopened.close()


def test_put_many_rows_order_titles_count_ids(store: Store) -> None:
    records = [person(f"p{i}", f"Name{i}") for i in range(1200)]  # more than one 500-chunk
    with store.write():
        rowids = store.records.put_many(PEOPLE, records)
        store.records.put(COMPANIES, company("c1", "Globex"))
    assert len(set(rowids)) == 1200
    asked = [rowids[7], rowids[1100], 999_999, rowids[0], rowids[600]]
    assert [r.id for r in store.records.rows(asked)] == ["p7", "p1100", "p0", "p600"]
    assert store.records.rows([]) == []
    assert store.records.titles(["p3", "c1", "missing", "p3"]) == {"p3": "Name3", "c1": "Globex"}
    assert store.records.count("people") == 1200
    assert store.records.count("companies") == 1
    assert store.records.ids("companies") == {"c1"}
    assert len(store.records.ids("people")) == 1200


def test_untitled_record_shows_unnamed(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, Record("p-x", "people", {"job_title": "CTO"}, "2026-01-01T00:00:00.000Z"))
    assert store.records.titles(["p-x"]) == {"p-x": "Unnamed"}


def test_reput_replaces_values_and_index(store: Store) -> None:
    with store.write():
        rowid = store.records.put(PEOPLE, person("p1", "Ada", job_title="Chef", tags=["a", "b", "c"]))
        again = store.records.put(PEOPLE, person("p1", "Ada", job_title="Cook", tags=["z"]))
    assert again == rowid
    assert ids_of(store, store.records.query_ids("people", equals("job_title", "Chef"))) == []
    assert ids_of(store, store.records.query_ids("people", equals("job_title", "Cook"))) == ["p1"]
    assert ids_of(store, store.records.query_ids("people", equals("tags", "b"))) == []
    # name, badge, job_title and the one tag
    assert scalar(store, "SELECT count(*) FROM record_values WHERE record_rowid = ?", rowid) == 4
    assert store.records.count("people") == 1


def test_duplicate_ids_in_one_batch_keep_the_last_and_leave_no_stray_index(store: Store) -> None:
    """A server page can repeat a record (pagination shifting under writes)."""
    with store.write():
        rowids = store.records.put_many(
            PEOPLE, [person("p1", "Old", job_title="old"), person("p2", "Two"), person("p1", "New", job_title="new")]
        )
    assert rowids[0] == rowids[2]
    assert store.records.get("p1").values["job_title"] == "new"  # type: ignore[union-attr]
    assert ids_of(store, store.records.query_ids("people", equals("job_title", "old"))) == []
    valid = "SELECT rowid FROM records"
    assert scalar(store, f"SELECT count(*) FROM record_values WHERE record_rowid NOT IN ({valid})") == 0
    assert scalar(store, f"SELECT count(*) FROM search_index WHERE rowid NOT IN ({valid})") == 0
    assert [h.id for h in store.search("new")] == ["p1"]


def test_set_values_keeps_creation_details(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, Record("p1", "people", {"name": {"full_name": "A"}}, "2020-01-01T00:00:00.000Z",
                                         "2020-01-02T00:00:00.000Z", "mem-ada"))
        store.records.set_values(PEOPLE, "p1", {"name": {"full_name": "B"}}, "2026-01-01T00:00:00.000Z")
    row = store.records.get("p1")
    assert row is not None
    assert (row.title, row.created_at, row.updated_at, row.created_by) == (
        "B", "2020-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "mem-ada")


def test_delete_removes_row_index_and_search(store: Store) -> None:
    with store.write():
        rowid = store.records.put(PEOPLE, person("p1", "Zebedee", job_title="Chef"))
    with store.write():
        assert store.records.delete("p1") is True
        assert store.records.delete("p1") is False
    assert store.records.get("p1") is None
    assert store.records.count("people") == 0
    assert scalar(store, "SELECT count(*) FROM record_values WHERE record_rowid = ?", rowid) == 0
    assert store.search("Zebedee") == []
    with store.write():  # a new record must not inherit anything from the deleted one
        store.records.put(PEOPLE, person("p2", "Other"))
    assert ids_of(store, store.records.query_ids("people", equals("job_title", "Chef"))) == []


def test_a_title_is_found_whatever_its_case_folding(store: Store) -> None:
    """``ids_titled`` (a reference typed by name) folds both sides the same way: "STRASSE" is
    "Straße" once case-folded, though lower() keeps the ß."""
    with store.write():
        store.records.put(COMPANIES, company("c-old", "Hauptstraße 1", created_at="2020-01-01T00:00:00.000Z"))
        store.records.put(COMPANIES, company("c-new", "HAUPTSTRASSE 1", created_at="2021-01-01T00:00:00.000Z"))
        store.records.put(COMPANIES, company("c-ulm", "Ulm"))
    assert store.records.ids_titled("hauptstrasse 1") == ["c-new", "c-old"]  # newest first
    assert store.records.ids_titled(" HAUPTSTRAßE 1 ", "companies") == ["c-new", "c-old"]
    assert store.records.ids_titled("ULM", "companies") == ["c-ulm"]
    assert store.records.ids_titled("Ulm", "people") == []
