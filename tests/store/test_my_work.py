"""What Home's "My work" reads from a real workspace file against a pinned clock: my tasks by the
user's calendar day (overdue, today, the next 7 days), and my open deals by close date with the
quiet ones marked stale (notes, tasks, field history and the record's update time all count)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model import AttributeType, Note, ObjectDef, Option, Record, Task
from crmdesk.model.schema import LOST, WON
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.store.my_work import TASK_LIMIT, Bucket, MyWork, canonical
from crmdesk.store.task_owner import my_ids

from ._pipeline_deals import stage_move
from ._support import attr

BERLIN = ZoneInfo("Europe/Berlin")
#: Wednesday 2 December 2026, 09:00 in Berlin.
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC).astimezone(BERLIN)
T = AttributeType
STAGES = (
    Option("lead", "Lead", order=0),
    Option("proposal", "Proposal", order=1),
    Option("won", "Won", order=2, outcome=WON),
    Option("lost", "Lost", order=3, outcome=LOST),
    # No outcome from the server: its title says it.
    Option("closed-lost", "Closed lost", order=4),
)
DEALS = ObjectDef("deals", "Deal", "Deals", id="obj-deals", attributes=(
    attr("name", T.TEXT, id="a-d-name"),
    attr("value", T.CURRENCY, order=1, config={"currency_code": "EUR"}),
    attr("stage", T.STATUS, order=2, options=STAGES),
    attr("expected_close_date", T.DATE, order=3),
    attr("owner", T.ACTOR_REFERENCE, order=4),
))
# tests/store/_support.MEMBERS: Ada (member id mem-ada, user id user-ada) and Bob.
ME_MEMBER, ME_USER, OTHER = "mem-ada", "user-ada", "mem-bob"


def at(delta: timedelta) -> str:
    return canonical(NOW + delta)


def task(task_id: str, deadline: str | None, *, to: tuple[str, ...] = (ME_USER,), by: str | None = OTHER,
         done: bool = False, records: tuple[str, ...] = ()) -> Task:
    return Task(task_id, f"Task {task_id}", deadline, done, None, list(records), list(to), at(timedelta(days=-30)),
                by)


@pytest.fixture
def mine(store: Store) -> Store:
    with store.write():
        store.schema.save_object(DEALS, 2)
        store.schema.set_me(ME_MEMBER)
    return store


def test_me_is_known_by_member_and_user_id(mine: Store) -> None:
    assert my_ids(mine.schema) == {ME_MEMBER, ME_USER}
    heard: list[ChangeSet] = []
    mine.add_change_listener(heard.append)
    with mine.write():
        mine.schema.set_me(None)
    # Told as a members change, so Home (and whatever shows "you") reads again.
    assert [c.members for c in heard] == [True]
    assert my_ids(mine.schema) == frozenset()
    assert MyWork(mine).tasks(NOW).tasks == []
    assert MyWork(mine).deals(NOW, 14).deals == []


def test_my_tasks_by_the_users_day(mine: Store) -> None:
    with mine.write():
        for row in (
            task("week-end", at(timedelta(days=6, hours=1))),  # Tuesday 8th, 10:00: the 7th day
            task("too-late", at(timedelta(days=7, hours=-8))),  # Wednesday 9th, 01:00: past the week
            task("long-overdue", at(timedelta(days=-9))),
            # 23:30 UTC yesterday is 00:30 today in Berlin: today, not overdue.
            task("tonight-utc", "2026-12-01T23:30:00.000Z", records=("deal-a", "deal-b")),
            task("yesterday", "2026-12-01T22:30:00.000Z"),  # 23:30 in Berlin: overdue
            task("today-member-id", at(timedelta(hours=6)), to=(ME_MEMBER,)),
            task("mine-unassigned", at(timedelta(days=2)), to=(), by=ME_USER),
            task("others-unassigned", at(timedelta(days=2)), to=(), by=OTHER),
            task("shared", at(timedelta(days=3)), to=(OTHER, ME_USER)),
            task("bobs", at(timedelta(days=1)), to=(OTHER,)),
            task("no-date", None),
            task("done", at(timedelta(days=1)), done=True),
        ):
            mine.tasks.put(row)
    found = MyWork(mine).tasks(NOW)
    assert [(row.task.id, row.bucket) for row in found.tasks] == [
        ("long-overdue", Bucket.OVERDUE),
        ("yesterday", Bucket.OVERDUE),
        ("tonight-utc", Bucket.TODAY),
        ("today-member-id", Bucket.TODAY),
        ("mine-unassigned", Bucket.WEEK),
        ("shared", Bucket.WEEK),
        ("week-end", Bucket.WEEK),
    ]
    assert found.more == 0
    tonight = found.tasks[2]
    assert (tonight.record_id, tonight.due.isoformat()) == ("deal-a", "2026-12-02")
    # The same moment in UTC's calendar is yesterday: the zone decides.
    assert MyWork(mine).tasks(NOW.astimezone(UTC)).tasks[2].bucket is Bucket.OVERDUE
    # A task ticked a moment ago stays listed (ticked) while Home keeps it.
    kept = MyWork(mine).tasks(NOW, keep={"done"}).tasks
    assert [(r.task.id, r.task.done) for r in kept if r.task.id == "done"] == [("done", True)]
    assert found.overdue == 2
    # Past the limit, the rest are counted; today's and the week's are read first, the overdue
    # get what is left (the newest of them).
    limited = MyWork(mine).tasks(NOW, limit=3)
    assert ([r.task.id for r in limited.tasks], limited.more, limited.overdue) == (
        ["tonight-utc", "today-member-id", "mine-unassigned"], 4, 2)
    limited = MyWork(mine).tasks(NOW, limit=6)
    assert ([r.task.id for r in limited.tasks], limited.more) == (
        ["yesterday", "tonight-utc", "today-member-id", "mine-unassigned", "shared", "week-end"], 1)


def test_a_backlog_of_overdue_tasks_leaves_room_for_today(mine: Store) -> None:
    backlog = TASK_LIMIT + 20
    with mine.write():
        for n in range(backlog):  # one a day, going back from yesterday
            mine.tasks.put(task(f"old-{n:03d}", at(timedelta(days=-1 - n))))
        mine.tasks.put(task("call-today", at(timedelta(hours=2))))
        mine.tasks.put(task("tomorrow", at(timedelta(days=1))))
    found = MyWork(mine).tasks(NOW)
    by_bucket = {b: [r.task.id for r in found.tasks if r.bucket is b] for b in Bucket}
    assert by_bucket[Bucket.TODAY] == ["call-today"] and by_bucket[Bucket.WEEK] == ["tomorrow"]
    # The newest overdue fill the rest, oldest first as the group reads; the count is of them all.
    assert by_bucket[Bucket.OVERDUE] == [f"old-{n:03d}" for n in reversed(range(TASK_LIMIT - 2))]
    assert (found.overdue, found.more) == (backlog, backlog - (TASK_LIMIT - 2))


def deal(record_id: str, stage: str | None, close: str | None, *, owner: str = ME_USER,
         updated: timedelta = timedelta(days=-1), amount: int = 1000) -> Record:
    values = {"name": f"Deal {record_id}", "value": {"amount": amount, "currency": "EUR"}, "owner": owner}
    if stage:
        values["stage"] = stage
    if close:
        values["expected_close_date"] = close
    return Record(record_id, "deals", values, at(timedelta(days=-90)), at(updated))


def history(store: Store, record_id: str, changed: timedelta) -> None:
    stage_move(store, record_id, "lead", "proposal", at(changed), source="server")


def test_my_open_deals_by_close_date_with_stale_marks(mine: Store) -> None:
    month = timedelta(days=-30)
    with mine.write():
        for record in (
            deal("quiet", "lead", "2026-12-10", updated=month),
            deal("noted", "proposal", "2026-12-05", updated=month),
            deal("moved", "lead", None, updated=month),
            deal("task-done", "proposal", "2026-12-20", updated=month),
            deal("edge", "lead", "2026-12-25", updated=timedelta(days=-14)),
            deal("no-stage", None, "2026-12-24", updated=timedelta(hours=-2)),
            deal("won", "won", "2026-12-01"),
            deal("lost", "lost", "2026-12-01"),
            deal("closed-lost", "closed-lost", "2026-12-01"),
            deal("bobs", "lead", "2026-12-01", owner=OTHER),
        ):
            mine.records.put(DEALS, record)
        mine.notes.put(Note("n1", "noted", "Called", "", at(timedelta(days=-2)), at(timedelta(days=-2)), ME_USER))
        mine.notes.put(Note("n-old", "quiet", "Old", "", at(timedelta(days=-40)), None, ME_USER))
        history(mine, "moved", timedelta(days=-1))
        done = task("t1", at(timedelta(days=-5)), records=("task-done",))
        done.done, done.completed_at = True, at(timedelta(days=-3))
        mine.tasks.put(done)
    found = MyWork(mine).deals(NOW, 14)
    assert found.shape is not None and found.shape.obj.slug == "deals"
    assert found.total == 6
    rows = [(d.id, d.quiet_days, d.stale) for d in found.deals]
    assert rows == [
        ("noted", 2, False),       # a note two days ago
        ("quiet", 30, True),       # nothing since the record changed a month ago
        ("task-done", 3, False),   # a task on it done three days ago
        ("no-stage", 0, False),    # no stage yet: open
        ("edge", 14, True),        # exactly the stale days
        ("moved", 1, False),       # field history yesterday; no close date: last
    ]
    # The stale days are the workspace's setting: at 31 days nothing here is stale.
    assert not any(d.stale for d in MyWork(mine).deals(NOW, 31).deals)
    limited = MyWork(mine).deals(NOW, 14, limit=2)
    assert ([d.id for d in limited.deals], limited.total) == (["noted", "quiet"], 6)


def test_a_deal_stamped_ahead_of_this_clock_is_quiet_for_no_days(mine: Store) -> None:
    # A server whose clock runs a few minutes ahead stamps the deal "in the future".
    with mine.write():
        mine.records.put(DEALS, deal("ahead", "lead", None, updated=timedelta(minutes=5)))
    ahead = MyWork(mine).deals(NOW, 14).deals[0]
    assert (ahead.quiet_days, ahead.stale) == (0, False)


def test_no_owner_attribute(mine: Store) -> None:
    with mine.write():
        mine.schema.save_object(ObjectDef("deals", "Deal", "Deals", id="obj-deals", attributes=(
            attr("name", T.TEXT, id="a-d-name"), attr("stage", T.STATUS, order=1, options=STAGES))), 2)
    found = MyWork(mine).deals(NOW, 14)
    assert found.shape is not None and found.shape.owner is None and found.deals == []


def test_record_counts_follow_the_schema(mine: Store) -> None:
    with mine.write():
        mine.records.put(DEALS, deal("a", "lead", None))
        mine.records.put(DEALS, deal("b", "won", None))
        mine.tasks.put(task("open", None))
        mine.tasks.put(task("closed", None, done=True))
    work = MyWork(mine)
    assert work.record_counts() == [("companies", "Companies", 0), ("people", "People", 0), ("deals", "Deals", 2)]
    assert work.open_task_count() == 1


def test_a_close_date_already_past_is_counted_in_days(mine: Store) -> None:
    with mine.write():
        for record in (
            deal("slipped", "proposal", "2026-10-05"),  # 58 days before Wednesday 2 December
            deal("yesterday", "lead", "2026-12-01"),
            deal("today", "lead", "2026-12-02"),
            deal("coming", "lead", "2026-12-03"),
            deal("undated", "lead", None),
        ):
            mine.records.put(DEALS, record)
    found = MyWork(mine).deals(NOW, 14)
    assert [(d.id, d.days_past_close) for d in found.deals] == [
        ("slipped", 58), ("yesterday", 1), ("today", 0), ("coming", 0), ("undated", 0)]
    assert found.deals[0].close_day is not None and found.deals[0].close_day.isoformat() == "2026-10-05"
    # Today is the user's day: 00:30 on the 2nd in Berlin is still the 1st in UTC.
    just_after_midnight = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    in_berlin = {d.id: d.days_past_close for d in MyWork(mine).deals(just_after_midnight.astimezone(BERLIN), 14).deals}
    in_utc = {d.id: d.days_past_close for d in MyWork(mine).deals(just_after_midnight, 14).deals}
    assert (in_berlin["yesterday"], in_utc["yesterday"]) == (1, 0)
