"""Notes: list (at most 50 a page), create, get, delete — Attio notes have no update.

A note hangs off one record (``parent_object`` + ``parent_record_id``). Content is written as
plaintext or markdown and answered both ways (``notes_text.py``). A note may be backdated
with ``created_at``; ``meeting_id`` is not kept (always null), nor are tags.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.sandbox.attio.errors import invalid, not_found
from crmdesk.sandbox.attio.http import Ctx, int_param
from crmdesk.sandbox.attio.notes_text import markdown_of_plaintext, texts
from crmdesk.sandbox.attio.render import attio_time
from crmdesk.sandbox.attio.schema_api import object_row
from crmdesk.sandbox.core.collab import note_content

NOTES_CAP = 50
NOTES_DEFAULT = 10
_SELECT = ("SELECT n.*, o.slug AS object_slug FROM notes n JOIN records r ON r.id = n.record_id "
           "JOIN objects o ON o.id = r.object_id ")


def note_json(ctx: Ctx, row: sqlite3.Row) -> dict[str, Any]:
    markdown, plaintext = texts(note_content(row))
    return {"id": {"workspace_id": ctx.names.workspace_id, "note_id": row["id"]}, "parent_object": row["object_slug"],
            "parent_record_id": row["record_id"], "title": row["title"], "meeting_id": None,
            "content_plaintext": plaintext, "content_markdown": markdown, "tags": [],
            "created_by_actor": ctx.names.actor(row["created_by"]), "created_at": attio_time(row["created_at"])}


def _note(ctx: Ctx, note_id: str) -> sqlite3.Row:
    row = ctx.core.db.one(_SELECT + "WHERE n.id = ?", (note_id,))
    if row is None:
        raise not_found(f"Note with ID \"{note_id}\" not found.")
    return row


def parent_record(ctx: Ctx, parent_object: Any, record_id: Any) -> tuple[str, str]:
    """(object slug, record id) of an existing record, else 404."""
    obj = object_row(ctx, str(parent_object or ""))
    record = ctx.core.records.find(str(record_id)) if isinstance(record_id, str) else None
    if record is None or record.object_slug != obj["slug"]:
        raise not_found(f"Record with ID \"{record_id}\" not found in {obj['slug']}.")
    return str(obj["slug"]), record.id


def list_notes(ctx: Ctx) -> Any:
    where, params = [], []
    if ctx.query.get("parent_object"):
        where.append("o.slug = ?")
        params.append(str(object_row(ctx, ctx.query["parent_object"])["slug"]))
    if ctx.query.get("parent_record_id"):
        where.append("n.record_id = ?")
        params.append(ctx.query["parent_record_id"])
    clause = ("WHERE " + " AND ".join(where) + " ") if where else ""
    limit, offset = int_param(ctx, "limit", NOTES_DEFAULT, NOTES_CAP), int_param(ctx, "offset", 0)
    rows = ctx.core.db.all(_SELECT + clause + "ORDER BY n.created_at, n.seq LIMIT ? OFFSET ?", (*params, limit, offset))
    return {"data": [note_json(ctx, r) for r in rows]}


def create_note(ctx: Ctx) -> Any:
    data = ctx.data()
    _slug, record_id = parent_record(ctx, data.get("parent_object"), data.get("parent_record_id"))
    content, kind = data.get("content"), data.get("format", "plaintext")
    if not isinstance(content, str) or kind not in ("plaintext", "markdown"):
        raise invalid("A note needs content (a string) and a format: plaintext or markdown")
    title = data.get("title")
    if not isinstance(title, str):
        raise invalid("A note needs a title")
    markdown = content if kind == "markdown" else markdown_of_plaintext(content)
    row = ctx.core.notes.create(record_id, title, markdown, ctx.user_id)
    when = data.get("created_at")
    if when is not None:
        try:
            at = parse_timestamp(when)
        except ValueError:
            raise invalid("created_at must be an ISO 8601 timestamp") from None
        with ctx.core.db.transaction() as conn:
            conn.execute("UPDATE notes SET created_at = ?, updated_at = ? WHERE id = ?",
                         (at[:23] + "000Z", at[:23] + "000Z", row["id"]))
    return {"data": note_json(ctx, _note(ctx, row["id"]))}


def get_note(ctx: Ctx) -> Any:
    return {"data": note_json(ctx, _note(ctx, ctx.path["note_id"]))}


def delete_note(ctx: Ctx) -> Any:
    ctx.core.notes.delete(_note(ctx, ctx.path["note_id"])["id"])
    return {}
