"""Every committed write tells its connection's listeners exactly what it changed, once, after
the commit; a rolled-back write tells nobody (``store/changes.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from crmdesk.model import Note, Record
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet

from ._support import PEOPLE, open_store, person


class Heard(list[ChangeSet]):
    """What a listener was told, in order."""

    def __call__(self, changes: ChangeSet) -> None:
        self.append(changes)


@pytest.fixture
def heard(store: Store) -> Heard:
    with store.write():
        store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace", score=3))
        store.records.put(PEOPLE, person("p-bob", "Bob", "Builder", score=1))
    listener = Heard()
    store.add_change_listener(listener)
    return listener


def test_a_local_edit_names_its_record_and_the_queue_once_committed(store: Store, heard: Heard) -> None:
    store.edits.update_record("p-ada", {"score": 4})
    assert len(heard) == 1
    assert heard[0].objects == {"people"} and heard[0].record_ids == {"p-ada"}
    assert heard[0].outbox and not heard[0].schema and not heard[0].conflicts


def test_nothing_is_told_before_the_outermost_commit(store: Store, heard: Heard) -> None:
    with store.write():
        store.edits.update_record("p-ada", {"score": 4})
        store.edits.update_record("p-bob", {"score": 2})
        assert heard == []  # still inside the transaction: a view would read the old rows
    assert len(heard) == 1 and heard[0].record_ids == {"p-ada", "p-bob"}


def test_a_rolled_back_write_tells_nobody(store: Store, heard: Heard) -> None:
    with pytest.raises(RuntimeError), store.write():
        store.edits.update_record("p-ada", {"score": 4})
        raise RuntimeError("the caller gave up")
    assert heard == []
    store.edits.update_record("p-bob", {"score": 2})
    assert [c.record_ids for c in heard] == [{"p-bob"}]  # what the rolled-back write noted is gone


def test_a_server_page_names_only_the_records_whose_values_changed(store: Store, heard: Heard) -> None:
    same = person("p-ada", "Ada", "Lovelace", score=3)
    changed = person("p-bob", "Bob", "Builder", score=9)
    added = person("p-cy", "Cy", "Young", score=1)
    with store.write(durable=False):
        store.records.put_server_page(PEOPLE, [same, changed, added])
    assert len(heard) == 1 and heard[0].record_ids == {"p-bob", "p-cy"} and not heard[0].outbox


def test_an_unchanged_page_tells_nothing(store: Store, heard: Heard) -> None:
    with store.write(durable=False):
        store.records.put_server_page(PEOPLE, [person("p-ada", "Ada", "Lovelace", score=3)])
    assert heard == []


def test_removals_notes_schema_and_conflicts_are_each_named(store: Store, heard: Heard) -> None:
    with store.write():
        store.records.delete("p-bob")
    with store.write():
        store.notes.put(Note("n-1", "p-ada", "Call", "about the deal", "2026-01-01T00:00:00.000Z", None))
    with store.write():
        store.schema.save_object(PEOPLE, 0)
    with store.write():
        store.conflicts.add("record", "p-ada", "people", "score", 4, 5, 3)
    assert heard[0].objects == {"people"} and heard[0].record_ids == {"p-bob"}
    assert heard[1].notes and not heard[1].record_ids
    assert heard[2].schema
    assert heard[3].conflicts


def test_a_local_id_becoming_a_server_id_is_named(store: Store, heard: Heard) -> None:
    created = store.edits.create_record("people", {"name": "Grace Hopper", "badge": "g"})
    heard.clear()
    store.rewrite_local_id(created.target_id, "p-grace", "record")
    assert len(heard) == 1 and heard[0].id_changes == {created.target_id: "p-grace"}
    # A record's new id is no schema, list, note or task change: open tables must not reset.
    assert not (heard[0].schema or heard[0].lists or heard[0].notes or heard[0].tasks)


def test_another_connection_hears_only_its_own_writes(store: Store, heard: Heard, tmp_path: Path) -> None:
    with open_store(tmp_path / "ws.sqlite") as other:
        other_heard = Heard()
        other.add_change_listener(other_heard)
        with other.write(durable=False):
            other.records.put_server_page(PEOPLE, [Record("p-ada", "people", {"score": 8}, None, None)])
        assert [c.record_ids for c in other_heard] == [{"p-ada"}]
    assert heard == []


def test_a_listener_that_fails_neither_undoes_the_write_nor_silences_the_others(
    store: Store, heard: Heard, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_: ChangeSet) -> None:
        raise ValueError("a view's bug")

    store.remove_change_listener(heard)
    store.add_change_listener(broken)
    store.add_change_listener(heard)
    with caplog.at_level(logging.ERROR):
        store.edits.update_record("p-ada", {"score": 4})
    assert store.records.get("p-ada").values["score"] == 4
    assert [c.record_ids for c in heard] == [{"p-ada"}]
    assert "a change listener failed" in caplog.text
    caplog.clear()


def test_a_notice_caps_its_ids_but_still_names_the_object(store: Store, heard: Heard) -> None:
    many = [person(f"p-{i}", "N", str(i)) for i in range(6000)]
    with store.write(durable=False):
        store.records.put_server_page(PEOPLE, many)
    assert heard[0].objects == {"people"} and 0 < len(heard[0].record_ids) <= 5000
