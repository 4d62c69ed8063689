"""Field history in the workspace file: local edits and pulled pages write old → new per attribute,
equal values write nothing, rows follow an offline-made record to its server id and go with a
deleted record, and the oldest are dropped when the workspace opens."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crmdesk.model import Record
from crmdesk.store import Store
from crmdesk.store.field_history import LOCAL, SERVER, FieldChange

from ._support import PEOPLE, company, open_store, person


def changes_of(store: Store, record_id: str) -> list[tuple[str, object, object, str]]:
    return [(c.attribute_slug, c.old, c.new, c.source) for c in store.history.for_record(record_id)]


def test_a_local_edit_writes_old_and_new_by_me(store: Store) -> None:
    with store.write():
        store.schema.set_me("mem-ada")
        store.records.put(PEOPLE, person("p1", "Ada", job_title="Engineer", stage="st-lead"))
    store.edits.update_record("p1", {"stage": "st-won", "job_title": "Countess", "score": 3})
    rows = store.history.for_record("p1")
    assert sorted((c.attribute_slug, c.old, c.new) for c in rows) == [
        ("job_title", "Engineer", "Countess"), ("score", None, 3), ("stage", "st-lead", "st-won")]
    assert {c.source for c in rows} == {LOCAL}
    assert {c.actor_id for c in rows} == {store.schema.my_actor_id()} != {None}
    # One edit, one moment: the timeline shows it as one item.
    assert len({c.changed_at for c in rows}) == 1
    assert rows[0].changed_at == store.records.get("p1").updated_at  # type: ignore[union-attr]


def test_an_edit_to_an_equal_value_writes_nothing(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada", tags=["a"]))
    store.edits.update_record("p1", {"tags": ["a"], "score": None})
    store.edits.update_record("p1", {"tags": []})
    store.edits.update_record("p1", {"tags": None})  # [] and None are both empty
    assert changes_of(store, "p1") == [("tags", ["a"], None, LOCAL)]


def test_a_pulled_page_writes_what_the_server_changed(store: Store) -> None:
    first = person("p1", "Ada", job_title="Engineer", stage="st-lead")
    with store.write():
        store.records.put_server_page(PEOPLE, [first, person("p2", "Bob")])
    assert store.history.count() == 0, "a record seen for the first time has no old value"
    moved = Record("p1", "people", {**first.values, "stage": "st-won", "job_title": None}, first.created_at,
                   "2026-03-02T14:02:00.000Z")
    same = person("p2", "Bob")
    with store.write():
        store.records.put_server_page(PEOPLE, [moved, same])
    rows = store.history.for_record("p1")
    assert sorted((c.attribute_slug, c.old, c.new, c.source, c.actor_id) for c in rows) == [
        ("job_title", "Engineer", None, SERVER, None), ("stage", "st-lead", "st-won", SERVER, None)]
    assert {c.changed_at for c in rows} == {"2026-03-02T14:02:00.000Z"}, "the server's time of the change"
    assert store.history.for_record("p2") == []
    with store.write():
        store.records.put_server_page(PEOPLE, [moved])  # the same again: nothing new
    assert len(store.history.for_record("p1")) == 2


def test_rows_follow_an_offline_record_to_its_server_id(store: Store) -> None:
    with store.write():
        store.records.put(store.schema.get_object("companies"), company("c1", "Acme"))  # type: ignore[arg-type]
    local = store.edits.create_record("companies", {"name": "Globex"}).target_id
    store.edits.update_record(local, {"description": "new"})
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada", company="c1"))
    store.edits.update_record("p1", {"company": local})
    store.rewrite_local_id(local, "srv-9", "record")
    assert changes_of(store, "srv-9") == [("description", None, "new", LOCAL)]
    assert changes_of(store, local) == []
    # A reference to the offline record, in another record's history, names the server id too.
    assert changes_of(store, "p1") == [("company", "c1", "srv-9", LOCAL)]


def test_a_deleted_record_takes_its_history(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada"))
        store.records.put(PEOPLE, person("p2", "Bob"))
    store.edits.update_record("p1", {"score": 1})
    store.edits.update_record("p2", {"score": 2})
    store.edits.delete_record("p1")
    assert store.history.for_record("p1") == []
    assert changes_of(store, "p2") == [("score", None, 2, LOCAL)]


def _change(record_id: str, when: str, new: str = "st-won") -> FieldChange:
    return FieldChange(record_id, "people", "stage", "st-lead", new, when, None, SERVER)


def test_retention_drops_old_rows_when_the_workspace_opens(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store, store.write():
        store.history.add([_change("p1", "2025-01-01T00:00:00.000Z"), _change("p1", "2025-06-01T00:00:00.000Z"),
                           _change("p2", "2026-02-01T00:00:00.000Z")])
    # The default year, as of 2026-03-01: the January 2025 change is older than that.
    with Store.open(path, now=lambda: datetime(2026, 3, 1, tzinfo=UTC)) as store:
        assert [c.changed_at for c in store.history.stage_moves("people", "stage")] == [
            "2025-06-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]
        with store.write():
            store.settings.set_history_retention_days(60)
    with Store.open(path, now=lambda: datetime(2026, 3, 1, tzinfo=UTC)) as store:
        assert [c.record_id for c in store.history.stage_moves("people", "stage")] == ["p2"]


def test_stage_moves_and_paging(store: Store) -> None:
    with store.write():
        store.history.add([_change("p1", "2026-01-03T00:00:00.000Z", "st-qual"),
                           _change("p2", "2026-01-01T00:00:00.000Z"),
                           _change("p1", "2026-01-05T00:00:00.000Z"),
                           FieldChange("p1", "people", "score", 1, 2, "2026-01-04T00:00:00.000Z", None, LOCAL)])
    moves = store.history.stage_moves("people", "stage")
    assert [(c.record_id, c.changed_at[:10]) for c in moves] == [
        ("p2", "2026-01-01"), ("p1", "2026-01-03"), ("p1", "2026-01-05")]
    assert [c.record_id for c in store.history.stage_moves("people", "stage", "2026-01-03T00:00:00.000Z")] == [
        "p1", "p1"]
    newest = store.history.for_record("p1", limit=2)
    assert [c.changed_at[:10] for c in newest] == ["2026-01-05", "2026-01-04"]
    older = store.history.for_record("p1", limit=2, before=newest[-1].changed_at)
    assert [c.changed_at[:10] for c in older] == ["2026-01-03"]
