"""Task reminders in the workspace file: which reminder fires when a stepped clock passes its
moment, lead time, snooze, dismissal, done and deleted tasks, moved deadlines, whose tasks remind,
and the state kept across a reopen of the file.

"Me" is Ada (member ``mem-ada``, user ``user-ada``) unless a test says otherwise: only my tasks remind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crmdesk.model import Task
from crmdesk.store import Store
from crmdesk.store import reminders as reminders_module
from crmdesk.store.changes import ChangeSet
from crmdesk.store.reminders import (
    DUE,
    LEAD,
    SNOOZE_1_HOUR,
    SNOOZE_10_MINUTES,
    SNOOZE_TOMORROW,
    SNOOZED,
    has_time_of_day,
    snooze_until,
    utc_text,
)

from ._support import open_store

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def be_ada(store: Store) -> Store:
    with store.write():
        store.schema.set_me("mem-ada")
    return store


@pytest.fixture
def store(store: Store) -> Store:
    return be_ada(store)


def fire(store: Store, now: datetime, lead: int = 10) -> list[tuple[str, str]]:
    with store.write():
        return [(r.content, r.kind) for r in store.reminders.fire_due(now, lead)]


def new_task(store: Store, content: str, due: datetime | str | None, **kw: object) -> str:
    deadline = utc_text(due) if isinstance(due, datetime) else due
    return store.edits.create_task(content, deadline=deadline, **kw).target_id  # type: ignore[arg-type]


def test_a_task_due_in_a_minute_reminds_when_the_clock_passes_it(store: Store) -> None:
    assert fire(store, START) == []  # the first look: nothing was waiting
    new_task(store, "Call Ada", START + timedelta(minutes=1))
    assert fire(store, START + timedelta(seconds=59), lead=0) == []
    assert fire(store, START + timedelta(seconds=61), lead=0) == [("Call Ada", DUE)]
    # Once: the next look finds nothing new, and the reminder waits in the list.
    assert fire(store, START + timedelta(minutes=2), lead=0) == []
    assert [r.content for r in store.reminders.active(START + timedelta(minutes=2))] == ["Call Ada"]


def test_lead_reminder_comes_first_then_the_due_one(store: Store) -> None:
    fire(store, START)
    new_task(store, "Send proposal", START + timedelta(minutes=30))
    assert store.reminders.next_moment(START, 10) == START + timedelta(minutes=20)
    assert fire(store, START + timedelta(minutes=19)) == []
    assert fire(store, START + timedelta(minutes=20)) == [("Send proposal", LEAD)]
    assert store.reminders.next_moment(START + timedelta(minutes=20), 10) == START + timedelta(minutes=30)
    assert fire(store, START + timedelta(minutes=29)) == []
    assert fire(store, START + timedelta(minutes=30)) == [("Send proposal", DUE)]
    assert store.reminders.next_moment(START + timedelta(minutes=30), 10) is None


def test_missed_lead_and_due_fire_once_as_due(store: Store) -> None:
    fire(store, START)
    new_task(store, "Board meeting", START + timedelta(minutes=30))
    # Asleep past both moments: one reminder, that it is due, not two.
    assert fire(store, START + timedelta(hours=2)) == [("Board meeting", DUE)]
    assert fire(store, START + timedelta(hours=3)) == []


def test_snooze_brings_it_back_after_ten_minutes_and_not_before(store: Store) -> None:
    fire(store, START)
    task_id = new_task(store, "Chase invoice", START + timedelta(minutes=5))
    at = START + timedelta(minutes=5)
    assert fire(store, at, lead=0) == [("Chase invoice", DUE)]
    with store.write():
        assert store.reminders.snooze(task_id, snooze_until(SNOOZE_10_MINUTES, at))
    assert store.reminders.active(at) == []
    assert store.reminders.next_moment(at, 0) == at + timedelta(minutes=10)
    assert fire(store, at + timedelta(minutes=9, seconds=59), lead=0) == []
    assert store.reminders.active(at + timedelta(minutes=9)) == []
    assert fire(store, at + timedelta(minutes=10), lead=0) == [("Chase invoice", SNOOZED)]
    assert [r.task_id for r in store.reminders.active(at + timedelta(minutes=10))] == [task_id]
    assert fire(store, at + timedelta(minutes=30), lead=0) == []


def test_snooze_choices() -> None:
    now = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    assert snooze_until(SNOOZE_10_MINUTES, now) == now + timedelta(minutes=10)
    assert snooze_until(SNOOZE_1_HOUR, now) == now + timedelta(hours=1)
    # 22:30 UTC is already the 25th at 00:30 in UTC+2: "tomorrow" is the 26th at 9:00 there.
    plus_two = timezone(timedelta(hours=2))
    assert snooze_until(SNOOZE_TOMORROW, now, plus_two) == datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    assert snooze_until(SNOOZE_TOMORROW, now, UTC) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_dismissed_reminder_leaves_the_list_but_the_due_one_still_comes(store: Store) -> None:
    fire(store, START)
    task_id = new_task(store, "Prepare demo", START + timedelta(minutes=30))
    assert fire(store, START + timedelta(minutes=20)) == [("Prepare demo", LEAD)]
    with store.write():
        store.reminders.dismiss(task_id, START + timedelta(minutes=21))
    assert store.reminders.active(START + timedelta(minutes=21)) == []
    assert fire(store, START + timedelta(minutes=30)) == [("Prepare demo", DUE)]
    assert [r.kind for r in store.reminders.active(START + timedelta(minutes=30))] == [DUE]


def test_done_deleted_and_dateonly_tasks_do_not_remind(store: Store) -> None:
    fire(store, START)
    done_id = new_task(store, "Done already", START + timedelta(minutes=5))
    store.edits.update_task(done_id, done=True)
    deleted_id = new_task(store, "Deleted", START + timedelta(minutes=5))
    store.edits.delete_task(deleted_id)
    new_task(store, "A day, no time", "2026-11-24T00:00:00.000Z")
    new_task(store, "No deadline", None)
    assert not has_time_of_day("2026-11-24T00:00:00.000Z")
    assert not has_time_of_day("2026-11-24")
    assert has_time_of_day("2026-11-24T00:01:00.000Z")
    assert fire(store, START + timedelta(days=1)) == []
    assert store.reminders.next_moment(START, 10) is None


def test_a_task_done_after_it_fired_leaves_the_list(store: Store) -> None:
    fire(store, START)
    task_id = new_task(store, "Ring back", START + timedelta(minutes=1))
    assert fire(store, START + timedelta(minutes=1), lead=0) == [("Ring back", DUE)]
    store.edits.update_task(task_id, done=True)
    assert store.reminders.active(START + timedelta(minutes=2)) == []


def test_a_moved_deadline_rearms(store: Store) -> None:
    fire(store, START)
    task_id = new_task(store, "Follow up", START + timedelta(minutes=5))
    assert fire(store, START + timedelta(minutes=5), lead=0) == [("Follow up", DUE)]
    store.edits.update_task(task_id, deadline=utc_text(START + timedelta(hours=2)))
    # The fired reminder was for the old deadline: it leaves the list, and the new one waits.
    assert store.reminders.active(START + timedelta(minutes=6)) == []
    assert store.reminders.next_moment(START + timedelta(minutes=6), 0) == START + timedelta(hours=2)
    assert fire(store, START + timedelta(hours=2), lead=0) == [("Follow up", DUE)]


def test_a_task_made_already_late_does_not_remind(store: Store) -> None:
    fire(store, START)
    new_task(store, "Yesterday's call", START - timedelta(days=1))
    assert fire(store, START + timedelta(minutes=1)) == []


def test_only_my_tasks_remind(store: Store) -> None:
    fire(store, START)
    due = START + timedelta(minutes=5)
    new_task(store, "Mine", due, assignee_ids=["mem-ada"])
    new_task(store, "Bob's", due, assignee_ids=["mem-bob"])
    new_task(store, "Nobody's, made here", due)
    with store.write():
        # A server names an assignee by the user id (Aria) as often as by the member id.
        store.tasks.put(Task("srv-0", "Mine by my user id", utc_text(due), assignee_ids=["user-ada"]))
        store.tasks.put(Task("srv-1", "Nobody's, made by Bob", utc_text(due), created_by="mem-bob"))
        store.tasks.put(Task("srv-2", "Nobody's, made by me", utc_text(due), created_by="mem-ada"))
        # An integration's task: the server names no author. Nobody can tell it is mine.
        store.tasks.put(Task("srv-3", "Nobody's, no author", utc_text(due), created_by=None))
    assert sorted(c for c, _ in fire(store, due, lead=0)) == [
        "Mine", "Mine by my user id", "Nobody's, made by me", "Nobody's, made here"]


def test_nothing_reminds_while_me_is_unknown(store: Store) -> None:
    with store.write():
        store.schema.set_me(None)
    fire(store, START)
    due = START + timedelta(minutes=5)
    new_task(store, "Made here", due)
    new_task(store, "Bob's", due, assignee_ids=["mem-bob"])
    assert fire(store, due, lead=0) == []
    assert store.reminders.next_moment(START, 0) is None
    # Once the user says who they are, their task's moment is ahead again.
    be_ada(store)
    assert store.reminders.next_moment(START, 0) == due


def test_a_look_reads_only_the_tasks_near_now(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workspace's thousands of timed tasks are not parsed at every look (it runs at least each minute and
    on every task change a sync brings): SQL lets through only those with a moment in the window."""
    fire(store, START)
    with store.write():
        for day in range(1, 301):  # far from now, in both directions
            for sign in (1, -1):
                store.tasks.put(Task(f"srv-{sign}-{day}", f"Call {day}", utc_text(START + sign * timedelta(days=day,
                                     minutes=30)), assignee_ids=["mem-ada"]))
    new_task(store, "Soon", START + timedelta(minutes=5))
    parsed: list[str | None] = []
    real_parse = reminders_module.parse_utc

    def counting(text: str | None) -> datetime | None:
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(reminders_module, "parse_utc", counting)
    assert fire(store, START + timedelta(minutes=5), lead=0) == [("Soon", DUE)]
    assert store.reminders.next_moment(START + timedelta(minutes=5), 10) == START + timedelta(days=1, minutes=20)
    assert [r.content for r in store.reminders.active(START + timedelta(minutes=5))] == ["Soon"]
    assert len(parsed) < 20, f"{len(parsed)} times parsed for 601 tasks"


