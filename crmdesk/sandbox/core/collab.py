"""Notes, tasks, notifications, and the per-record activity they make up."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.sandbox.clock import Clock, new_id
from crmdesk.sandbox.core.db import Database, dumps
from crmdesk.sandbox.core.errors import BadRequest, NotFound, Unprocessable
from crmdesk.sandbox.core.records import RecordStore


@dataclass(frozen=True, slots=True)
class Event:
    """One item of a record's timeline: a note, a task, or the record's creation."""

    id: str
    kind: str
    title: str
    occurred_at: str
    created_by: str | None
    metadata: dict[str, Any]


def deadline_of(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return parse_timestamp(value)
    except ValueError as error:
        raise Unprocessable(str(error)) from None


class NoteStore:
    def __init__(self, db: Database, clock: Clock, records: RecordStore) -> None:
        self.db = db
        self.clock = clock
        self.records = records

    _SELECT = ("SELECT n.*, r.title AS record_title, o.slug AS object_slug, o.singular_name FROM notes n "
               "JOIN records r ON r.id = n.record_id JOIN objects o ON o.id = r.object_id ")

    def page(self, limit: int | None, offset: int, record_id: str | None = None) -> tuple[list[sqlite3.Row], int]:
        where, params = ("WHERE n.record_id = ? ", [record_id]) if record_id else ("", [])
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM notes n {where}", params))
        rows = self.db.all(self._SELECT + where + "ORDER BY n.created_at DESC, n.seq DESC LIMIT ? OFFSET ?",
                           (*params, -1 if limit is None else limit, offset))
        return rows, total

    def get(self, note_id: str) -> sqlite3.Row:
        row = self.db.one(self._SELECT + "WHERE n.id = ?", (note_id,))
        if row is None:
            raise NotFound("Note not found")
        return row

    def create(self, record_id: Any, title: Any, content: Any, created_by: str | None) -> sqlite3.Row:
        if not isinstance(record_id, str) or not record_id:
            raise BadRequest("recordId is required")
        if self.records.find(record_id) is None:
            raise Unprocessable("no such record")  # the real server's foreign key fails: 500
        note_id, now = new_id(), self.clock.now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (id, record_id, title, content, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (note_id, record_id, str(title or ""), dumps(content), created_by,
                 now, now),
            )
        return self.get(note_id)

    def update(self, note_id: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        self.get(note_id)
        changes: dict[str, Any] = {}
        if "title" in fields and fields["title"] is not None:
            changes["title"] = str(fields["title"])
        if "content" in fields:
            # Stored as sent, like the real server: a TipTap document, a string, or null.
            changes["content"] = dumps(fields["content"])
        changes["updated_at"] = self.clock.now()
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE notes SET {sets} WHERE id = ?", (*changes.values(), note_id))
        return self.get(note_id)

    def delete(self, note_id: str) -> None:
        self.get(note_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))


class TaskStore:
    def __init__(self, db: Database, clock: Clock, records: RecordStore) -> None:
        self.db = db
        self.clock = clock
        self.records = records

    def page(
        self, show_completed: bool, limit: int | None, offset: int, record_id: str | None = None
    ) -> tuple[list[sqlite3.Row], int]:
        where, params = [], []
        if not show_completed:
            where.append("t.is_completed = 0")
        if record_id:
            where.append("t.id IN (SELECT task_id FROM task_records WHERE record_id = ?)")
            params.append(record_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM tasks t {clause}", params))
        rows = self.db.all(
            f"SELECT t.* FROM tasks t {clause} ORDER BY t.deadline IS NULL, t.deadline, t.created_at, t.seq "
            "LIMIT ? OFFSET ?",
            (*params, -1 if limit is None else limit, offset),
        )
        return rows, total

    def get(self, task_id: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM tasks WHERE id = ?", (task_id,))
        if row is None:
            raise NotFound("Task not found")
        return row

    def links(self, task_id: str) -> tuple[list[str], list[str]]:
        records = self.db.all("SELECT record_id FROM task_records WHERE task_id = ? ORDER BY position", (task_id,))
        users = self.db.all("SELECT user_id FROM task_assignees WHERE task_id = ? ORDER BY position", (task_id,))
        return [r[0] for r in records], [u[0] for u in users]

    def create(
        self, content: Any, deadline: Any, record_ids: Sequence[str], assignee_ids: Sequence[str],
        created_by: str | None,
    ) -> sqlite3.Row:
        if not isinstance(content, str) or not content.strip():
            raise BadRequest("content is required")
        task_id, now = new_id(), self.clock.now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO tasks (id, content, deadline, is_completed, completed_at, created_by, created_at, "
                "updated_at) VALUES (?, ?, ?, 0, NULL, ?, ?, ?)",
                (task_id, content, deadline_of(deadline), created_by, now, now),
            )
            self._link(conn, task_id, record_ids, assignee_ids)
        return self.get(task_id)

    def _link(self, conn: sqlite3.Connection, task_id: str, record_ids: Sequence[str] | None,
              assignee_ids: Sequence[str] | None) -> None:
        if record_ids is not None:
            conn.execute("DELETE FROM task_records WHERE task_id = ?", (task_id,))
            conn.executemany("INSERT INTO task_records VALUES (?, ?, ?)",
                             [(task_id, r, i) for i, r in enumerate(dict.fromkeys(record_ids))])
        if assignee_ids is not None:
            conn.execute("DELETE FROM task_assignees WHERE task_id = ?", (task_id,))
            conn.executemany("INSERT INTO task_assignees VALUES (?, ?, ?)",
                             [(task_id, u, i) for i, u in enumerate(dict.fromkeys(assignee_ids))])

    def update(self, task_id: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        row = self.get(task_id)
        changes: dict[str, Any] = {}
        if isinstance(fields.get("content"), str):
            changes["content"] = fields["content"]
        if "deadline" in fields:
            changes["deadline"] = deadline_of(fields["deadline"])
        if "is_completed" in fields and fields["is_completed"] is not None:
            done = bool(fields["is_completed"])
            changes["is_completed"] = int(done)
            if done != bool(row["is_completed"]):
                changes["completed_at"] = self.clock.now() if done else None
        now = self.clock.now()
        changes["updated_at"] = now
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE tasks SET {sets} WHERE id = ?", (*changes.values(), task_id))
            self._link(conn, task_id, fields.get("record_ids"), fields.get("assignee_ids"))
        return self.get(task_id)

    def delete(self, task_id: str) -> None:
        self.get(task_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
            conn.execute("DELETE FROM task_records WHERE task_id = ?", (task_id,))
            conn.execute("DELETE FROM task_assignees WHERE task_id = ?", (task_id,))


class NotificationStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def page(self, user_id: str, unread_only: bool, limit: int) -> tuple[list[sqlite3.Row], int]:
        clause = " AND is_read = 0" if unread_only else ""
        rows = self.db.all(
            f"SELECT * FROM notifications WHERE user_id = ?{clause} ORDER BY created_at DESC, seq DESC LIMIT ?",
            (user_id, limit),
        )
        unread = int(self.db.scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND is_read = 0",
                                    (user_id,)))
        return rows, unread

    def add(self, user_id: str, kind: str, title: str, body: str = "", record_id: str | None = None,
            at: str | None = None) -> str:
        notification_id = new_id()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO notifications (id, user_id, type, title, body, record_id, is_read, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                (notification_id, user_id, kind, title, body, record_id, at or self.clock.now()),
            )
        return notification_id

    def mark_read(self, user_id: str, notification_id: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM notifications WHERE id = ? AND user_id = ?", (notification_id, user_id))
        if row is None:
            raise NotFound("Notification not found")
        with self.db.transaction() as conn:
            conn.execute("UPDATE notifications SET is_read = 1 WHERE id = ?", (notification_id,))
        return self.db.one("SELECT * FROM notifications WHERE id = ?", (notification_id,))  # type: ignore[return-value]

    def mark_all_read(self, user_id: str) -> int:
        with self.db.transaction() as conn:
            cursor = conn.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0",
                                  (user_id,))
            return cursor.rowcount


def timeline(db: Database, record_id: str, *, with_creation: bool) -> list[Event]:
    """Notes and tasks on a record (and its creation), newest first."""
    events: list[Event] = []
    for note in db.all("SELECT * FROM notes WHERE record_id = ?", (record_id,)):
        events.append(Event(note["id"], "note", note["title"], note["created_at"], note["created_by"], {}))
    for task in db.all(
        "SELECT t.* FROM tasks t JOIN task_records tr ON tr.task_id = t.id WHERE tr.record_id = ?", (record_id,)
    ):
        meta = {"deadline": task["deadline"], "completedAt": task["completed_at"],
                "isCompleted": bool(task["is_completed"])}
        events.append(Event(task["id"], "task", task["content"], task["created_at"], task["created_by"], meta))
    if with_creation:
        row = db.one("SELECT created_at, created_by FROM records WHERE id = ?", (record_id,))
        if row is not None:
            events.append(Event(record_id, "created", "Record created", row["created_at"], row["created_by"], {}))
    events.sort(key=lambda e: e.occurred_at, reverse=True)
    return events


def note_content(row: sqlite3.Row) -> Any:
    return json.loads(row["content"])
