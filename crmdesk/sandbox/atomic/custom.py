"""Object configurations (``/api/object-config``) and custom objects at ``/api/:slug``.

A custom object answers as the real server's raw SQL rows do (README 6, recordings
169–177): snake_case keys, string ids, PostgreSQL time text. ``name`` is a column; every
other key of a write — ``custom_fields`` itself included — is kept in ``custom_fields``
(an update merges into it). Lists honour ``range`` and ``sort``/``order`` and ignore
``filter``/``filters``; without a sort the newest come first.
"""

from __future__ import annotations

import json
import re
import sqlite3
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from crmdesk.sandbox.atomic.http import BadJson, Ctx, admin_json, error, json_response
from crmdesk.sandbox.atomic.query import content_range, order_sql, requested_sorts
from crmdesk.sandbox.atomic.render import custom_json, jsonb
from crmdesk.sandbox.atomic.values import JsDate, coerce_dates, js_type, parse_int
from crmdesk.sandbox.clock import iso

if TYPE_CHECKING:
    from crmdesk.sandbox.atomic.app import Atomic

#: Sortable columns of a custom object's table (wire name → SQL).
_SORTABLE = MappingProxyType({"id": "t.id", "name": "t.name", "crm_user_id": "t.crm_user_id",
                              "crmUserId": "t.crm_user_id", "created_at": "t.created_at",
                              "createdAt": "t.created_at", "updated_at": "t.updated_at", "updatedAt": "t.updated_at"})
_COLUMNS = "t.object_id, t.id, t.name, t.crm_user_id, t.custom_fields, t.created_at, t.updated_at"