def test_deadlines_in_a_servers_own_form_remind_at_their_moment(store: Store) -> None:
    fire(store, START)
    with store.write():
        # 10:00 at +02:00 is 08:00 UTC... of the next day here, and no milliseconds.
        store.tasks.put(Task("srv-z", "Offset form", "2026-11-25T10:00:00+02:00", assignee_ids=["mem-ada"]))
    moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert store.reminders.next_moment(START, 0) == moment
    assert fire(store, moment - timedelta(seconds=1), lead=0) == []
    assert fire(store, moment, lead=0) == [("Offset form", DUE)]


def test_state_is_kept_across_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store:
        be_ada(store)
        fire(store, START)
        new_task(store, "While closed", START + timedelta(minutes=1))
    # Closed for an hour: the missed reminder fires at the first look after opening, once.
    with Store.open(path) as store:
        assert fire(store, START + timedelta(hours=1)) == [("While closed", DUE)]
    with Store.open(path) as store:
        assert fire(store, START + timedelta(hours=2)) == []
        assert [r.content for r in store.reminders.active(START + timedelta(hours=2))] == ["While closed"]


def test_an_offline_task_keeps_its_snooze_when_it_gets_its_server_id(store: Store) -> None:
    fire(store, START)
    local_id = new_task(store, "Offline task", START + timedelta(minutes=1), assignee_ids=["mem-ada"])
    fire(store, START + timedelta(minutes=1), lead=0)
    with store.write():
        store.reminders.snooze(local_id, START + timedelta(hours=1))
    # What the push does when the server answers with the task's id.
    store.rewrite_local_id(local_id, "srv-task", "task")
    assert store.reminders.snoozed_until("srv-task") == START + timedelta(hours=1)
    assert fire(store, START + timedelta(hours=1), lead=0) == [("Offline task", SNOOZED)]


def test_a_look_that_fires_nothing_writes_nothing_for_a_while(store: Store) -> None:
    fire(store, START)
    new_task(store, "Later", START + timedelta(hours=1))
    # Nothing due a minute on: no write lock taken (the sync may be writing).
    assert not store.reminders.look_needs_write(START + timedelta(minutes=1), 10)
    # The lead moment has come: the look writes.
    assert store.reminders.look_needs_write(START + timedelta(minutes=50), 10)
    # Nothing due but the kept time is old: it is written again.
    assert store.reminders.look_needs_write(START + timedelta(minutes=6), 0)


def test_a_reminder_firing_tells_reminders_not_a_task_change(store: Store) -> None:
    """The Tasks view, Home and the dashboard re-read on a task change: a reminder's own state
    (fired, snoozed, dismissed) is told apart, so they are left alone."""
    assert fire(store, START) == []
    new_task(store, "Call Ada", START + timedelta(minutes=1))
    heard: list[ChangeSet] = []
    store.add_change_listener(heard.append)
    assert fire(store, START + timedelta(minutes=2), lead=0) == [("Call Ada", DUE)]
    assert heard and all(c.reminders and not c.tasks for c in heard)
