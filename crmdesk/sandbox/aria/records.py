"""Records: offset and cursor paging, CRUD, and what hangs off one record."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from crmdesk.model import Record
from crmdesk.sandbox.aria.http import ApiError, Ctx, EmptyServerError, paging
from crmdesk.sandbox.aria.notes_tasks import note_json, tasks_json
from crmdesk.sandbox.aria.render import one_record_json, records_json
from crmdesk.sandbox.aria.values import as_sent, coerce_values
from crmdesk.sandbox.clock import iso
from crmdesk.sandbox.core.collab import timeline

CURSOR_CAP = 200


def encode_cursor(record: Record) -> str:
    # The real cursor is base64 JSON {createdAt, id}. We keep microseconds in createdAt so
    # records made within one millisecond cannot stall a walk (see docs/sandbox.md).
    raw = json.dumps({"createdAt": record.created_at, "id": record.id}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> str | None:
    if not cursor:
        return None
    try:
        data = json.loads(base64.b64decode(cursor + "=" * (-len(cursor) % 4)))
        created = data["createdAt"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise EmptyServerError() from None
    if not isinstance(created, str):
        raise EmptyServerError()
    if len(created) == 24:  # a millisecond cursor (from the real server's format)
        created = created[:23] + "000Z"
    return created


def cursor_page(ctx: Ctx, slug: str, cursor: str, limit: int | None) -> dict[str, Any]:
    size = CURSOR_CAP if limit is None else max(1, min(limit, CURSOR_CAP))
    rows = ctx.core.records.after(slug, decode_cursor(cursor), size + 1)
    page, more = rows[:size], len(rows) > size
    obj = ctx.core.schema.object_def(slug)
    return {"records": records_json(ctx.core, obj, page),
            "pagination": {"nextCursor": encode_cursor(page[-1]) if more else None, "hasMore": more}}


def list_records(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    limit, offset, echo = paging(ctx.query)
    if "cursor" in ctx.query:
        return 200, cursor_page(ctx, slug, ctx.query["cursor"], limit)
    records = ctx.core.records.page(slug, limit, offset)
    total = ctx.core.records.count(slug)
    return 200, {"records": records_json(ctx.core, obj, records),
                 "pagination": {"limit": echo, "offset": offset, "total": total}}


def _values(ctx: Ctx) -> dict[str, Any]:
    body = ctx.body
    values = body.get("values") if isinstance(body, dict) else None
    if not isinstance(values, dict):
        raise ApiError(400, "BAD_REQUEST", "values object is required")
    if ctx.settings.choke_on.intersection(values):
        raise EmptyServerError()  # what the real server answers to a value it cannot store
    return values


def create_record(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    raw = _values(ctx)
    values = coerce_values(ctx.core, obj, raw)
    record = ctx.core.records.create(slug, values, ctx.user_id, sent=as_sent(obj, raw, values))
    return 201, one_record_json(ctx.core, obj, record)


def get_record(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    record = ctx.core.records.get(slug, ctx.path_params["record_id"])
    return 200, {**one_record_json(ctx.core, obj, record), "isJoint": False}


def update_record(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    ctx.core.records.get(slug, ctx.path_params["record_id"])
    raw = _values(ctx)
    values = coerce_values(ctx.core, obj, raw)
    record = ctx.core.records.update(slug, ctx.path_params["record_id"], values, sent=as_sent(obj, raw, values))
    return 200, one_record_json(ctx.core, obj, record)


def delete_record(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.records.delete(ctx.path_params["slug"], ctx.path_params["record_id"])
    return 200, {"id": ctx.path_params["record_id"], "deleted": True}


def related(ctx: Ctx) -> tuple[int, Any]:
    record = ctx.core.records.get(ctx.path_params["slug"], ctx.path_params["record_id"])
    inverse = ctx.core.records.referencing(record.id)
    forward = ctx.core.records.referenced_by(record.id)
    refs = ctx.core.records.refs_of(inverse + forward)
    names = {row["slug"]: row["singular_name"] for row in ctx.core.schema.objects()}

    def item(record_id: str) -> dict[str, Any]:
        ref = refs[record_id]
        return {"recordId": ref.id, "objectSlug": ref.object_slug, "objectName": names.get(ref.object_slug),
                "displayName": ref.title, "createdAt": iso(ref.created_at)}

    return 200, {"related": [item(i) for i in inverse if i in refs],
                 "forward": [item(i) for i in forward if i in refs]}


def activity(ctx: Ctx) -> tuple[int, Any]:
    record = ctx.core.records.get(ctx.path_params["slug"], ctx.path_params["record_id"])
    out = []
    for event in timeline(ctx.core.db, record.id, with_creation=True):
        item: dict[str, Any] = {"id": f"{event.kind}-{event.id}", "type": event.kind, "title": event.title}
        if event.kind == "note":
            item["description"] = "Note added"
        elif event.kind == "task":
            deadline = event.metadata.get("deadline")
            item["description"] = (f"Due {int(deadline[5:7])}/{int(deadline[8:10])}/{deadline[:4]}"
                                   if deadline else "Task created")
        item.update(createdAt=iso(event.occurred_at), createdBy=event.created_by)
        out.append(item)
    return 200, out


def record_tasks(ctx: Ctx) -> tuple[int, Any]:
    record = ctx.core.records.get(ctx.path_params["slug"], ctx.path_params["record_id"])
    rows, _total = ctx.core.tasks.page(True, None, 0, record_id=record.id)
    return 200, tasks_json(ctx.core, rows)


def record_notes(ctx: Ctx) -> tuple[int, Any]:
    record = ctx.core.records.get(ctx.path_params["slug"], ctx.path_params["record_id"])
    rows, _total = ctx.core.notes.page(None, 0, record_id=record.id)
    return 200, [note_json(r) for r in rows]


def create_record_note(ctx: Ctx) -> tuple[int, Any]:
    record = ctx.core.records.get(ctx.path_params["slug"], ctx.path_params["record_id"])
    body = ctx.body_object()
    row = ctx.core.notes.create(record.id, body.get("title"), body.get("content"), ctx.user_id)
    return 201, note_json(row, with_record=False)
