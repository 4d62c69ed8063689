"""Notes, tasks, timeline, notifications, outbox, conflicts, id map and sync state: each
round-trips through the file and its operations do what the sync engine relies on."""

from __future__ import annotations

from pathlib import Path

from crmdesk.model import EntityKind, MutationOp, MutationState, Note, Notification, Task, TimelineEvent
from crmdesk.store import Store
from crmdesk.store.sync_tables import ScopeState


def reopen(store: Store) -> Store:
    store.close()
    return Store.open(store.path)


def test_notes_round_trip(store: Store) -> None:
    older = Note("n1", "r1", "Call notes", "Línea 1\nline 2", "2026-01-01T00:00:00.000Z", None, "mem-ada")
    newer = Note("n2", "r1", "", "", "2026-01-02T00:00:00.000Z")
    with store.write():
        store.notes.put(older)
        store.notes.put(newer)
        store.notes.put(Note("n3", "r2", "other", "x", "2026-01-03T00:00:00.000Z"))
    store = reopen(store)
    assert store.notes.get("n1") == older
    assert store.notes.for_record("r1") == [newer, older]
    assert [n.id for n in store.notes.all()] == ["n3", "n2", "n1"]
    assert [n.id for n in store.notes.all(limit=1, offset=1)] == ["n2"]
    assert store.notes.ids() == {"n1", "n2", "n3"}
    edited = Note("n1", "r1", "Call notes v2", "changed", older.created_at, "2026-02-01T00:00:00.000Z", "mem-ada")
    with store.write():
        store.notes.put(edited)
        assert store.notes.delete("n3") and not store.notes.delete("n3")
    assert store.notes.get("n1") == edited
    assert store.notes.get("n3") is None
    store.close()


def test_tasks_round_trip_with_links_and_assignees(store: Store) -> None:
    task = Task("t1", "Send the quote ✉", "2026-02-01", False, None, ["r2", "r1"], ["mem-bob", "mem-ada"],
                "2026-01-01T00:00:00.000Z", "mem-ada")
    with store.write():
        store.tasks.put(task)
        store.tasks.put(Task("t2", "Done one", None, True, "2026-01-05T00:00:00.000Z", ["r1"], [],
                             "2026-01-02T00:00:00.000Z"))
    store = reopen(store)
    got = store.tasks.get("t1")
    assert got is not None
    assert got.record_ids == ["r1", "r2"] and got.assignee_ids == ["mem-ada", "mem-bob"]
    assert (got.content, got.deadline, got.done, got.created_by) == (task.content, "2026-02-01", False, "mem-ada")
    assert [t.id for t in store.tasks.all()] == ["t1", "t2"]  # open before done
    assert [t.id for t in store.tasks.for_record("r1")] == ["t2", "t1"]
    assert [t.id for t in store.tasks.for_record("r2")] == ["t1"]
    with store.write():
        store.tasks.put(Task("t1", "Send it", None, True, "2026-01-09T00:00:00.000Z", ["r3"], [],
                             task.created_at))
    got = store.tasks.get("t1")
    assert got is not None and (got.done, got.record_ids, got.assignee_ids) == (True, ["r3"], [])
    assert store.tasks.for_record("r2") == []
    with store.write():
        assert store.tasks.delete("t1")
    assert store.tasks.get("t1") is None and store.tasks.ids() == {"t2"}
    assert store.conn.execute("SELECT count(*) FROM task_records WHERE task_id = 't1'").fetchone()[0] == 0
    store.close()


def test_timeline_events_newest_first_with_paging(store: Store) -> None:
    events = [TimelineEvent(f"e{i}", "r1", "note_created", f"Event {i}", f"2026-01-0{i}T00:00:00.000Z",
                            "desc" if i == 2 else None, "mem-ada", {"n": i, "ü": [1]}) for i in range(1, 6)]
    with store.write():
        store.timeline.put_many(events)
        store.timeline.put_many([TimelineEvent("e1", "r2", "other", "Other record", "2026-01-09T00:00:00.000Z")])
    store = reopen(store)
    assert store.timeline.for_record("r1") == list(reversed(events))
    assert [e.id for e in store.timeline.for_record("r1", limit=2)] == ["e5", "e4"]
    assert [e.id for e in store.timeline.for_record("r1", before="2026-01-03T00:00:00.000Z")] == ["e2", "e1"]
    assert [e.record_id for e in store.timeline.for_record("r2")] == ["r2"]
    store.close()


