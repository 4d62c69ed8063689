"""Workspace, members, notifications, API keys, search, browse and the record timeline."""

from __future__ import annotations

import json
from typing import Any

from crmdesk.sandbox.aria.http import ApiError, Ctx, EmptyServerError, bounded_int, flag
from crmdesk.sandbox.aria.render import member_json, pg_time
from crmdesk.sandbox.clock import iso
from crmdesk.sandbox.core.collab import timeline as record_timeline


def get_workspace(ctx: Ctx) -> tuple[int, Any]:
    row = ctx.core.workspace.get()
    return 200, _workspace_json(row)


def _workspace_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "slug": row["slug"], "type": "company", "parentWorkspaceId": None,
            "settings": json.loads(row["settings"]), "createdAt": iso(row["created_at"]),
            "updatedAt": iso(row["updated_at"])}


def update_workspace(ctx: Ctx) -> tuple[int, Any]:
    return 200, _workspace_json(ctx.core.workspace.update(ctx.body_object()))


def list_members(ctx: Ctx) -> tuple[int, Any]:
    return 200, {"members": [member_json(m) for m in ctx.core.workspace.members()], "invites": []}


def add_member(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    row = ctx.core.workspace.add_member(body.get("email"), body.get("role") or "member", body.get("name"))
    return 201, member_json(row)


def update_member(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    return 200, member_json(ctx.core.workspace.set_role(ctx.path_params["member_id"], body.get("role")))


def remove_member(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.workspace.remove_member(ctx.path_params["member_id"])
    return 200, {"id": ctx.path_params["member_id"], "deleted": True}


# -- notifications ------------------------------------------------------------------------------------


def _notification_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "type": row["type"], "title": row["title"], "body": row["body"],
            "recordId": row["record_id"], "isRead": bool(row["is_read"]), "createdAt": iso(row["created_at"])}


def list_notifications(ctx: Ctx) -> tuple[int, Any]:
    rows, unread = ctx.core.notifications.page(ctx.user_id, flag(ctx.query, "unreadOnly"),
                                               bounded_int(ctx.query, "limit", 30, 1, 100))
    return 200, {"notifications": [_notification_json(r) for r in rows], "unreadCount": unread}


def mark_read(ctx: Ctx) -> tuple[int, Any]:
    return 200, _notification_json(ctx.core.notifications.mark_read(ctx.user_id, ctx.path_params["notification_id"]))


def mark_all_read(ctx: Ctx) -> tuple[int, Any]:
    return 200, {"updated": ctx.core.notifications.mark_all_read(ctx.user_id)}


# -- API keys (admin) ------------------------------------------------------------------------------------


def _key_json(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "keyPrefix": row["token"][:10], "name": row["name"], "scopes": [],
            "expiresAt": None, "lastUsedAt": None, "createdAt": iso(row["created_at"])}


def list_keys(ctx: Ctx) -> tuple[int, Any]:
    return 200, [_key_json(r) for r in ctx.core.workspace.tokens()]


def create_key(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "BAD_REQUEST", "name is required")
    token_id, token = ctx.core.workspace.issue_token(ctx.user_id, name.strip())
    row = next(r for r in ctx.core.workspace.tokens() if r["id"] == token_id)
    return 201, {**_key_json(row), "key": token}


def revoke_key(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.workspace.revoke_token(ctx.path_params["key_id"])
    return 200, {"id": ctx.path_params["key_id"], "deleted": True}


# -- search, browse, timeline -------------------------------------------------------------------------------


def search(ctx: Ctx) -> tuple[int, Any]:
    text = ctx.query.get("q", "").strip()
    if not text:
        return 200, []
    rows = ctx.core.records.search(text, bounded_int(ctx.query, "limit", 20, 1, 50))
    return 200, [{"type": "record", "id": r["id"], "title": r["title"], "subtitle": r["subtitle"] or r["singular_name"],
                  "objectSlug": r["slug"], "objectName": r["singular_name"], "objectIcon": r["icon"],
                  "url": f"/objects/{r['slug']}/{r['id']}"} for r in rows]


def browse(ctx: Ctx) -> tuple[int, Any]:
    rows = ctx.core.records.recent(bounded_int(ctx.query, "limit", 20, 1, 100))
    return 200, [{"recordId": r["id"], "displayName": r["title"], "subtitle": "", "objectSlug": r["slug"],
                  "objectName": r["singular_name"], "objectIcon": r["icon"]} for r in rows]


def timeline(ctx: Ctx) -> tuple[int, Any]:
    record_id = ctx.path_params["record_id"]
    if ctx.core.records.find(record_id) is None:
        raise ApiError(404, "NOT_FOUND", "Record not found")
    raw_limit = ctx.query.get("limit")
    limit = 50
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise EmptyServerError() from None
        if not 1 <= limit <= 100:
            raise ApiError(400, "BAD_REQUEST", "limit must be between 1 and 100")
    events = record_timeline(ctx.core.db, record_id, with_creation=False)
    cursor = ctx.query.get("cursor")
    if cursor:
        # Cursors are PostgreSQL text times; the core's are ISO with a T and a Z.
        bound = cursor.replace(" ", "T")[:26]
        events = [e for e in events if e.occurred_at[:26] < bound]
    page = events[:limit]
    out = [{"id": e.id, "type": e.kind, "title": e.title, "description": None, "occurredAt": pg_time(e.occurred_at),
            "metadata": {**e.metadata, "createdBy": e.created_by}} for e in page]
    for item, event in zip(out, page, strict=True):
        if event.kind == "task":
            meta = item["metadata"]
            meta["deadline"] = meta["deadline"][:19] if meta.get("deadline") else None
            meta["completedAt"] = pg_time(meta["completedAt"]) if meta.get("completedAt") else None
    next_cursor = pg_time(page[-1].occurred_at) if len(page) == limit and page else None
    return 200, {"events": out, "total": len(events), "nextCursor": next_cursor}
