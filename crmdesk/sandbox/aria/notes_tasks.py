"""Notes and tasks."""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.sandbox.aria.http import ApiError, Ctx, flag, paging
from crmdesk.sandbox.clock import iso
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.collab import note_content


def note_json(row: sqlite3.Row, *, with_record: bool = True) -> dict[str, Any]:
    out = {"id": row["id"], "recordId": row["record_id"], "title": row["title"], "content": note_content(row),
           "createdBy": row["created_by"], "createdAt": iso(row["created_at"]), "updatedAt": iso(row["updated_at"])}
    if with_record:
        out.update(recordDisplayName=row["record_title"], objectSlug=row["object_slug"],
                   objectName=row["singular_name"])
    return out


def tasks_json(core: Core, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    links = {row["id"]: core.tasks.links(row["id"]) for row in rows}
    refs = core.records.refs_of(r for records, _users in links.values() for r in records)
    members = {m["user_id"]: m for m in core.workspace.members()}
    out = []
    for row in rows:
        record_ids, user_ids = links[row["id"]]
        out.append({
            "id": row["id"], "content": row["content"], "deadline": row["deadline"],
            "isCompleted": bool(row["is_completed"]), "completedAt": iso(row["completed_at"]),
            "createdBy": row["created_by"], "createdAt": iso(row["created_at"]),
            "linkedRecords": [{"id": r, "displayName": refs[r].title, "objectSlug": refs[r].object_slug}
                              for r in record_ids if r in refs],
            "assignees": [{"id": u, "name": members[u]["name"], "email": members[u]["email"]}
                          for u in user_ids if u in members],
        })
    return out


# -- notes ------------------------------------------------------------------------------------------


def list_notes(ctx: Ctx) -> tuple[int, Any]:
    limit, offset, echo = paging(ctx.query)
    rows, total = ctx.core.notes.page(limit, offset)
    return 200, {"notes": [note_json(r) for r in rows], "pagination": {"limit": echo, "offset": offset,
                                                                       "total": total}}


def create_note(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    row = ctx.core.notes.create(body.get("recordId"), body.get("title"), body.get("content"), ctx.user_id)
    return 201, note_json(row, with_record=False)


def get_note(ctx: Ctx) -> tuple[int, Any]:
    return 200, note_json(ctx.core.notes.get(ctx.path_params["note_id"]))


def update_note(ctx: Ctx) -> tuple[int, Any]:
    row = ctx.core.notes.update(ctx.path_params["note_id"], ctx.body_object())
    return 200, note_json(row)


def delete_note(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.notes.delete(ctx.path_params["note_id"])
    return 200, {"id": ctx.path_params["note_id"], "deleted": True}


# -- tasks ------------------------------------------------------------------------------------------


def _ids(value: Any, name: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, "BAD_REQUEST", f"{name} must be an array of ids")
    return value


def list_tasks(ctx: Ctx) -> tuple[int, Any]:
    limit, offset, echo = paging(ctx.query)
    rows, total = ctx.core.tasks.page(flag(ctx.query, "showCompleted"), limit, offset)
    return 200, {"tasks": tasks_json(ctx.core, rows), "pagination": {"limit": echo, "offset": offset,
                                                                     "total": total}}


def create_task(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    row = ctx.core.tasks.create(body.get("content"), body.get("deadline"), _ids(body.get("recordIds"), "recordIds")
                                or [], _ids(body.get("assigneeIds"), "assigneeIds") or [], ctx.user_id)
    return 201, tasks_json(ctx.core, [row])[0]


def update_task(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    fields: dict[str, Any] = {"content": body.get("content"), "is_completed": body.get("isCompleted"),
                              "record_ids": _ids(body.get("recordIds"), "recordIds"),
                              "assignee_ids": _ids(body.get("assigneeIds"), "assigneeIds")}
    if "deadline" in body:
        fields["deadline"] = body["deadline"]
    row = ctx.core.tasks.update(ctx.path_params["task_id"], fields)
    return 200, tasks_json(ctx.core, [row])[0]


def delete_task(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.tasks.delete(ctx.path_params["task_id"])
    return 200, {"id": ctx.path_params["task_id"], "deleted": True}