def test_notifications_unread_count_and_mark_read(store: Store) -> None:
    items = [Notification("x1", "Assigned", "2026-01-01T00:00:00.000Z", "body", "r1"),
             Notification("x2", "Mention", "2026-01-02T00:00:00.000Z", read=True),
             Notification("x3", "Due", "2026-01-03T00:00:00.000Z")]
    with store.write():
        store.notifications.replace_all(items)
    store = reopen(store)
    assert store.notifications.all() == list(reversed(items))
    assert store.notifications.unread_count() == 2
    with store.write():
        store.notifications.mark_read("x1")
    assert store.notifications.unread_count() == 1
    with store.write():
        store.notifications.replace_all(items[:1])
    assert [n.id for n in store.notifications.all()] == ["x1"] and store.notifications.unread_count() == 1
    store.close()


def test_outbox_operations(store: Store) -> None:
    with store.write():
        first = store.outbox.append(EntityKind.RECORD, MutationOp.UPDATE, "r1", "people", {"a": 1}, {"a": None})
        second = store.outbox.append(EntityKind.NOTE, MutationOp.CREATE, "n1", "r1", {"title": "T"})
        third = store.outbox.append(EntityKind.RECORD, MutationOp.DELETE, "r1", "people")
    store = reopen(store)
    assert [m.mutation_id for m in store.outbox.all()] == [first.mutation_id, second.mutation_id, third.mutation_id]
    got = store.outbox.get(first.op_id)  # type: ignore[arg-type]
    assert got is not None
    assert (got.changes, got.base, got.state, got.attempts, got.entity, got.op) == (
        {"a": 1}, {"a": None}, MutationState.PENDING, 0, EntityKind.RECORD, MutationOp.UPDATE)
    assert got.created_at == first.created_at
    assert [m.op_id for m in store.outbox.for_target("r1", entity=EntityKind.RECORD)] == [first.op_id, third.op_id]
    assert [m.op_id for m in store.outbox.for_target("r1", entity=EntityKind.NOTE)] == []
    assert [m.op_id for m in store.outbox.for_target("n1", entity=EntityKind.NOTE)] == [second.op_id]
    assert store.outbox.count() == 3
    with store.write():
        store.outbox.set_state(first.op_id, MutationState.IN_FLIGHT)  # type: ignore[arg-type]
        store.outbox.set_state(second.op_id, MutationState.REJECTED, "Title is too long")  # type: ignore[arg-type]
    assert store.outbox.get(first.op_id).attempts == 1  # type: ignore[arg-type,union-attr]
    assert store.outbox.get(second.op_id).error == "Title is too long"  # type: ignore[arg-type,union-attr]
    assert [m.op_id for m in store.outbox.pending()] == [first.op_id, third.op_id]
    assert [m.op_id for m in store.outbox.pending([MutationState.REJECTED])] == [second.op_id]
    assert store.outbox.count(MutationState.REJECTED) == 1
    with store.write():
        store.outbox.update_changes(first.op_id, {"a": 2})  # type: ignore[arg-type]
        store.outbox.update_changes(third.op_id, {"x": "y"}, {"x": None})  # type: ignore[arg-type]
        store.outbox.remove(second.op_id)  # type: ignore[arg-type]
    assert store.outbox.get(first.op_id).changes == {"a": 2}  # type: ignore[arg-type,union-attr]
    assert store.outbox.get(first.op_id).base == {"a": None}  # type: ignore[arg-type,union-attr]
    assert store.outbox.get(third.op_id).base == {"x": None}  # type: ignore[arg-type,union-attr]
    assert store.outbox.get(second.op_id) is None and store.outbox.count() == 2  # type: ignore[arg-type]
    # One read for many: the removed one is simply not there, the others as they are now.
    many = store.outbox.get_many([third.op_id, second.op_id, first.op_id])  # type: ignore[list-item]
    assert sorted(many) == sorted([first.op_id, third.op_id])  # type: ignore[type-var]
    assert (many[first.op_id].changes, many[third.op_id].changes) == ({"a": 2}, {"x": "y"})  # type: ignore[index]
    assert store.outbox.get_many([]) == {}
    store.close()


