"""Every user edit writes its rows and exactly one outbox row in one transaction; a refused
edit leaves no trace; an edit that changes nothing queues nothing."""

from __future__ import annotations

import pytest

from crmdesk.model import EntityKind, MutationOp, ValidationError, is_local_id
from crmdesk.store import NotFound, Store

from ._support import PEOPLE, PIPELINE, ids_of, outbox_rows, person, table_dump


def only_mutation(store: Store):
    mutations = store.outbox.all()
    assert len(mutations) == 1
    return mutations[0]


@pytest.fixture
def ada(store: Store) -> Store:
    with store.write():
        store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace", job_title="CTO", score=3, tags=["a"]))
    return store


def test_create_record(store: Store) -> None:
    mutation = store.edits.create_record("people", {"name": "Grace Hopper", "badge": "g", "score": "1,200",
                                                    "emails": ["G@Navy.MIL"], "job_title": None})
    assert is_local_id(mutation.target_id)
    row = store.records.get(mutation.target_id)
    assert row is not None and row.title == "Grace Hopper"
    assert row.values["score"] == 1200 and row.values["emails"] == ["G@navy.mil"] and "job_title" not in row.values
    queued = only_mutation(store)
    assert (queued.entity, queued.op, queued.target_id, queued.scope) == (
        EntityKind.RECORD, MutationOp.CREATE, mutation.target_id, "people")
    assert queued.changes == row.values and queued.base == {}
    assert [h.id for h in store.search("hopper")] == [mutation.target_id]


def test_update_record_with_base_values(ada: Store) -> None:
    mutation = ada.edits.update_record("p-ada", {"score": 4, "job_title": "CTO", "tags": None, "rating": "4"})
    assert mutation is not None
    row = ada.records.get("p-ada")
    assert row is not None and row.values["score"] == 4 and row.values["rating"] == 4 and "tags" not in row.values
    queued = only_mutation(ada)
    assert queued.changes == {"score": 4, "tags": None, "rating": 4}  # job_title did not change
    assert queued.base == {"score": 3, "tags": ["a"], "rating": None}
    assert (queued.op, queued.scope) == (MutationOp.UPDATE, "people")
    assert row.updated_at is not None


def test_update_that_changes_nothing_queues_nothing(ada: Store) -> None:
    before = table_dump(ada)
    assert ada.edits.update_record("p-ada", {"score": 3.0, "job_title": "CTO", "tags": ["a"]}) is None
    assert ada.edits.update_record("p-ada", {}) is None
    assert table_dump(ada) == before


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"score": "lots"}, "Score"),
        ({"emails": ["not an email"]}, "Emails"),
        ({"job_title": "CTO", "born": "2026-02-30"}, "Born"),
        ({"vip": "maybe"}, "Vip"),
        ({"badge": None}, "Badge"),  # required: clearing it is refused
        ({"badge": []}, "Badge"),
        ({"rating": 9}, "Rating"),
        ({"no_such": 1}, "no_such"),
    ],
)
def test_invalid_update_names_the_attribute_and_leaves_no_trace(ada: Store, changes: dict, named: str) -> None:
    before = table_dump(ada)
    with pytest.raises(ValidationError) as raised:
        ada.edits.update_record("p-ada", changes)
    assert raised.value.attribute == named
    assert table_dump(ada) == before
    assert not ada.conn.in_transaction


def test_invalid_create_leaves_no_trace(store: Store) -> None:
    before = table_dump(store)
    with pytest.raises(ValidationError, match="Score"):
        store.edits.create_record("people", {"name": "X", "badge": "b", "score": "many"})
    with pytest.raises(ValidationError, match="Badge"):
        store.edits.create_record("people", {"name": "X", "badge": None})
    assert table_dump(store) == before


def test_delete_record(ada: Store) -> None:
    before_values = ada.records.get("p-ada").values  # type: ignore[union-attr]
    mutation = ada.edits.delete_record("p-ada")
    assert ada.records.get("p-ada") is None and ada.search("lovelace") == []
    queued = only_mutation(ada)
    assert (queued.op, queued.target_id, queued.changes, queued.base) == (
        MutationOp.DELETE, "p-ada", {}, before_values)
    assert mutation.op_id == queued.op_id
    with pytest.raises(NotFound):
        ada.edits.delete_record("p-ada")
    assert outbox_rows(ada) == 1