def slug_of(plural: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", plural.lower()).strip("_")


def config_json(app: Atomic, row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "slug": row["slug"], "singularName": row["singular_name"],
            "pluralName": row["plural_name"], "icon": row["icon"], "iconColor": row["icon_color"],
            "tableName": row["table_name"], "type": row["type"], "isActive": bool(row["is_active"]),
            "position": row["position"], "settings": jsonb(json.loads(row["settings"])),
            "organizationId": app.organization_id}


# -- object-config ------------------------------------------------------------------------------------


def list_configs(app: Atomic, ctx: Ctx) -> Response:
    rows = app.store.db.all("SELECT * FROM atomic_object_configs ORDER BY position, id")
    return json_response(200, [config_json(app, r) for r in rows])


def create_config(app: Atomic, ctx: Ctx) -> Response:
    body = admin_json(ctx)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return error(400, "Invalid request")
    singular, plural = body.get("singularName"), body.get("pluralName")
    if not (isinstance(singular, str) and singular.strip() and isinstance(plural, str) and plural.strip()):
        return error(400, "singularName and pluralName are required")
    slug = slug_of(body["slug"] if isinstance(body.get("slug"), str) else plural)
    if not slug or slug in app.resources or slug in app.summaries or slug in app.reserved:
        return error(400, "Invalid slug")
    db = app.store.db
    if db.one("SELECT 1 FROM atomic_object_configs WHERE slug = ?", (slug,)):
        return error(409, "An object with this slug already exists")
    fields = body.get("fields") if isinstance(body.get("fields"), list) else []
    with db.transaction() as conn:
        position = conn.execute("SELECT COUNT(*) FROM atomic_object_configs").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO atomic_object_configs (slug, singular_name, plural_name, icon, icon_color, table_name, "
            "type, is_active, position, settings, fields) VALUES (?, ?, ?, ?, ?, ?, 'standard', 1, ?, '{}', ?)",
            (slug, singular.strip(), plural.strip(), str(body.get("icon") or "building"),
             str(body.get("iconColor") or "blue"), f"custom_{slug}", position, json.dumps(fields)))
        new_id = cursor.lastrowid
    row = db.one("SELECT * FROM atomic_object_configs WHERE id = ?", (new_id,))
    return json_response(201, config_json(app, row))  # type: ignore[arg-type]


# -- custom object records ------------------------------------------------------------------------------


def _unknown(write: bool) -> Response:
    return error(404, "Unknown resource", "NOT_FOUND" if write else None)


def _stored(value: Any) -> Any:
    """A date-looking string was made a date by the body pre-pass; JSON keeps it as ISO text."""
    if isinstance(value, JsDate):
        return iso(value.instant)
    return value


def _get(app: Atomic, object_id: int, row_id: int) -> sqlite3.Row | None:
    return app.store.db.one(f"SELECT {_COLUMNS} FROM atomic_custom_records t WHERE t.object_id = ? AND t.id = ?",
                            (object_id, row_id))


def _addressed(
    app: Atomic, name: str, raw_id: str, *, write: bool, code: str | None = None
) -> tuple[int, int] | Response:
    """(the custom object's id, the row's) a request names, or the real server's answer: 404 for an
    unknown object, 400 for an id that is not a number (with ``code`` for the verbs that send one)."""
    config = app.store.custom_object(name)
    if config is None:
        return _unknown(write)
    row_id = parse_int(raw_id)
    if row_id is None:
        return error(400, "Invalid request", code)
    return int(config["id"]), row_id


def list_rows(app: Atomic, ctx: Ctx, name: str, start: int, end: int) -> Response:
    config = app.store.custom_object(name)
    if config is None:
        return _unknown(False)
    terms = [(_SORTABLE[f], descending, f == "name", f == "name") for f, descending in requested_sorts(ctx.query)
             if f in _SORTABLE]
    terms.append(("t.id", not terms, False, False))  # newest first without a sort (recording 174)
    db = app.store.db
    total = int(db.scalar("SELECT COUNT(*) FROM atomic_custom_records WHERE object_id = ?", (config["id"],)))
    rows = db.all(f"SELECT {_COLUMNS} FROM atomic_custom_records t WHERE t.object_id = ?{order_sql(terms)} "
                  "LIMIT ? OFFSET ?", (config["id"], end - start + 1, start))
    return json_response(200, [custom_json(r, app.organization_id) for r in rows],
                         {"content-range": content_range(name, start, end, total)})


def get_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    target = _addressed(app, name, raw_id, write=False)
    if isinstance(target, Response):
        return target
    row = _get(app, *target)
    return error(404, "Not found") if row is None else json_response(200, custom_json(row, app.organization_id))


def _body(ctx: Ctx) -> dict[str, Any] | Response:
    try:
        body = ctx.json()
    except BadJson:
        return error(400, "Invalid JSON body", "VALIDATION_FAILED")
    if not isinstance(body, dict):
        return error(400, f"Invalid payload: Expected object, received {js_type(body)}", "VALIDATION_FAILED")
    return {k: _stored(v) for k, v in coerce_dates({k: v for k, v in body.items() if k != "id"}).items()}


def create_row(app: Atomic, ctx: Ctx, name: str) -> Response:
    config = app.store.custom_object(name)
    if config is None:
        return _unknown(True)
    body = _body(ctx)
    if isinstance(body, Response):
        return body
    if not body:
        return error(400, "No writable fields to create", "VALIDATION_FAILED")
    name_value = body.pop("name", None)
    now = app.store.clock.now()
    with app.store.db.transaction() as conn:
        conn.execute("UPDATE atomic_object_configs SET last_record_id = last_record_id + 1 WHERE id = ?",
                     (config["id"],))
        row_id = conn.execute("SELECT last_record_id FROM atomic_object_configs WHERE id = ?",
                              (config["id"],)).fetchone()[0]
        conn.execute("INSERT INTO atomic_custom_records (object_id, id, name, crm_user_id, custom_fields, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (config["id"], row_id, None if name_value is None else str(name_value), ctx.user_id,
                      json.dumps(body), now, now))
    row = _get(app, config["id"], row_id)
    return json_response(201, custom_json(row, app.organization_id))  # type: ignore[arg-type]


def update_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    target = _addressed(app, name, raw_id, write=True)
    if isinstance(target, Response):
        return target
    object_id, row_id = target
    body = _body(ctx)
    if isinstance(body, Response):
        return body
    row = _get(app, object_id, row_id)
    if row is None:
        return error(404, "Not found", "NOT_FOUND")
    name_value = body.pop("name", row["name"])
    merged = {**json.loads(row["custom_fields"]), **body}
    with app.store.db.transaction() as conn:
        conn.execute("UPDATE atomic_custom_records SET name = ?, custom_fields = ?, updated_at = ? "
                     "WHERE object_id = ? AND id = ?",
                     (None if name_value is None else str(name_value), json.dumps(merged), app.store.clock.now(),
                      object_id, row_id))
    return json_response(200, custom_json(_get(app, object_id, row_id), app.organization_id))  # type: ignore[arg-type]


def delete_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    target = _addressed(app, name, raw_id, write=False, code="INVALID_REQUEST")
    if isinstance(target, Response):
        return target
    object_id, row_id = target
    if not ctx.is_admin:
        return error(403, "Forbidden", "FORBIDDEN")
    row = _get(app, object_id, row_id)
    if row is None:
        return error(404, "Not found", "NOT_FOUND")
    with app.store.db.transaction() as conn:
        conn.execute("DELETE FROM atomic_custom_records WHERE object_id = ? AND id = ?", (object_id, row_id))
    return json_response(200, custom_json(row, app.organization_id))
