"""Field history in the workspace file: local edits and pulled pages write old → new per attribute,
equal values write nothing, rows follow an offline-made record to its server id and go with a
record the server deleted (not before), and the oldest are dropped when the app asks, never by
merely opening the file; paging never skips a row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crmdesk.model import Record
from crmdesk.store import Store
from crmdesk.store.clock import EditClock
from crmdesk.store.edits import Edits
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


def test_two_edits_within_one_millisecond_stay_two_changes_newest_first(store: Store) -> None:
    frozen = datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
    store.edits = Edits(
        store.write, store.schema, store.records, store.entries, store.notes, store.tasks, store.outbox,
        store.notifications, store.timeline, store.links, store.issue_links, clock=EditClock(lambda: frozen),
    )
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada", job_title="Engineer", stage="st-lead"))
    store.edits.update_record("p1", {"job_title": "Countess"})
    store.edits.update_record("p1", {"stage": "st-won"})
    rows = store.history.for_record("p1")
    assert [(c.attribute_slug, c.changed_at) for c in rows] == [
        ("stage", "2026-03-01T09:00:00.124Z"), ("job_title", "2026-03-01T09:00:00.123Z")]


def test_the_edit_clock_never_repeats_or_goes_back() -> None:
    moments = iter([datetime(2026, 3, 1, 9, 0, 0, 500000, tzinfo=UTC),
                    datetime(2026, 3, 1, 9, 0, 0, 500900, tzinfo=UTC),  # the same millisecond
                    datetime(2026, 3, 1, 8, 59, 59, tzinfo=UTC),  # the system clock set back
                    datetime(2026, 3, 1, 9, 0, 1, tzinfo=UTC)])
    clock = EditClock(lambda: next(moments))
    assert [clock.now() for _ in range(4)] == [
        "2026-03-01T09:00:00.500Z", "2026-03-01T09:00:00.501Z", "2026-03-01T09:00:00.502Z", "2026-03-01T09:00:01.000Z"]


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


def test_a_local_delete_keeps_the_history_until_the_server_deletes_the_record(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada"))
        store.records.put(PEOPLE, person("p2", "Bob"))
    store.edits.update_record("p1", {"score": 1})
    store.edits.update_record("p2", {"score": 2})
    store.edits.delete_record("p1")  # queued: the server may yet refuse it, or the user discard it
    assert changes_of(store, "p1") == [("score", None, 1, LOCAL)]
    with store.write():
        store.records.delete("p2")  # as a pull does for a record the server deleted
    assert store.history.for_record("p2") == []


def _change(record_id: str, when: str, new: str = "st-won") -> FieldChange:
    return FieldChange(record_id, "people", "stage", "st-lead", new, when, None, SERVER)


def test_opening_the_workspace_file_never_prunes(tmp_path: Path) -> None:
    """Every background read opens the file: were it to prune, it would wait on the sync's write lock."""
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store, store.write():
        store.history.add([_change("p1", "2000-01-01T00:00:00.000Z")])
    with Store.open(path, create=False) as store:
        assert store.history.count() == 1


def test_retention_drops_rows_older_than_the_setting_as_of_the_clock_given(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store, store.write():
        store.history.add([_change("p1", "2025-01-01T00:00:00.000Z"), _change("p1", "2025-06-01T00:00:00.000Z"),
                           _change("p2", "2026-02-01T00:00:00.000Z")])
    with Store.open(path) as store:
        # The default year, as of 2026-03-01: the January 2025 change is older than that.
        assert store.prune_history(datetime(2026, 3, 1, tzinfo=UTC)) == 1
        assert [c.changed_at for c in store.history.stage_moves("people", "stage")] == [
            "2025-06-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]
        with store.write():
            store.settings.set_history_retention_days(60)
        assert store.prune_history(datetime(2026, 3, 1, tzinfo=UTC)) == 1
        assert [c.record_id for c in store.history.stage_moves("people", "stage")] == ["p2"]
        assert store.prune_history(datetime(2026, 3, 1, tzinfo=UTC)) == 0


def test_a_long_overdue_prune_goes_in_short_transactions_and_leaves_the_recent(store: Store) -> None:
    """After the retention was cut short many rows are due at once: a transaction drops one batch,
    the oldest first (the sync's writes go between them), and the prune goes on until every due
    row is gone."""
    old = [_change(f"p{n}", f"2025-01-{n % 28 + 1:02d}T00:00:00.000Z") for n in range(50)]
    with store.write():
        store.history.add([*old, _change("recent", "2026-02-01T00:00:00.000Z")])
    with store.write():
        assert store.history.prune("2026-01-01T00:00:00.000Z", 7) == 7  # one batch: the 7 oldest
    assert store.history.count() == 44
    assert store.prune_history(datetime(2026, 3, 1, tzinfo=UTC), batch=7) == 43
    assert [c.record_id for c in store.history.stage_moves("people", "stage")] == ["recent"]


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
    older = store.history.for_record("p1", limit=2, before=newest[-1])
    assert [c.changed_at[:10] for c in older] == ["2026-01-03"]


def test_paging_never_loses_the_rest_of_an_edit_of_several_fields(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada", stage="st-lead"))
    store.edits.update_record("p1", {"score": 1})
    store.edits.update_record("p1", {"stage": "st-won", "job_title": "Countess", "tags": ["vip"]})
    everything = store.history.for_record("p1")
    assert len(everything) == 4
    pages: list[FieldChange] = []
    page = store.history.for_record("p1", limit=2)
    while page:
        pages += page
        page = store.history.for_record("p1", limit=2, before=page[-1])
    assert pages == everything