def test_outbox_rewrite_id_touches_targets_and_values_only(store: Store) -> None:
    with store.write():
        a = store.outbox.append(EntityKind.RECORD, MutationOp.CREATE, "local-1", "people", {"company": "local-1"})
        b = store.outbox.append(EntityKind.RECORD, MutationOp.UPDATE, "r2", "people",
                                {"refs": ["local-1", "local-10"]}, {"refs": ["local-1"]})
        store.outbox.rewrite_id("local-1", "srv-1")
    assert store.outbox.get(a.op_id).target_id == "srv-1"  # type: ignore[arg-type,union-attr]
    assert store.outbox.get(a.op_id).changes == {"company": "srv-1"}  # type: ignore[arg-type,union-attr]
    rewritten = store.outbox.get(b.op_id)  # type: ignore[arg-type]
    assert rewritten is not None and rewritten.target_id == "r2"
    assert rewritten.changes == {"refs": ["srv-1", "local-10"]} and rewritten.base == {"refs": ["srv-1"]}


def test_conflicts_keep_both_values_upsert_and_rewrite(store: Store) -> None:
    with store.write():
        store.conflicts.add("record", "local-9", "people", "score", 5, 7, 1, theirs_by="mem-bob",
                            theirs_at="2026-01-01T00:00:00.000Z", mine_at="2026-01-01T00:00:01.000Z", op_id=3)
        store.conflicts.add("record", "local-9", "people", "tags", ["a"], None, ["b"])
    store = reopen(store)
    first, second = store.conflicts.all()
    assert (first.field, first.mine, first.theirs, first.base, first.theirs_by, first.op_id) == (
        "score", 5, 7, 1, "mem-bob", 3)
    assert (second.mine, second.theirs, second.base) == (["a"], None, ["b"])
    with store.write():
        store.conflicts.add("record", "local-9", "people", "score", 6, 8, 5)
    assert store.conflicts.count() == 2
    refreshed = store.conflicts.all()[0]
    assert (refreshed.id, refreshed.mine, refreshed.theirs, refreshed.base) == (first.id, 6, 8, 5)
    with store.write():
        store.conflicts.rewrite_target("local-9", "srv-9")
        store.conflicts.remove(second.id)
    assert [(c.target_id, c.field) for c in store.conflicts.all()] == [("srv-9", "score")]
    store.close()


def test_id_map_and_sync_state(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "ws.sqlite")
    assert store.id_map.server_id("local-1") is None
    assert store.sync_state.get("people") == ScopeState("people", details={})
    with store.write():
        store.id_map.add("local-1", "srv-1", "record")
        store.id_map.add("local-2", "srv-2", "note")
        store.sync_state.put(ScopeState("people", "cur-1", "2026-01-01T00:00:00.000Z", None, {"page": 3}))
        store.sync_state.put(ScopeState("lists", None, None, "2026-01-02T00:00:00.000Z"))
    store = reopen(store)
    assert store.id_map.server_id("local-1") == "srv-1"
    assert store.id_map.all() == {"local-1": "srv-1", "local-2": "srv-2"}
    assert store.sync_state.get("people") == ScopeState("people", "cur-1", "2026-01-01T00:00:00.000Z", None,
                                                        {"page": 3})
    assert [s.scope for s in store.sync_state.all()] == ["lists", "people"]
    assert store.sync_state.get("lists").details == {}
    with store.write():
        store.sync_state.put(ScopeState("people", "cur-2"))
    assert store.sync_state.get("people").cursor == "cur-2"
    store.close()
