"""Recently opened records: newest first, kept in the workspace file across reopening, deleted
records skipped, and a server's web address for a record only where the file knows its pattern."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmdesk.store import Store
from crmdesk.store.errors import DatabaseLocked
from crmdesk.store.recent import KEPT, RECENT_META
from crmdesk.store.web_address import WEB_URL_META, merged_templates, record_web_address, templates_json

from ._support import COMPANIES, PEOPLE, company, open_store, person


def _fill(store: Store) -> None:
    with store.write():
        store.records.put_many(PEOPLE, [person("p-ada", "Ada", "Lovelace"), person("p-bob", "Bob", "Builder")])
        store.records.put(COMPANIES, company("c-acme", "Acme"))


def test_newest_first_and_kept_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store:
        _fill(store)
        recent = store.recent
        assert recent.records() == []
        for record_id in ("p-ada", "c-acme", "p-bob", "p-ada"):
            recent.visited(record_id)
        assert [r.id for r in recent.records()] == ["p-ada", "p-bob", "c-acme"]
    with Store.open(path) as reopened:
        shown = reopened.recent.records(limit=2, leaving_out="p-bob")
        assert [(r.id, r.title, r.object_slug) for r in shown] == [
            ("p-ada", "Ada Lovelace", "people"), ("c-acme", "Acme", "companies")]


def test_deleted_records_are_skipped_and_dropped(store: Store) -> None:
    _fill(store)
    recent = store.recent
    recent.visited("c-acme")
    recent.visited("p-bob")
    store.edits.delete_record("c-acme")
    assert [r.id for r in recent.records()] == ["p-bob"]
    recent.visited("p-ada")
    assert recent.ids() == ["p-ada", "p-bob"]
    writes = store.conn.total_changes
    recent.visited("p-ada")  # opened again while it is first (Back, Forward): nothing written
    assert store.conn.total_changes == writes and recent.ids() == ["p-ada", "p-bob"]


def test_a_record_made_offline_keeps_its_place_under_its_server_id(store: Store) -> None:
    _fill(store)
    recent = store.recent
    local = store.edits.create_record("companies", {"name": "Made offline"}).target_id
    recent.visited(local)
    recent.visited("p-ada")
    store.rewrite_local_id(local, "c-server", "record")  # the store's own rewrite moves the visit
    assert [(r.id, r.title) for r in recent.records()] == [("p-ada", "Ada Lovelace"), ("c-server", "Made offline")]


def test_a_bounded_list_and_a_damaged_value(store: Store) -> None:
    with store.write():
        store.records.put_many(PEOPLE, [person(f"p{i}", f"Person {i}") for i in range(KEPT + 5)])
    recent = store.recent
    for i in range(KEPT + 5):
        recent.visited(f"p{i}")
    assert len(recent.ids()) == KEPT and recent.ids()[0] == f"p{KEPT + 4}"
    for damaged in ("{not json", '{"a": 1}', '[1, null, "p3"]'):
        with store.write():
            store.schema.set_meta(RECENT_META, damaged)
        assert [r.id for r in recent.records()] == (["p3"] if "p3" in damaged else [])


def test_web_address_only_from_a_known_template_of_the_records_object(store: Store) -> None:
    assert record_web_address(store.schema, "people", "p-ada") is None
    with store.write():
        store.schema.set_meta(WEB_URL_META, json.dumps({
            "people": "https://app.example.test/acme/person/{id}/overview",
            "deals": "javascript:alert({id})", "companies": 17}))
    assert record_web_address(store.schema, "people", "p/ada") == \
        "https://app.example.test/acme/person/p%2Fada/overview"
    # Each object its own: none for one not told, nor for one whose template is not http(s).
    assert record_web_address(store.schema, "deals", "d-1") is None
    assert record_web_address(store.schema, "companies", "c-1") is None
    assert record_web_address(store.schema, "tasks", "t-1") is None
    # A record made offline has no page on the server until it is pushed.
    assert record_web_address(store.schema, "people", "local-3f2a") is None
    # The first form, one template for every object, is still read.
    with store.write():
        store.schema.set_meta(WEB_URL_META, "https://app.example.test/acme/{object}/{id}/overview")
    assert record_web_address(store.schema, "people", "p-ada") == "https://app.example.test/acme/people/p-ada/overview"
    for damaged in ("javascript:alert({id})", "{not json", '["https://x.test/{id}"]', "null"):
        with store.write():
            store.schema.set_meta(WEB_URL_META, damaged)
        assert record_web_address(store.schema, "people", "p-ada") is None


def test_templates_learnt_are_merged_with_the_kept_and_written_only_when_they_change() -> None:
    kept = templates_json({"people": "https://a.test/person/{id}", "gone": "https://a.test/gone/{id}"})
    assert merged_templates(kept, {}) is None
    assert merged_templates(kept, {"people": "https://a.test/person/{id}"}) is None
    assert merged_templates(kept, {"deals": "ftp://a.test/{id}", "": "https://a.test/{id}"}) is None
    merged = merged_templates(kept, {"people": "https://b.test/person/{id}", "deals": "https://b.test/deal/{id}"})
    assert merged is not None and json.loads(merged) == {
        "people": "https://b.test/person/{id}", "gone": "https://a.test/gone/{id}", "deals": "https://b.test/deal/{id}"}
    # The first form is replaced whole; so is a value kept in another spelling of the same.
    assert json.loads(merged_templates("https://a.test/{object}/{id}", {"deals": "https://b.test/deal/{id}"}) or "") \
        == {"deals": "https://b.test/deal/{id}"}
    assert merged_templates(json.dumps({"deals": "https://b.test/deal/{id}"}, indent=1),
                            {"deals": "https://b.test/deal/{id}"}) is not None


def test_a_visit_does_not_wait_long_for_a_busy_file(store: Store) -> None:
    _fill(store)
    recent = store.recent
    # The sync worker mid-page holds the write lock: the visit gives up after a moment.
    with Store.open(store.path) as sync_side, sync_side.write(), pytest.raises(DatabaseLocked):
        recent.visited("p-ada")
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000  # the edits' wait is back
    recent.visited("p-ada")
    assert recent.ids() == ["p-ada"]
