"""When a task was done: kept when a server sends none (Attio keeps no completion time), so the
dashboard's "tasks done in the last 30 days" counts tasks completed anywhere."""

from __future__ import annotations

from crmdesk.model import Task
from crmdesk.store import Store


def _task(done: bool, completed_at: str | None = None) -> Task:
    return Task("task-1", "Call Ada", None, done, completed_at, [], ["mem-ada"], "2026-11-01T09:00:00.000Z")


#: When the pull that first sees the task done runs.
SEEN_DONE = "2026-11-21T08:15:00.000Z"


def test_a_task_seen_done_for_the_first_time_is_done_as_of_then(store: Store) -> None:
    with store.write():
        store.tasks.put(_task(False), now="2026-11-20T10:00:00.000Z")
    with store.write():
        store.tasks.put(_task(True), now=SEEN_DONE)  # the server says done, and not when
    task = store.tasks.get("task-1")
    assert task is not None and task.done
    assert task.completed_at == SEEN_DONE, "a task done elsewhere must count as done lately"
    with store.write():
        store.tasks.put(_task(True), now="2026-11-22T08:00:00.000Z")  # seen done again: still done then
    assert store.tasks.get("task-1").completed_at == SEEN_DONE  # type: ignore[union-attr]


def test_a_done_task_keeps_its_completion_time_when_the_server_sends_none(store: Store) -> None:
    with store.write():
        store.tasks.put(_task(True, "2026-11-20T10:00:00.000Z"))
    held = store.tasks.get("task-1")
    assert held is not None
    with store.write():
        # The next pull: the same task, done, no time. Nothing changed, so nothing is written.
        assert store.tasks.put_if_changed(_task(True), held) is False
        store.tasks.put(_task(True))
    task = store.tasks.get("task-1")
    assert task is not None and task.completed_at == "2026-11-20T10:00:00.000Z"


def test_a_reopened_task_has_no_completion_time(store: Store) -> None:
    with store.write():
        store.tasks.put(_task(True, "2026-11-20T10:00:00.000Z"))
        store.tasks.put(_task(False))
    task = store.tasks.get("task-1")
    assert task is not None and not task.done and task.completed_at is None


def test_a_task_first_seen_done_has_no_made_up_time(store: Store) -> None:
    with store.write():
        store.tasks.put(_task(True))  # done long ago, for all we know: not "done lately"
    task = store.tasks.get("task-1")
    assert task is not None and task.done and task.completed_at is None
