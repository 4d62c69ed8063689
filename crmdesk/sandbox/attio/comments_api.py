"""Comment threads on records and entries: ``GET /v2/threads``, ``/v2/threads/{id}``, ``POST /v2/comments``,
``GET|DELETE /v2/comments/{id}`` (the core has no comments: ``attio_threads``/``attio_comments``).

A comment starts a thread (``record`` or ``entry``) or answers one (``thread_id``). Deleting
the comment that started a thread deletes the thread, as Attio does; a thread is never
answered empty. The author must be a workspace member. A comment on an entry belongs to the
entry's record too (Attio's ``record`` is required).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.sandbox.attio.errors import ApiError, invalid, not_found
from crmdesk.sandbox.attio.http import Ctx, int_param
from crmdesk.sandbox.attio.render import attio_time
from crmdesk.sandbox.attio.schema_api import list_row, object_row
from crmdesk.sandbox.clock import new_id

#: ``GET /v2/threads``: "The default is 10 and the maximum is 50" (the spec).
THREADS_CAP = 50
THREADS_DEFAULT = 10


def value_not_found(message: str) -> ApiError:
    # The spec documents this operation's 400 body with ``statusCode``: both spellings go out.
    return ApiError(400, "value_not_found", message, extra={"statusCode": 400})


def comment_json(ctx: Ctx, row: sqlite3.Row, thread: sqlite3.Row) -> dict[str, Any]:
    object_id = ctx.core.db.scalar("SELECT object_id FROM records WHERE id = ?", (thread["record_id"],))
    entry = {"entry_id": thread["entry_id"], "list_id": thread["list_id"]} if thread["entry_id"] else None
    return {"id": {"workspace_id": ctx.names.workspace_id, "comment_id": row["id"]}, "thread_id": row["thread_id"],
            "content_plaintext": row["content"], "entry": entry,
            "record": {"record_id": thread["record_id"], "object_id": object_id}, "resolved_at": None,
            "resolved_by": {}, "created_at": attio_time(row["created_at"]),
            "author": {"type": "workspace-member", "id": row["author_id"]}}


def thread_json(ctx: Ctx, thread: sqlite3.Row) -> dict[str, Any]:
    rows = ctx.core.db.all("SELECT * FROM attio_comments WHERE thread_id = ? ORDER BY created_at, seq", (thread["id"],))
    return {"id": {"workspace_id": ctx.names.workspace_id, "thread_id": thread["id"]},
            "comments": [comment_json(ctx, r, thread) for r in rows], "created_at": attio_time(thread["created_at"])}


def _thread(ctx: Ctx, thread_id: str) -> sqlite3.Row:
    row = ctx.core.db.one("SELECT * FROM attio_threads WHERE id = ?", (thread_id,))
    if row is None:
        raise not_found(f"Thread with ID \"{thread_id}\" not found.")
    return row


def list_threads(ctx: Ctx) -> Any:
    if ctx.query.get("record_id"):
        if ctx.query.get("object"):
            object_row(ctx, ctx.query["object"])
        where, params = "record_id = ? AND entry_id IS NULL", (ctx.query["record_id"],)
    elif ctx.query.get("entry_id"):
        if ctx.query.get("list"):
            list_row(ctx, ctx.query["list"])
        where, params = "entry_id = ?", (ctx.query["entry_id"],)
    else:
        raise invalid("Name a record (object and record_id) or an entry (list and entry_id)")
    limit, offset = int_param(ctx, "limit", THREADS_DEFAULT, THREADS_CAP), int_param(ctx, "offset", 0)
    rows = ctx.core.db.all(f"SELECT * FROM attio_threads WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
                           (*params, limit, offset))
    return {"data": [thread_json(ctx, r) for r in rows]}


def get_thread(ctx: Ctx) -> Any:
    return {"data": thread_json(ctx, _thread(ctx, ctx.path["thread_id"]))}


def _new_thread(ctx: Ctx, data: dict[str, Any], at: str) -> str:
    record = data.get("record") if isinstance(data.get("record"), dict) else None
    entry = data.get("entry") if isinstance(data.get("entry"), dict) else None
    if record is not None:
        obj = object_row(ctx, str(record.get("object") or ""))
        found = ctx.core.records.find(str(record.get("record_id")))
        if found is None or found.object_slug != obj["slug"]:
            raise not_found(f"Record with ID \"{record.get('record_id')}\" not found.")
        record_id, entry_id, list_id = found.id, None, None
    elif entry is not None:
        listed = list_row(ctx, str(entry.get("list") or ""))
        row = ctx.core.db.one("SELECT * FROM entries WHERE id = ? AND list_id = ?",
                              (str(entry.get("entry_id")), listed["id"]))
        if row is None:
            raise not_found(f"Entry with ID \"{entry.get('entry_id')}\" not found.")
        record_id, entry_id, list_id = row["record_id"], row["id"], listed["id"]
    else:
        raise invalid("A comment needs a thread_id, a record or an entry")
    thread_id = new_id()
    with ctx.core.db.transaction() as conn:
        conn.execute("INSERT INTO attio_threads VALUES (?, ?, ?, ?, ?)", (thread_id, record_id, entry_id, list_id, at))
    return thread_id


def create_comment(ctx: Ctx) -> Any:
    data = ctx.data()
    content = data.get("content")
    if data.get("format", "plaintext") != "plaintext" or not isinstance(content, str) or not content.strip():
        raise invalid("A comment needs plaintext content")
    author: dict[str, Any] = data["author"] if isinstance(data.get("author"), dict) else {}
    if author.get("type") != "workspace-member" or ctx.names.members_by_id.get(str(author.get("id"))) is None:
        raise value_not_found(f"Workspace member \"{author.get('id')}\" not found.")
    at = ctx.core.clock.now()
    if data.get("created_at") is not None:
        try:
            at = parse_timestamp(data["created_at"])[:23] + "000Z"
        except ValueError:
            raise invalid("created_at must be an ISO 8601 timestamp") from None
    thread_id = data.get("thread_id")
    if thread_id is not None:
        _thread(ctx, str(thread_id))
    else:
        thread_id = _new_thread(ctx, data, at)
    comment_id = new_id()
    with ctx.core.db.transaction() as conn:
        conn.execute("INSERT INTO attio_comments (id, thread_id, content, author_id, created_at) "
                     "VALUES (?, ?, ?, ?, ?)", (comment_id, thread_id, content, str(author["id"]), at))
    return get_comment_by_id(ctx, comment_id)


def get_comment_by_id(ctx: Ctx, comment_id: str) -> Any:
    row = ctx.core.db.one("SELECT * FROM attio_comments WHERE id = ?", (comment_id,))
    if row is None:
        raise not_found(f"Comment with ID \"{comment_id}\" not found.")
    return {"data": comment_json(ctx, row, _thread(ctx, row["thread_id"]))}


def get_comment(ctx: Ctx) -> Any:
    return get_comment_by_id(ctx, ctx.path["comment_id"])


def delete_comment(ctx: Ctx) -> Any:
    comment_id = ctx.path["comment_id"]
    row = ctx.core.db.one("SELECT * FROM attio_comments WHERE id = ?", (comment_id,))
    if row is None:
        raise not_found(f"Comment with ID \"{comment_id}\" not found.")
    first = ctx.core.db.scalar("SELECT id FROM attio_comments WHERE thread_id = ? ORDER BY created_at, seq LIMIT 1",
                               (row["thread_id"],))
    with ctx.core.db.transaction() as conn:
        if first == comment_id:  # the head of a thread: the thread goes, with every answer
            conn.execute("DELETE FROM attio_comments WHERE thread_id = ?", (row["thread_id"],))
            conn.execute("DELETE FROM attio_threads WHERE id = ?", (row["thread_id"],))
        else:
            conn.execute("DELETE FROM attio_comments WHERE id = ?", (comment_id,))
    return {}
