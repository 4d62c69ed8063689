"""Task reminders: when each of the user's timed tasks reminds, and what became of the reminder
(``task_reminders``: one row per task, keyed to the deadline it was made for).

A task reminds when it is open, has a due *time* (a deadline at midnight UTC is a bare date: the
servers and the demo write dates so, and a date has no moment to remind at) and is the user's
(``task_owner.mine_condition``, the rule Home uses: assigned to me, or to nobody and made by me;
while "me" is unknown no task reminds). It reminds at ``deadline - lead``
(the lead reminder; none when the lead is 0) and at the deadline (the due reminder).

A reminder *fires* when its moment falls between the previous check and now
(``fire_due``): a moment that passed while crmdesk was closed fires at the first check after it
opens ("missed", shown together), one that passed before crmdesk knew of the task (a task made
already late) never fires: the Tasks view shows it as overdue anyway. The time of the last check
is kept in ``meta`` so this holds across restarts. A fired reminder stays *active* (the in-app
list) until the task is done or deleted, or the reminder is dismissed or snoozed; a snoozed one
fires again at its snooze time. A task whose deadline moved has its row read as new: it re-arms.

Times are canonical UTC text (``2026-11-24T10:00:00.000Z``), so they compare as text. Writes go
inside ``Store.write()``; those a view must show (a fire, a snooze, a dismissal) flag ``tasks``,
since a task's reminder is part of the task as Home, Tasks and Reminders show it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import canonical as utc_text
from crmdesk.store.clock import parse as parse_utc
from crmdesk.store.schema_repo import SchemaRepo
from crmdesk.store.task_owner import mine_condition

LEAD = "lead"
DUE = "due"
SNOOZED = "snoozed"

#: When the scheduler last looked (``meta``): moments after it and up to now fire at the next look.
CHECKED_AT_KEY = "reminders_checked_at"
#: A look that fires nothing writes its time only when the one kept is older than this.
CHECKED_AT_REFRESH = timedelta(minutes=5)

#: SQLite's strftime form of the canonical UTC text (``utc_text``): any deadline form the server
#: wrote (an offset, no milliseconds) becomes comparable text.
_CANONICAL = "%Y-%m-%dT%H:%M:%fZ"

#: How far ahead ``next_moment`` searches.
NEXT_MOMENT_HORIZON = timedelta(days=2)

#: The snooze choices the in-app list offers.
SNOOZE_10_MINUTES = "10 minutes"
SNOOZE_1_HOUR = "1 hour"
SNOOZE_TOMORROW = "tomorrow 9:00"
SNOOZE_CHOICES = (SNOOZE_10_MINUTES, SNOOZE_1_HOUR, SNOOZE_TOMORROW)
#: "Tomorrow" means the user's next morning, at this local time.
MORNING = time(9, 0)


@dataclass(frozen=True, slots=True)
class Reminder:
    task_id: str
    content: str
    #: The task's deadline (canonical UTC text).
    deadline: str
    #: Why it reminds: ``LEAD`` (due soon), ``DUE`` (due now or past) or ``SNOOZED`` (back from a snooze).
    kind: str


@dataclass(slots=True)
class _State:
    """One ``task_reminders`` row, or a fresh one for a task without a row for its deadline."""

    lead_fired_at: str | None = None
    due_fired_at: str | None = None
    snoozed_until: str | None = None
    dismissed_at: str | None = None


@dataclass(slots=True)
class _Candidate:
    task_id: str
    content: str
    deadline: str
    due: datetime
    state: _State


def has_time_of_day(deadline: str | None) -> bool:
    """Whether ``deadline`` names a moment rather than a day: a bare date, and midnight UTC (how
    servers and the demo store a date), have no time to remind at."""
    moment = parse_utc(deadline)
    return moment is not None and "T" in (deadline or "") and moment.timetz().replace(tzinfo=None) != time(0)


def snooze_until(choice: str, now: datetime, tz: tzinfo | None = None) -> datetime:
    """When a reminder snoozed at ``now`` with ``choice`` comes back: 10 minutes or an hour on,
    or tomorrow at 9:00 in ``tz`` (None: the machine's zone, its daylight saving included)."""
    if choice == SNOOZE_10_MINUTES:
        return now + timedelta(minutes=10)
    if choice == SNOOZE_1_HOUR:
        return now + timedelta(hours=1)
    if choice == SNOOZE_TOMORROW:
        tomorrow: date = now.astimezone(tz).date() + timedelta(days=1)
        if tz is None:
            return datetime.combine(tomorrow, MORNING).astimezone().astimezone(UTC)
        return datetime.combine(tomorrow, MORNING, tzinfo=tz).astimezone(UTC)
    raise ValueError(f"No snooze called {choice!r}: choose one of {', '.join(SNOOZE_CHOICES)}")


class ReminderRepo:
    def __init__(self, conn: sqlite3.Connection, schema: SchemaRepo, changes: ChangeLog) -> None:
        self._conn = conn
        self._schema = schema
        self._changes = changes

    # -- which tasks remind ------------------------------------------------------------------

    def _timed_tasks(self, lead_minutes: int, near: tuple[datetime, datetime] | None) -> tuple[str, list[object]]:
        """SQL (and its parameters) for the user's open tasks with a due time, with ``due`` and
        ``lead_at`` (the deadline and the lead moment as canonical UTC text, whatever form the
        server wrote the deadline in) and the task's reminder row (``made_for``: the deadline it
        was made for). Only tasks with a reminder row, and those whose deadline lies ``near``
        (between two moments, the lead time and a day's margin added): the text of a deadline
        starts with its day, so a plain text comparison drops the far ones before anything is
        computed per task (a workspace may hold 100,000 tasks; a look comes every minute)."""
        whose, mine = mine_condition(self._schema)
        lead = max(0, int(lead_minutes))
        columns = (
            f"SELECT t.id, t.content, t.deadline, strftime('{_CANONICAL}', t.deadline) AS due,"
            f" strftime('{_CANONICAL}', t.deadline, ?) AS lead_at, r.deadline AS made_for,"
            " r.lead_fired_at, r.due_fired_at, r.snoozed_until, r.dismissed_at"
        )
        # A bare date, or a deadline at midnight UTC, is a day, not a moment (the module's docstring).
        timed = (f"t.done = 0 AND t.deadline IS NOT NULL AND instr(t.deadline, 'T') > 0"
                 f" AND time(t.deadline) != '00:00:00' AND {whose}")
        # Those with a reminder row, read from the (small) reminders table.
        # (CROSS JOIN: SQLite knows no table sizes and would scan the tasks first.)
        sql = f"{columns} FROM task_reminders r CROSS JOIN tasks t ON t.id = r.task_id WHERE {timed}"
        params: list[object] = [f"-{lead} minutes", *mine]
        if near is not None:
            # A day either side covers any zone offset a server writes (at most 14 hours).
            low = (near[0] - timedelta(days=1)).strftime("%Y-%m-%d")
            high = (near[1] + timedelta(minutes=lead, days=2)).strftime("%Y-%m-%d")
            # The near ones found by a cheap pass first, so the rest is worked out for them alone.
            sql += (f" UNION {columns} FROM tasks t LEFT JOIN task_reminders r ON r.task_id = t.id"
                    " WHERE t.rowid IN (SELECT rowid FROM tasks WHERE deadline >= ? AND deadline < ? AND done = 0)"
                    f" AND {timed}")
            params += [f"-{lead} minutes", low, high, *mine]
        return sql, params

    def _candidates(self, window: str, params: Sequence[object], lead_minutes: int,
                    near: tuple[datetime, datetime] | None) -> Iterator[_Candidate]:
        """Those of ``_timed_tasks`` that meet ``window`` (an SQL condition over its columns), with
        their reminder state (fresh when the row was made for another deadline). Only the rows SQL
        lets through are parsed here: a look costs the tasks near now, not every task."""
        tasks, task_params = self._timed_tasks(lead_minutes, near)
        rows = self._conn.execute(
            f"SELECT id, content, deadline, due, made_for, lead_fired_at, due_fired_at, snoozed_until, dismissed_at"
            f" FROM ({tasks}) WHERE due IS NOT NULL AND ({window})", [*task_params, *params])
        for task_id, content, deadline, due, made_for, lead_fired, due_fired, snoozed, dismissed in rows:
            moment = parse_utc(due)
            if moment is None:
                continue
            state = _State(lead_fired, due_fired, snoozed, dismissed) if made_for == deadline else _State()
            yield _Candidate(task_id, content, deadline, moment, state)

    def _due_between(self, floor: datetime, now: datetime, lead_minutes: int) -> Iterator[_Candidate]:
        """Tasks with a moment in (floor, now]: the due time, the lead moment, or a snooze ending."""
        low, high = utc_text(floor), utc_text(now)
        window = ("(due > ? AND due <= ?) OR (? > 0 AND lead_at > ? AND lead_at <= ?)"
                  " OR (made_for = deadline AND snoozed_until <= ?)")
        return self._candidates(window, [low, high, lead_minutes, low, high, high], lead_minutes, (floor, now))

    # -- firing ------------------------------------------------------------------------------------

    def last_checked(self) -> datetime | None:
        return parse_utc(self._schema.get_meta(CHECKED_AT_KEY))

    def look_needs_write(self, now: datetime, lead_minutes: int) -> bool:
        """Whether a look at ``now`` would fire something, or the time of the last look is worth
        writing again: read only, so the usual look (nothing due) takes no write lock while the
        sync writes. Skipping the write leaves the last look's time a few minutes old, which fires
        nothing twice: what came due since then either fired (and is marked) or belongs to a task
        that was not here then."""
        checked = self.last_checked()
        if checked is None or not timedelta(0) <= now - checked < CHECKED_AT_REFRESH:
            return True
        lead = timedelta(minutes=lead_minutes)
        return any(_kind_due(task, checked, now, lead) for task in self._due_between(checked, now, lead_minutes))

    def fire_due(self, now: datetime, lead_minutes: int) -> list[Reminder]:
        """The reminders whose moment has come since the last check, marked fired (the caller's
        transaction); the check's time is kept for the next one. The first check ever fires
        nothing that was already past: reminders start from the moment crmdesk first looked."""
        floor = self.last_checked() or now
        lead = timedelta(minutes=lead_minutes)
        fired: list[Reminder] = []
        for task in list(self._due_between(floor, now, lead_minutes)):
            kind = _kind_due(task, floor, now, lead)
            if kind is None:
                continue
            self._mark_fired(task, kind, utc_text(now))
            fired.append(Reminder(task.task_id, task.content, task.deadline, kind))
        # A deleted task's row would only wait for an id nobody uses again.
        self._conn.execute("DELETE FROM task_reminders WHERE task_id NOT IN (SELECT id FROM tasks)")
        self._schema.set_meta(CHECKED_AT_KEY, utc_text(now))
        if fired:
            self._changes.flag("reminders")
        fired.sort(key=lambda r: (r.deadline, r.content.lower()))
        return fired

    def _mark_fired(self, task: _Candidate, kind: str, at: str) -> None:
        state = task.state
        lead_fired = state.lead_fired_at or (at if kind in (LEAD, DUE) else None)
        due_fired = at if kind == DUE else state.due_fired_at
        # A fire is a new reminder: an earlier dismissal or snooze does not hide it.
        self._conn.execute(
            "INSERT INTO task_reminders (task_id, deadline, lead_fired_at, due_fired_at, snoozed_until, dismissed_at)"
            " VALUES (?, ?, ?, ?, NULL, NULL) ON CONFLICT (task_id) DO UPDATE SET deadline = excluded.deadline,"
            " lead_fired_at = excluded.lead_fired_at, due_fired_at = excluded.due_fired_at,"
            " snoozed_until = NULL, dismissed_at = NULL",
            (task.task_id, task.deadline, lead_fired, due_fired),
        )

    def next_moment(self, now: datetime, lead_minutes: int) -> datetime | None:
        """The soonest moment after ``now``, within ``NEXT_MOMENT_HORIZON``, at which a reminder
        fires (None: none waits that soon). The scheduler looks at least every minute anyway: a
        moment further off is found by a later look."""
        stamp = utc_text(now)
        tasks, task_params = self._timed_tasks(lead_minutes, (now, now + NEXT_MOMENT_HORIZON))
        kept = "made_for = deadline"  # the reminder row is for this deadline (else it is read as new)
        # Per task the soonest of its moments still to come ('~' sorts after every time: none).
        row = self._conn.execute(
            "SELECT min(min("
            f" CASE WHEN due > ? AND NOT ({kept} AND due_fired_at IS NOT NULL) THEN due ELSE '~' END,"
            f" CASE WHEN ? > 0 AND lead_at > ? AND NOT ({kept} AND (due_fired_at IS NOT NULL"
            "  OR lead_fired_at IS NOT NULL)) THEN lead_at ELSE '~' END,"
            f" CASE WHEN {kept} AND snoozed_until > ? THEN snoozed_until ELSE '~' END))"
            f" FROM ({tasks}) WHERE due IS NOT NULL",
            [stamp, lead_minutes, stamp, stamp, *task_params]).fetchone()
        soonest = row[0] if row else None
        return None if soonest in (None, "~") else parse_utc(soonest)

    # -- the in-app list ------------------------------------------------------------------------------

    def active(self, now: datetime) -> list[Reminder]:
        """Fired reminders waiting for the user: not dismissed, not snoozed past ``now``, of open
        tasks whose deadline is still the one they fired for. Soonest deadline first."""
        window = ("made_for = deadline AND (lead_fired_at IS NOT NULL OR due_fired_at IS NOT NULL)"
                  " AND dismissed_at IS NULL AND (snoozed_until IS NULL OR snoozed_until <= ?)")
        found = [Reminder(task.task_id, task.content, task.deadline, DUE if task.state.due_fired_at else LEAD)
                 for task in self._candidates(window, [utc_text(now)], 0, None)]
        found.sort(key=lambda r: (r.deadline, r.content.lower()))
        return found

    def snoozed_until(self, task_id: str) -> datetime | None:
        row = self._conn.execute("SELECT snoozed_until FROM task_reminders WHERE task_id = ?", (task_id,)).fetchone()
        return parse_utc(row[0]) if row else None

    def snooze(self, task_id: str, until: datetime) -> bool:
        """The task's reminder leaves the list until ``until``, then fires again. False: it had none."""
        changed = self._conn.execute(
            "UPDATE task_reminders SET snoozed_until = ?, dismissed_at = NULL WHERE task_id = ?",
            (utc_text(until), task_id)).rowcount
        if changed:
            self._changes.flag("reminders")
        return bool(changed)

    def dismiss(self, task_id: str, now: datetime) -> bool:
        """The task's reminder leaves the list (its due reminder, not fired yet, still comes)."""
        changed = self._conn.execute(
            "UPDATE task_reminders SET dismissed_at = ?, snoozed_until = NULL WHERE task_id = ?",
            (utc_text(now), task_id)).rowcount
        if changed:
            self._changes.flag("reminders")
        return bool(changed)

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        """A task made offline got its server id: its reminder state follows it."""
        self._conn.execute("UPDATE OR REPLACE task_reminders SET task_id = ? WHERE task_id = ?", (new_id, old_id))


def _kind_due(task: _Candidate, floor: datetime, now: datetime, lead: timedelta) -> str | None:
    """Which reminder of ``task`` fires at a check at ``now`` whose previous check was at ``floor``."""
    state = task.state
    if state.due_fired_at is None and floor < task.due <= now:
        return DUE
    if lead and state.due_fired_at is None and state.lead_fired_at is None and floor < task.due - lead <= now:
        return LEAD
    snoozed = parse_utc(state.snoozed_until)
    if snoozed is not None and snoozed <= now:
        return SNOOZED
    return None
