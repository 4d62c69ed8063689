"""Tasks: list (``sort``, filters), create, get, PATCH (deadline, completion, links, assignees), delete.

A task's text cannot change after it is made (Attio's PATCH takes no ``content``): sending it
is a 400, so a client learns it rather than losing the edit. Linked records are answered with
their object's id (``target_object_id``), assignees as workspace members.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.sandbox.attio.errors import ApiError, invalid, not_found
from crmdesk.sandbox.attio.http import Ctx, bool_param, int_param
from crmdesk.sandbox.attio.render import attio_time
from crmdesk.sandbox.attio.schema_api import object_row
from crmdesk.sandbox.attio.values_in import ValueReader
from crmdesk.sandbox.attio.writes import match_records
from crmdesk.sandbox.core import Unprocessable
from crmdesk.sandbox.core.collab import deadline_of

TASKS_CAP = 500
CONTENT_CAP = 2000
_SORTS = {"created_at:asc": "t.created_at, t.seq", "created_at:desc": "t.created_at DESC, t.seq DESC"}


def tasks_json(ctx: Ctx, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    links = {row["id"]: ctx.core.tasks.links(row["id"]) for row in rows}
    refs = ctx.core.records.refs_of(r for records, _users in links.values() for r in records)
    out = []
    for row in rows:
        record_ids, user_ids = links[row["id"]]
        out.append({
            "id": {"workspace_id": ctx.names.workspace_id, "task_id": row["id"]},
            "content_plaintext": row["content"], "deadline_at": attio_time(row["deadline"]),
            "is_completed": bool(row["is_completed"]),
            "linked_records": [{"target_object_id": ctx.names.object_id(refs[r].object_slug), "target_record_id": r}
                               for r in record_ids if r in refs],
            "assignees": [{"referenced_actor_type": "workspace-member", "referenced_actor_id": member}
                          for u in user_ids if (member := ctx.names.member_id(u)) is not None],
            "created_by_actor": ctx.names.actor(row["created_by"]), "created_at": attio_time(row["created_at"]),
        })
    return out


def _task(ctx: Ctx) -> sqlite3.Row:
    row = ctx.core.db.one("SELECT * FROM tasks WHERE id = ?", (ctx.path["task_id"],))
    if row is None:
        raise not_found(f"Task with ID \"{ctx.path['task_id']}\" not found.")
    return row


def list_tasks(ctx: Ctx) -> Any:
    where: list[str] = []
    params: list[Any] = []
    if ctx.query.get("linked_record_id"):
        where.append("t.id IN (SELECT task_id FROM task_records WHERE record_id = ?)")
        params.append(ctx.query["linked_record_id"])
    if ctx.query.get("linked_object"):
        where.append("t.id IN (SELECT tr.task_id FROM task_records tr JOIN records r ON r.id = tr.record_id "
                     "WHERE r.object_id = ?)")
        params.append(object_row(ctx, ctx.query["linked_object"])["id"])
    if "assignee" in ctx.query:
        wanted = ctx.query["assignee"]
        if wanted in ("", "null"):
            where.append("t.id NOT IN (SELECT task_id FROM task_assignees)")
        else:
            where.append("t.id IN (SELECT task_id FROM task_assignees WHERE user_id = ?)")
            params.append(ctx.names.user_id(wanted) or "")
    done = bool_param(ctx, "is_completed")
    if done is not None:
        where.append("t.is_completed = ?")
        params.append(int(done))
    order = _SORTS.get(ctx.query.get("sort") or "created_at:asc")
    if order is None:
        raise invalid("sort is created_at:asc or created_at:desc")
    clause = ("WHERE " + " AND ".join(where) + " ") if where else ""
    limit, offset = int_param(ctx, "limit", TASKS_CAP, TASKS_CAP), int_param(ctx, "offset", 0)
    rows = ctx.core.db.all(f"SELECT t.* FROM tasks t {clause}ORDER BY {order} LIMIT ? OFFSET ?",
                           (*params, limit, offset))
    return {"data": tasks_json(ctx, rows)}


def _links(ctx: Ctx, raw: Any) -> list[str] | None:
    """Linked records (``{target_object, target_record_id}`` or a matching attribute's values) → record ids."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise invalid("linked_records must be a list")
    reader = ValueReader(ctx.names, lambda target, name, values: match_records(ctx, target, name, values))
    out = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("target_object"), str):
            raise invalid("Each linked record needs target_object")
        obj = ctx.core.schema.object_def(str(object_row(ctx, item["target_object"])["slug"]))
        # Read as a record-reference value to that object is: by id, or by a matching attribute.
        reference = AttributeDef(slug="linked_records", title="Linked records", type=AttributeType.RECORD_REFERENCE,
                                 config={"target_object": obj.slug})
        try:
            out.append(reader.record_id(reference, item))
        except ApiError as failure:  # a task's 400 is for malformed input: a missing record is a 404
            if failure.code != "value_not_found":
                raise
            raise not_found(failure.message) from None
    return out


def _assignees(ctx: Ctx, raw: Any) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise invalid("assignees must be a list")
    out = []
    for item in raw:
        wanted = (item.get("referenced_actor_id") or item.get("workspace_member_email_address")
                  if isinstance(item, dict) else item)
        user = ctx.names.user_id(wanted)
        if user is None:
            raise not_found(f"Workspace member \"{wanted}\" not found.")
        out.append(user)
    return out


def create_task(ctx: Ctx) -> Any:
    data = ctx.data()
    content = data.get("content")
    if not isinstance(content, str) or not content.strip() or len(content) > CONTENT_CAP:
        raise invalid(f"content must be text of 1 to {CONTENT_CAP} characters")
    if data.get("format", "plaintext") != "plaintext":
        raise invalid("format must be plaintext")
    row = ctx.core.tasks.create(content, _deadline(data.get("deadline_at")), _links(ctx, data.get("linked_records"))
                                or [], _assignees(ctx, data.get("assignees")) or [], ctx.user_id)
    if data.get("is_completed"):
        row = ctx.core.tasks.update(row["id"], {"is_completed": True})
    return {"data": tasks_json(ctx, [row])[0]}


def _deadline(value: Any) -> str | None:
    try:
        return deadline_of(value)
    except Unprocessable:
        raise invalid("deadline_at must be an ISO 8601 timestamp or null") from None


def get_task(ctx: Ctx) -> Any:
    return {"data": tasks_json(ctx, [_task(ctx)])[0]}


def update_task(ctx: Ctx) -> Any:
    row = _task(ctx)
    data = ctx.data()
    if "content" in data or "format" in data:
        raise invalid("A task's content cannot be changed after it is created")
    fields: dict[str, Any] = {"is_completed": data.get("is_completed"),
                              "record_ids": _links(ctx, data.get("linked_records")),
                              "assignee_ids": _assignees(ctx, data.get("assignees"))}
    if "deadline_at" in data:
        fields["deadline"] = _deadline(data["deadline_at"])
    return {"data": tasks_json(ctx, [ctx.core.tasks.update(row["id"], fields)])[0]}


def delete_task(ctx: Ctx) -> Any:
    ctx.core.tasks.delete(_task(ctx)["id"])
    return {}
