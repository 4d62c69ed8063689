"""Notes, tasks, timeline events and notifications in the cache."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from crmdesk.model import LOCAL_ID_PREFIX, Note, Notification, Task, TimelineEvent
from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import utc_now
from crmdesk.store.schema_steps import NOTE_ROWID_OFFSET, TASK_ROWID_OFFSET
from crmdesk.store.search import SearchIndex

_NOTE_COLUMNS = "id, record_id, title, content, created_at, updated_at, created_by"
_TASK_COLUMNS = "id, content, deadline, done, completed_at, created_at, created_by"


class NoteRepo:
    def __init__(self, conn: sqlite3.Connection, search: SearchIndex, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes
        self._search = search

    def put(self, note: Note) -> None:
        rowid = self._conn.execute(
            "INSERT INTO notes (id, record_id, title, content, created_at, updated_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET record_id = excluded.record_id,"
            " title = excluded.title, content = excluded.content, updated_at = excluded.updated_at,"
            # The server's author and creation time replace a note's local guesses once known.
            " created_at = coalesce(excluded.created_at, created_at),"
            " created_by = coalesce(excluded.created_by, created_by)"
            " RETURNING rowid",
            (note.id, note.record_id, note.title, note.content, note.created_at, note.updated_at, note.created_by),
        ).fetchone()[0]
        self._search.put(rowid + NOTE_ROWID_OFFSET, note.title, note.content)
        self._changes.flag("notes")

    def get(self, note_id: str) -> Note | None:
        row = self._conn.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
        return Note(*row) if row else None

    def for_record(self, record_id: str) -> list[Note]:
        rows = self._conn.execute(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE record_id = ? ORDER BY created_at DESC", (record_id,)
        )
        return [Note(*r) for r in rows]

    def all(self, limit: int = 1000, offset: int = 0) -> list[Note]:
        rows = self._conn.execute(
            f"SELECT {_NOTE_COLUMNS} FROM notes ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Note(*r) for r in rows]

    def by_id(self) -> dict[str, Note]:
        """Every cached note by id (a pull compares what the server sends with it)."""
        return {row[0]: Note(*row) for row in self._conn.execute(f"SELECT {_NOTE_COLUMNS} FROM notes")}

    def ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM notes")}

    def delete(self, note_id: str) -> bool:
        row = self._conn.execute("SELECT rowid FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            return False
        self._search.delete(row[0] + NOTE_ROWID_OFFSET)
        self._conn.execute("DELETE FROM notes WHERE rowid = ?", (row[0],))
        self._changes.flag("notes")
        return True

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        # Called for every kind of id that became a server id: told only when a note changed.
        renamed = self._conn.execute("UPDATE notes SET id = ? WHERE id = ?", (new_id, old_id)).rowcount
        renamed += self._conn.execute("UPDATE notes SET record_id = ? WHERE record_id = ?", (new_id, old_id)).rowcount
        if renamed:
            self._changes.flag("notes")


class TaskRepo:
    def __init__(self, conn: sqlite3.Connection, search: SearchIndex, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes
        self._search = search

    def put(self, task: Task, now: str | None = None) -> None:
        """Keep ``task``; ``now`` (canonical UTC, default the machine's time) is when a task first
        seen done here was done, if it says no time of its own."""
        rowid = self._conn.execute(
            "INSERT INTO tasks (id, content, deadline, done, completed_at, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET content = excluded.content,"
            " deadline = excluded.deadline, done = excluded.done,"
            # A server that keeps no completion time (Attio) sends none: a done task keeps the time
            # known here, and one seen done for the first time is done as of now (the dashboard's
            # "tasks done in the last 30 days" counts it); reopened, it has none.
            " completed_at = CASE WHEN excluded.done = 0 THEN NULL"
            " ELSE coalesce(excluded.completed_at, completed_at, CASE WHEN done = 0 THEN ? END) END,"
            " created_at = coalesce(excluded.created_at, created_at),"
            " created_by = coalesce(excluded.created_by, created_by)"
            " RETURNING rowid",
            (task.id, task.content, task.deadline, int(task.done), task.completed_at, task.created_at,
             task.created_by, now or utc_now()),
        ).fetchone()[0]
        self._conn.execute("DELETE FROM task_records WHERE task_id = ?", (task.id,))
        self._conn.executemany(
            "INSERT OR IGNORE INTO task_records (task_id, record_id) VALUES (?, ?)",
            [(task.id, r) for r in task.record_ids],
        )
        self._conn.execute("DELETE FROM task_assignees WHERE task_id = ?", (task.id,))
        self._conn.executemany(
            "INSERT OR IGNORE INTO task_assignees (task_id, member_id) VALUES (?, ?)",
            [(task.id, m) for m in task.assignee_ids],
        )
        self._search.put(rowid + TASK_ROWID_OFFSET, task.content, "")
        self._changes.flag("tasks")

    def _with_links(self, rows: Iterable[tuple]) -> list[Task]:  # type: ignore[type-arg]
        tasks = []
        for task_id, content, deadline, done, completed_at, created_at, created_by in rows:
            records = [r[0] for r in self._conn.execute(
                "SELECT record_id FROM task_records WHERE task_id = ? ORDER BY record_id", (task_id,))]
            assignees = [r[0] for r in self._conn.execute(
                "SELECT member_id FROM task_assignees WHERE task_id = ? ORDER BY member_id", (task_id,))]
            tasks.append(Task(task_id, content, deadline, bool(done), completed_at, records, assignees,
                              created_at, created_by))
        return tasks

    def get(self, task_id: str) -> Task | None:
        found = self._with_links(
            self._conn.execute(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE id = ?", (task_id,)).fetchall()
        )
        return found[0] if found else None

    def get_many(self, task_ids: Iterable[str]) -> dict[str, Task]:
        """The cached tasks among ``task_ids``, by id, as ``get`` gives each: three queries in all,
        however many are asked for (a view listing a hundred tasks reads them at once)."""
        return self._assembled(" WHERE {} IN (SELECT value FROM json_each(?))",
                               (json.dumps(list(dict.fromkeys(task_ids))),))

    def _assembled(self, where: str, params: tuple[str, ...]) -> dict[str, Task]:
        """Tasks with their links and assignees, grouped here: ``where`` names its column ``{}``."""
        records: dict[str, list[str]] = {}
        for task_id, record_id in self._conn.execute(
                f"SELECT task_id, record_id FROM task_records{where.format('task_id')} ORDER BY task_id, record_id",
                params):
            records.setdefault(task_id, []).append(record_id)
        assignees: dict[str, list[str]] = {}
        for task_id, member_id in self._conn.execute(
                f"SELECT task_id, member_id FROM task_assignees{where.format('task_id')}"
                " ORDER BY task_id, member_id", params):
            assignees.setdefault(task_id, []).append(member_id)
        return {
            task_id: Task(task_id, content, deadline, bool(done), completed_at, records.get(task_id, []),
                          assignees.get(task_id, []), created_at, created_by)
            for task_id, content, deadline, done, completed_at, created_at, created_by
            in self._conn.execute(f"SELECT {_TASK_COLUMNS} FROM tasks{where.format('id')}", params)
        }

    def all(self) -> list[Task]:
        return self._with_links(
            self._conn.execute(
                f"SELECT {_TASK_COLUMNS} FROM tasks ORDER BY done, deadline IS NULL, deadline, created_at DESC"
            ).fetchall()
        )

    def by_id(self) -> dict[str, Task]:
        """Every cached task by id, links and assignees in id order as ``get`` gives them (a pull
        compares what the server sends with it): three queries in all."""
        return self._assembled("", ())

    def put_if_changed(self, task: Task, held: Task | None) -> bool:
        """Write ``task`` unless the cache, holding ``held`` (None: nothing), would keep the same
        after writing it; True when written."""
        if held is not None and as_stored(task, held) == held:
            return False
        self.put(task)
        return True

    def for_record(self, record_id: str) -> list[Task]:
        return self._with_links(
            self._conn.execute(
                f"SELECT {_TASK_COLUMNS} FROM tasks WHERE id IN"
                " (SELECT task_id FROM task_records WHERE record_id = ?) ORDER BY created_at DESC",
                (record_id,),
            ).fetchall()
        )

    def ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM tasks")}

    def delete(self, task_id: str) -> bool:
        row = self._conn.execute("SELECT rowid FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            return False
        self._search.delete(row[0] + TASK_ROWID_OFFSET)
        self._conn.execute("DELETE FROM task_records WHERE task_id = ?", (task_id,))
        self._conn.execute("DELETE FROM task_assignees WHERE task_id = ?", (task_id,))
        self._conn.execute("DELETE FROM tasks WHERE rowid = ?", (row[0],))
        self._changes.flag("tasks")
        return True

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        renamed = self._conn.execute("UPDATE tasks SET id = ? WHERE id = ?", (new_id, old_id)).rowcount
        self._conn.execute("UPDATE task_records SET task_id = ? WHERE task_id = ?", (new_id, old_id))
        self._conn.execute("UPDATE task_assignees SET task_id = ? WHERE task_id = ?", (new_id, old_id))
        renamed += self._conn.execute(
            "UPDATE OR IGNORE task_records SET record_id = ? WHERE record_id = ?", (new_id, old_id)).rowcount
        if renamed:  # told only when a task changed (called for every kind of id)
            self._changes.flag("tasks")


def as_stored(task: Task, held: Task) -> Task:
    """``task`` as ``TaskRepo.put`` would leave it when writing it over ``held``: links and
    assignees once each, in id order (the store keeps them so; a server may send its own order),
    and the author, the creation time and a done task's completion time kept where the server
    sends none."""
    completed_at = task.completed_at or (held.completed_at if task.done and held.done else None)
    return replace(task, record_ids=sorted(set(task.record_ids)), assignee_ids=sorted(set(task.assignee_ids)),
                   created_at=task.created_at or held.created_at, created_by=task.created_by or held.created_by,
                   completed_at=completed_at if task.done else None)


class TimelineRepo:
    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    def put_many(self, events: Iterable[TimelineEvent]) -> None:
        events = list(events)
        self._conn.executemany(
            "INSERT OR REPLACE INTO timeline_events (record_id, id, kind, title, description, occurred_at,"
            " actor_id, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.record_id, e.id, e.kind, e.title, e.description, e.occurred_at, e.actor_id,
              json.dumps(e.metadata)) for e in events],
        )
        # The record page shows its record's timeline: tell it which records got events.
        self._changes.timeline({e.record_id for e in events})

    def replace_for_record(self, record_id: str, events: Iterable[TimelineEvent], *, complete: bool) -> None:
        """The server's newest events of ``record_id`` as it has them now. Cached events newer
        than the oldest of them that the server no longer has (a deleted comment) go — all of
        them when ``complete`` (no older page exists). An event as old as the oldest one here
        stays: the next page may hold it (times tie). Events made here and not sent yet stay."""
        events = list(events)
        if not complete and not events:
            return  # a page of nothing that says more follow covers no span: nothing is known gone
        oldest = None if complete else min(e.occurred_at for e in events)
        removed = self._conn.execute(
            "DELETE FROM timeline_events WHERE record_id = ? AND (? IS NULL OR occurred_at > ?)"
            " AND substr(id, 1, ?) != ?",
            (record_id, oldest, oldest, len(LOCAL_ID_PREFIX), LOCAL_ID_PREFIX)).rowcount
        self.put_many(events)
        if removed and not events:
            self._changes.timeline({record_id})  # ``put_many`` tells when it puts something

    def delete(self, event_id: str) -> None:
        records = {row[0] for row in self._conn.execute(
            "DELETE FROM timeline_events WHERE id = ? RETURNING record_id", (event_id,))}
        if records:
            self._changes.timeline(records)

    def for_record(self, record_id: str, limit: int = 100, before: str | None = None) -> list[TimelineEvent]:
        rows = self._conn.execute(
            "SELECT id, record_id, kind, title, occurred_at, description, actor_id, metadata_json"
            " FROM timeline_events WHERE record_id = ? AND (? IS NULL OR occurred_at < ?)"
            " ORDER BY occurred_at DESC LIMIT ?",
            (record_id, before, before, limit),
        )
        return [TimelineEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        self._conn.execute("UPDATE timeline_events SET record_id = ? WHERE record_id = ?", (new_id, old_id))


class NotificationRepo:
    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    def replace_all(self, notifications: Iterable[Notification]) -> None:
        self._conn.execute("DELETE FROM notifications")
        self._conn.executemany(
            "INSERT INTO notifications (id, title, body, record_id, read, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(n.id, n.title, n.body, n.record_id, int(n.read), n.created_at) for n in notifications],
        )
        self._changes.flag("notifications")

    def all(self) -> list[Notification]:
        rows = self._conn.execute(
            "SELECT id, title, created_at, body, record_id, read FROM notifications ORDER BY created_at DESC"
        )
        return [Notification(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def unread_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM notifications WHERE read = 0").fetchone()[0])

    def mark_read(self, notification_id: str) -> bool:
        """True when it was unread (and now is read)."""
        cursor = self._conn.execute("UPDATE notifications SET read = 1 WHERE id = ? AND read = 0", (notification_id,))
        if cursor.rowcount > 0:
            self._changes.flag("notifications")
        return cursor.rowcount > 0
