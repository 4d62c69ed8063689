"""Phone numbers are stored as E.164 and shown in international format: a filter looks into what
is shown, in the store's SQL as in the model's own evaluator, also in files written before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crmdesk.model import Condition, FilterGroup, Operator, compile_predicate
from crmdesk.store import Store
from crmdesk.store.migrations import schema_version
from crmdesk.store.schema_steps import LATEST_VERSION, STEPS

from ._support import StoreContext, ids_of, open_store, person

#: The step that made phone numbers searched as shown: a file from before it is one version older.
PHONE_STEP = next(version for version, what, _ in STEPS if what.startswith("phone numbers"))


def contains(text: str) -> FilterGroup:
    return FilterGroup("and", (Condition("phone", Operator.CONTAINS, text),))


def test_the_sql_filter_looks_into_the_shown_number_as_the_window_does(tmp_path: Path) -> None:
    with open_store(tmp_path / "ws.sqlite") as store:
        ada = person("p1", "Ada", phone="+14155550123")
        short = person("p2", "Bo", phone="+15550100")  # not a possible US number: shown "+1 5550100"
        with store.write():
            store.records.put_many(store.schema.get_object("people"), [ada, short])  # type: ignore[arg-type]
        people = store.schema.get_object("people")
        assert people is not None
        for text in ("415-555", "+1 415", " ", "0123"):
            predicate = compile_predicate(contains(text), people.attribute, StoreContext(store))
            expected = {r.id for r in (ada, short) if predicate(r.values)}
            assert set(ids_of(store, store.records.query_ids("people", contains(text)))) == expected, text
        assert set(ids_of(store, store.records.query_ids("people", contains("415-555")))) == {"p1"}


def test_a_file_indexed_before_is_searched_as_shown_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store, store.write():
        store.records.put_many(store.schema.get_object("people"),  # type: ignore[arg-type]
                               [person("p1", "Ada", phone="+14155550123")])
    # As the version before wrote it: the stored E.164 as the text filters look into.
    conn = sqlite3.connect(path)
    conn.execute("UPDATE record_values SET fold = key, sort = key WHERE attribute_id IN "
                 "(SELECT id FROM attributes WHERE type = 'phone_number')")
    conn.execute(f"PRAGMA user_version = {PHONE_STEP - 1}")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION
        assert set(ids_of(store, store.records.query_ids("people", contains("415-555")))) == {"p1"}