def test_notes(ada: Store) -> None:
    created = ada.edits.create_note("p-ada", "First call", "She said yes")
    note = ada.notes.get(created.target_id)
    assert note is not None and (note.record_id, note.title, note.content) == ("p-ada", "First call", "She said yes")
    assert (created.entity, created.op, created.scope, created.changes) == (
        EntityKind.NOTE, MutationOp.CREATE, "p-ada", {"title": "First call", "content": "She said yes"})
    assert ada.edits.update_note(created.target_id, title="First call") is None
    updated = ada.edits.update_note(created.target_id, content="She said maybe")
    assert updated is not None and updated.changes == {"content": "She said maybe"}
    assert updated.base == {"content": "She said yes"}
    assert ada.notes.get(created.target_id).content == "She said maybe"  # type: ignore[union-attr]
    deleted = ada.edits.delete_note(created.target_id)
    assert ada.notes.get(created.target_id) is None
    assert deleted.base == {"title": "First call", "content": "She said maybe"}
    assert [m.op for m in ada.outbox.all()] == [MutationOp.CREATE, MutationOp.UPDATE, MutationOp.DELETE]
    with pytest.raises(NotFound):
        ada.edits.create_note("p-nobody", "t", "c")
    assert outbox_rows(ada) == 3


def test_tasks(ada: Store) -> None:
    created = ada.edits.create_task("Send quote", deadline="2026-02-01", record_ids=["p-ada"],
                                    assignee_ids=["mem-ada"])
    task = ada.tasks.get(created.target_id)
    assert task is not None and task.record_ids == ["p-ada"] and task.assignee_ids == ["mem-ada"]
    assert created.changes == {"content": "Send quote", "deadline": "2026-02-01", "record_ids": ["p-ada"],
                               "assignee_ids": ["mem-ada"]}
    done = ada.edits.update_task(created.target_id, done=True, content="Send quote")
    assert done is not None and done.changes == {"done": True} and done.base == {"done": False}
    task = ada.tasks.get(created.target_id)
    assert task is not None and task.done and task.completed_at is not None
    assert ada.edits.update_task(created.target_id, done=True) is None
    relinked = ada.edits.update_task(created.target_id, assignee_ids=["mem-bob"])
    assert relinked is not None and relinked.base == {"assignee_ids": ["mem-ada"]}
    assert ada.tasks.get(created.target_id).assignee_ids == ["mem-bob"]  # type: ignore[union-attr]
    ada.edits.delete_task(created.target_id)
    assert ada.tasks.get(created.target_id) is None
    assert outbox_rows(ada) == 4
    before = table_dump(ada)
    with pytest.raises(ValidationError):
        ada.edits.create_task("   ")
    with pytest.raises(ValidationError):
        ada.edits.update_task("whatever", colour="red")
    assert table_dump(ada) == before


def test_entries(ada: Store) -> None:
    added = ada.edits.add_entry(PIPELINE.id, "p-ada", {"priority": "p-hi", "next_step": "Call"})
    entry = ada.entries.get(added.target_id)
    assert entry is not None and entry.values == {"priority": "p-hi", "next_step": "Call"}
    assert (added.entity, added.scope, added.changes) == (
        EntityKind.ENTRY, PIPELINE.id, {"record_id": "p-ada", "priority": "p-hi", "next_step": "Call"})
    assert ada.edits.update_entry(added.target_id, {"priority": "p-hi"}) is None
    updated = ada.edits.update_entry(added.target_id, {"next_step": None, "value": 10})
    assert updated is not None
    assert updated.changes == {"next_step": None, "value": {"amount": 10, "currency": None}}
    assert updated.base == {"next_step": "Call", "value": None}
    assert ada.entries.get(added.target_id).values == {  # type: ignore[union-attr]
        "priority": "p-hi", "value": {"amount": 10, "currency": None}}
    before = table_dump(ada)
    with pytest.raises(ValidationError, match="Value"):
        ada.edits.update_entry(added.target_id, {"value": "ten"})
    with pytest.raises(ValidationError):
        ada.edits.add_entry(PIPELINE.id, "p-ada", {"priority": ["p-hi", "p-lo"]})
    assert table_dump(ada) == before
    removed = ada.edits.remove_entry(added.target_id)
    assert ada.entries.get(added.target_id) is None
    assert removed.base == {"record_id": "p-ada", "priority": "p-hi", "value": {"amount": 10, "currency": None}}
    assert outbox_rows(ada) == 3


def test_rollback_inside_write_leaves_nothing(ada: Store) -> None:
    before = table_dump(ada)
    with pytest.raises(RuntimeError), ada.write():
        ada.edits.create_record("people", {"name": "Ghost", "badge": "g"})
        ada.edits.update_record("p-ada", {"score": 99})
        ada.edits.create_note("p-ada", "n", "c")
        raise RuntimeError("the user pressed cancel")
    assert table_dump(ada) == before
    assert ids_of(ada, ada.records.query_ids("people")) == ["p-ada"]
    assert ada.search("ghost") == []
