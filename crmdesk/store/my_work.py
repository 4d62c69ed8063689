"""What Home's "My work" reads from the cache: my tasks due soon, my open deals with how long
each has been quiet, in SQL with limited rows so a 100,000-deal workspace opens Home quickly.

"My" is the member ``schema.me()`` names, known by any of its ids (member id, user id): a server
names assignees and owners by one or the other. Which tasks are mine is ``store/task_owner.py``'s
rule, the one reminders use too (assigned to me, or unassigned and made by me or here).

"Today" is the calendar day of ``now`` in the zone ``now`` carries (the caller passes its clock's
time in the user's zone); a deadline's day is read in that zone too, as the Tasks view reads it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from crmdesk.model import Task
from crmdesk.model.pipeline import PipelineShape, deals_pipeline
from crmdesk.store.clock import canonical
from crmdesk.store.clock import parse as parse_time
from crmdesk.store.task_owner import mine_condition, my_ids

if TYPE_CHECKING:
    from crmdesk.store.store import Store

#: Days after today that "the coming week" holds (tomorrow through today + 6: a rolling week, so
#: a Friday still shows next Monday's calls).
WEEK_DAYS = 7
#: At most this many tasks and deals are read; the rest are counted.
TASK_LIMIT = 100
DEAL_LIMIT = 50


class Bucket(IntEnum):
    OVERDUE = 0
    TODAY = 1
    WEEK = 2


@dataclass(frozen=True, slots=True)
class MyTask:
    task: Task
    due: date
    bucket: Bucket
    #: The first linked record (what Enter opens) and its title; None when the task links none.
    record_id: str | None
    record_title: str | None


@dataclass(frozen=True, slots=True)
class MyTasks:
    tasks: list[MyTask]
    #: Open tasks of mine due before the week ends that were not read (past ``TASK_LIMIT``).
    more: int
    #: All my open overdue tasks, listed or not (counted, not read).
    overdue: int = 0


@dataclass(frozen=True, slots=True)
class MyDeal:
    id: str
    title: str
    values: dict[str, Any]
    #: The latest note, task or value change on it (None: nothing dated).
    last_activity: datetime | None
    #: Whole days since ``last_activity`` (None when there was none).
    quiet_days: int | None
    stale: bool
    #: The expected close day (None: the deal has none, or no close date attribute).
    close_day: date | None = None
    #: Whole days since the expected close day passed (0: today or later, or no close day): a
    #: deal that slipped.
    days_past_close: int = 0


@dataclass(frozen=True, slots=True)
class MyDeals:
    #: None: the workspace has no pipeline (no object with a stage).
    shape: PipelineShape | None
    deals: list[MyDeal]
    #: All my open deals, shown or not.
    total: int


def local_day(deadline: str | None, tz: tzinfo | None) -> date | None:
    """The calendar day in ``tz`` of a stored deadline (a bare date is that day)."""
    if not deadline:
        return None
    try:
        moment = datetime.fromisoformat(deadline.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(tz).date()


def close_day_of(value: Any, tz: tzinfo | None) -> date | None:
    """The calendar day of a close date value: a date (``2026-10-04``), or a moment read in ``tz``."""
    if not isinstance(value, str) or not value:
        return None
    if "T" in value:
        moment = parse_time(value)
        return moment.astimezone(tz).date() if moment is not None else None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def bucket_of(due: date, today: date) -> Bucket | None:
    if due < today:
        return Bucket.OVERDUE
    if due == today:
        return Bucket.TODAY
    if due < today + timedelta(days=WEEK_DAYS):
        return Bucket.WEEK
    return None


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class MyWork:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._conn: sqlite3.Connection = store.conn

    # -- tasks -------------------------------------------------------------------------------

    def tasks(self, now: datetime, *, keep: Iterable[str] = (), limit: int = TASK_LIMIT) -> MyTasks:
        """My open tasks due before the coming week ends, oldest deadline first; tasks in ``keep``
        are listed even when done (ticked here a moment ago: they stay, ticked, so a slip can be
        undone where it happened).

        Today's and the week's tasks are read first and the overdue ones get what is left of
        ``limit`` (the newest of them): a backlog of old overdue tasks must not push out what is
        due today. The overdue number and what was left out come from a count, not the rows read."""
        mine, mine_params = mine_condition(self._store.schema, "t")
        if not mine_params:
            return MyTasks([], 0)
        today = now.date()
        day_start = canonical(datetime.combine(today, time(), now.tzinfo))
        week_end = canonical(datetime.combine(today + timedelta(days=WEEK_DAYS), time(), now.tzinfo))
        kept = sorted(set(keep))
        where = f"(t.done = 0 OR t.id IN ({_marks(kept)})) AND t.deadline IS NOT NULL AND {mine}"
        params = [*kept, *mine_params]
        overdue_open, listed = self._conn.execute(
            f"SELECT coalesce(sum(t.deadline < ? AND t.done = 0), 0), count(*) FROM tasks t"
            f" WHERE {where} AND t.deadline < ?", [day_start, *params, week_end]).fetchone()
        coming = [row[0] for row in self._conn.execute(
            f"SELECT t.id FROM tasks t WHERE {where} AND t.deadline >= ? AND t.deadline < ?"
            " ORDER BY t.deadline, t.created_at, t.id LIMIT ?", [*params, day_start, week_end, limit])]
        late = [row[0] for row in self._conn.execute(
            f"SELECT t.id FROM tasks t WHERE {where} AND t.deadline < ?"
            " ORDER BY t.deadline DESC, t.created_at DESC, t.id DESC LIMIT ?",
            [*params, day_start, limit - len(coming)])] if len(coming) < limit else []
        ids = [*reversed(late), *coming]  # oldest deadline first, as the groups read
        found = self._store.tasks.get_many(ids)
        tasks = [found[i] for i in ids if i in found]
        titles = self._store.records.titles({t.record_ids[0] for t in tasks if t.record_ids})
        rows = []
        for task in tasks:
            due = local_day(task.deadline, now.tzinfo)
            bucket = bucket_of(due, today) if due is not None else None
            if due is None or bucket is None:
                continue  # a deadline written in a form the text comparison misjudged
            first = task.record_ids[0] if task.record_ids else None
            rows.append(MyTask(task, due, bucket, first, titles.get(first) if first else None))
        return MyTasks(rows, max(0, int(listed) - len(ids)), int(overdue_open))

    # -- deals -------------------------------------------------------------------------------

    def deals(self, now: datetime, stale_days: int, *, limit: int = DEAL_LIMIT) -> MyDeals:
        """My open deals (owner is me, stage neither won nor lost; no stage counts as open), by
        expected close date, those without one last. A deal is stale when nothing happened on it
        for ``stale_days`` days: no note written, no task made or done, no value changed (the
        field history, or the record's own update time where history has nothing newer). A close
        day before today (``now``'s day in its zone) is counted in ``days_past_close``."""
        shape = deals_pipeline(self._store.schema.objects())
        mine = sorted(my_ids(self._store.schema))
        if shape is None or shape.owner is None or not mine:
            return MyDeals(shape, [], 0)
        attribute_id = self._store.schema.attribute_id
        owner_id = attribute_id("object", shape.obj.slug, shape.owner.slug)
        stage_id = attribute_id("object", shape.obj.slug, shape.stage.slug)
        close_id = attribute_id("object", shape.obj.slug, shape.close_date.slug) if shape.close_date else None
        closed = sorted(shape.closed_stage_ids())
        # The owner's index rows first (one attribute's range), then each record's stage and close
        # date by key; counted and cut in one pass (the window count sees every row), the records'
        # own rows read only for the few kept.
        rows = self._conn.execute(
            "WITH mine AS MATERIALIZED (SELECT o.record_rowid AS kept, c.key AS close FROM record_values o"
            " LEFT JOIN record_values c ON c.attribute_id = ? AND c.record_rowid = o.record_rowid AND c.ord = 0"
            f" WHERE o.attribute_id = ? AND o.key IN ({_marks(mine)})"
            " AND NOT EXISTS (SELECT 1 FROM record_values s WHERE s.attribute_id = ?"
            f" AND s.record_rowid = o.record_rowid AND s.key IN ({_marks(closed)})))"
            " SELECT r.id, r.title, r.values_json, r.updated_at, m.total FROM"
            " (SELECT kept, close, count(*) OVER () AS total FROM mine"
            "  ORDER BY close IS NULL, close, kept LIMIT ?) m"
            " JOIN records r ON r.rowid = m.kept ORDER BY m.close IS NULL, m.close, m.kept",
            [close_id, owner_id, *mine, stage_id, *closed, limit],
        ).fetchall()
        total = int(rows[0][4]) if rows else 0
        activity = self._last_activity([row[0] for row in rows])
        quiet_after = timedelta(days=stale_days)
        today = now.date()
        deals = []
        for record_id, title, values_json, updated_at, _total in rows:
            times = [t for t in (parse_time(updated_at), *activity.get(record_id, ())) if t is not None]
            last = max(times) if times else None
            # Never "-1 days ago": a server's clock a little ahead of this one stamps the future.
            quiet = max(0, (now - last).days) if last is not None else None
            stale = last is None or now - last >= quiet_after
            values = json.loads(values_json)
            close = close_day_of(values.get(shape.close_date.slug), now.tzinfo) if shape.close_date else None
            past = max(0, (today - close).days) if close is not None else 0
            deals.append(MyDeal(record_id, title, values, last, quiet, stale, close, past))
        return MyDeals(shape, deals, total)

    def _last_activity(self, record_ids: list[str]) -> dict[str, list[datetime | None]]:
        """Per record: its latest field change, note and task time (each may be None)."""
        if not record_ids:
            return {}
        marks = _marks(record_ids)
        found: dict[str, list[datetime | None]] = {r: [] for r in record_ids}
        queries = (
            # field_history is the table the history keeps (schema v10); indexed by record and time.
            f"SELECT record_id, max(changed_at) FROM field_history WHERE record_id IN ({marks}) GROUP BY record_id",
            f"SELECT record_id, max(max(coalesce(updated_at, ''), coalesce(created_at, ''))) FROM notes"
            f" WHERE record_id IN ({marks}) GROUP BY record_id",
            "SELECT tr.record_id, max(max(coalesce(t.created_at, ''), coalesce(t.completed_at, '')))"
            f" FROM task_records tr JOIN tasks t ON t.id = tr.task_id WHERE tr.record_id IN ({marks})"
            " GROUP BY tr.record_id",
        )
        for sql in queries:
            for record_id, moment in self._conn.execute(sql, record_ids):
                found[record_id].append(parse_time(moment))
        return found

    # -- counts ------------------------------------------------------------------------------

    def record_counts(self) -> list[tuple[str, str, int]]:
        """(object slug, plural name, how many records) per object, in the schema's order."""
        counts = dict(self._conn.execute("SELECT object_slug, count(*) FROM records GROUP BY object_slug").fetchall())
        return [(obj.slug, obj.plural_name, int(counts.get(obj.slug, 0)))
                for obj in self._store.schema.objects().values()]

    def open_task_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM tasks WHERE done = 0").fetchone()[0])
