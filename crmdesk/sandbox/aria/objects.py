"""Objects, attributes and attribute options/statuses."""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.sandbox.aria.http import ApiError, Ctx
from crmdesk.sandbox.aria.options import OptionEndpoints
from crmdesk.sandbox.aria.render import attribute_json, config_from_wire, object_json


def _workspace_id(ctx: Ctx) -> str:
    return str(ctx.core.workspace.get()["id"])


def list_objects(ctx: Ctx) -> tuple[int, Any]:
    ws = _workspace_id(ctx)
    return 200, [object_json(row, ws) for row in ctx.core.schema.objects()]


def create_object(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    # The real server stores `icon || "box"`, so an object's icon is never null (the spec's `icon: string`).
    row = ctx.core.schema.create_object(str(body.get("slug") or ""), str(body.get("singularName") or ""),
                                        str(body.get("pluralName") or ""), body.get("icon") or "box")
    return 201, object_json(row, _workspace_id(ctx))


def get_object(ctx: Ctx) -> tuple[int, Any]:
    row = ctx.core.schema.object_row(ctx.path_params["slug"])
    out = object_json(row, _workspace_id(ctx))
    out["attributes"] = [attribute_json(ctx.core, a) for a in ctx.core.schema.attributes(object_id=row["id"])]
    return 200, out


def update_object(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    fields = {"singular_name": body.get("singularName"), "plural_name": body.get("pluralName"),
              "icon": body.get("icon"), "slug": body.get("slug")}
    row = ctx.core.schema.update_object(ctx.path_params["slug"], fields)
    return 200, object_json(row, _workspace_id(ctx))


def delete_object(ctx: Ctx) -> tuple[int, Any]:
    object_id = ctx.core.schema.delete_object(ctx.path_params["slug"])
    return 200, {"id": object_id, "deleted": True}


# -- attributes -------------------------------------------------------------------------------------


def list_attributes(ctx: Ctx) -> tuple[int, Any]:
    row = ctx.core.schema.object_row(ctx.path_params["slug"])
    return 200, [attribute_json(ctx.core, a) for a in ctx.core.schema.attributes(object_id=row["id"])]


def create_attribute(ctx: Ctx) -> tuple[int, Any]:
    obj = ctx.core.schema.object_row(ctx.path_params["slug"])
    body = ctx.body_object()
    options = body.get("statuses") if body.get("type") == "status" else body.get("options")
    row = ctx.core.schema.create_attribute(
        object_id=obj["id"], slug=str(body.get("slug") or ""), title=str(body.get("title") or ""),
        type=str(body.get("type") or ""), config=config_from_wire(body.get("config")),
        required=bool(body.get("isRequired")), unique=bool(body.get("isUnique")),
        multiselect=bool(body.get("isMultiselect")),
        options=[o for o in options if isinstance(o, dict)] if isinstance(options, list) else None,
    )
    return 201, attribute_json(ctx.core, row, with_options=False)


def _attribute_of_object(ctx: Ctx, attribute_id: Any) -> sqlite3.Row:
    obj = ctx.core.schema.object_row(ctx.path_params["slug"])
    if not isinstance(attribute_id, str) or not attribute_id:
        raise ApiError(400, "BAD_REQUEST", "attributeId is required")
    row = ctx.core.schema.attribute_row(attribute_id)
    if row["object_id"] != obj["id"]:
        raise ApiError(404, "NOT_FOUND", "Attribute not found")
    return row


def update_attribute(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    row = _attribute_of_object(ctx, body.get("attributeId"))
    fields = {"title": body.get("title"), "slug": body.get("slug"),
              "config": config_from_wire(body["config"]) if "config" in body else None,
              "is_required": body.get("isRequired"), "is_unique": body.get("isUnique"),
              "is_multiselect": body.get("isMultiselect"), "sort_order": body.get("sortOrder")}
    if row["is_system"] and body.get("slug") not in (None, row["slug"]):
        raise ApiError(400, "BAD_REQUEST", "System attributes cannot be renamed")
    return 200, attribute_json(ctx.core, ctx.core.schema.update_attribute(row["id"], fields))


def delete_attribute(ctx: Ctx) -> tuple[int, Any]:
    row = _attribute_of_object(ctx, ctx.query.get("attributeId"))
    if row["is_system"]:
        raise ApiError(400, "BAD_REQUEST", "System attributes cannot be deleted")
    ctx.core.schema.delete_attribute(row["id"])
    return 200, {"id": row["id"], "deleted": True}


# -- options and statuses -------------------------------------------------------------------------------


_options = OptionEndpoints(_attribute_of_object)
list_options = _options.list
create_option = _options.create
update_option = _options.update
delete_option = _options.delete
