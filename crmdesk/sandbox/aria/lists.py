"""Lists, list-only attributes, entries and the records a list could still take."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crmdesk.model import ObjectDef
from crmdesk.sandbox.aria.http import ApiError, Ctx, bounded_int, paging
from crmdesk.sandbox.aria.options import OptionEndpoints
from crmdesk.sandbox.aria.render import attribute_json, config_from_wire, values_json
from crmdesk.sandbox.aria.values import coerce_values
from crmdesk.sandbox.clock import iso


def list_json(row: sqlite3.Row, *, counts: bool = True) -> dict[str, Any]:
    out = {"id": row["id"], "objectId": row["object_id"], "name": row["name"], "slug": row["slug"],
           "isPrivate": bool(row["is_private"]), "createdBy": row["created_by"], "createdAt": iso(row["created_at"])}
    if counts:
        out.update(objectSlug=row["object_slug"], objectName=row["singular_name"], entryCount=row["entry_count"])
    return out


def entry_json(ctx: Ctx, row: sqlite3.Row, obj: ObjectDef) -> dict[str, Any]:
    return {"id": row["id"], "listId": row["list_id"], "recordId": row["record_id"],
            "createdAt": iso(row["created_at"]), "updatedAt": iso(row["updated_at"]),
            "createdBy": row["created_by"], "listValues": values_json(json.loads(row["data"]), obj.attributes, {})}


def all_lists(ctx: Ctx) -> tuple[int, Any]:
    return 200, [list_json(r) for r in ctx.core.lists.lists()]


def create_list(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    if not isinstance(body.get("objectSlug"), str):
        raise ApiError(400, "BAD_REQUEST", "name and objectSlug are required")
    row = ctx.core.lists.create(body.get("name"), body["objectSlug"], bool(body.get("isPrivate")), ctx.user_id)
    return 201, list_json(row, counts=False)


def get_list(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    row = ctx.core.lists.get(list_id)
    out = list_json(row, counts=False)
    out.update(objectSlug=row["object_slug"], objectName=row["singular_name"], objectPluralName=row["plural_name"],
               attributes=[attribute_json(ctx.core, a) for a in ctx.core.schema.attributes(list_id=list_id)],
               entryCount=row["entry_count"])
    return 200, out


def update_list(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    fields = {"name": body.get("name"), "slug": body.get("slug"),
              "is_private": None if body.get("isPrivate") is None else int(bool(body["isPrivate"]))}
    return 200, list_json(ctx.core.lists.update(ctx.path_params["list_id"], fields))


def delete_list(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.lists.delete(ctx.path_params["list_id"])
    return 200, {"id": ctx.path_params["list_id"], "deleted": True}


# -- list attributes ------------------------------------------------------------------------------------


def list_attributes(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    ctx.core.lists.get(list_id)
    return 200, [attribute_json(ctx.core, a) for a in ctx.core.schema.attributes(list_id=list_id)]


def create_list_attribute(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    ctx.core.lists.get(list_id)
    body = ctx.body_object()
    options = body.get("statuses") if body.get("type") == "status" else body.get("options")
    row = ctx.core.schema.create_attribute(
        list_id=list_id, slug=str(body.get("slug") or ""), title=str(body.get("title") or ""),
        type=str(body.get("type") or ""), config=config_from_wire(body.get("config")),
        multiselect=bool(body.get("isMultiselect")),
        options=[o for o in options if isinstance(o, dict)] if isinstance(options, list) else None,
    )
    return 201, attribute_json(ctx.core, row, with_options=False)  # as an object attribute's create answer


def _list_attribute(ctx: Ctx, attribute_id: Any) -> sqlite3.Row:
    list_id = ctx.path_params["list_id"]
    ctx.core.lists.get(list_id)
    if not isinstance(attribute_id, str) or not attribute_id:
        raise ApiError(400, "BAD_REQUEST", "id is required")
    row = ctx.core.schema.attribute_row(attribute_id)
    if row["list_id"] != list_id:
        raise ApiError(404, "NOT_FOUND", "Attribute not found")
    return row


def update_list_attribute(ctx: Ctx) -> tuple[int, Any]:
    body = ctx.body_object()
    row = _list_attribute(ctx, body.get("id") or body.get("attributeId"))
    fields = {"title": body.get("title"), "slug": body.get("slug"), "sort_order": body.get("sortOrder"),
              "config": config_from_wire(body["config"]) if "config" in body else None}
    return 200, attribute_json(ctx.core, ctx.core.schema.update_attribute(row["id"], fields))


def delete_list_attribute(ctx: Ctx) -> tuple[int, Any]:
    row = _list_attribute(ctx, ctx.query.get("id") or ctx.query.get("attributeId"))
    ctx.core.schema.delete_attribute(row["id"])
    return 200, {"id": row["id"], "deleted": True}


# -- list attribute options and statuses (the counterpart of /objects/{slug}/attributes/options) ----------


_options = OptionEndpoints(_list_attribute)
list_attribute_options = _options.list
create_list_attribute_option = _options.create
update_list_attribute_option = _options.update
delete_list_attribute_option = _options.delete


# -- entries ---------------------------------------------------------------------------------------------


def list_entries(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    limit, offset, echo = paging(ctx.query)
    rows, total = ctx.core.lists.entries(list_id, limit, offset)
    obj = ctx.core.lists.values_def(list_id)
    entries = [{"id": r["id"], "recordId": r["record_id"], "recordDisplayName": r["record_title"],
                "recordObjectSlug": r["record_object_slug"], "createdAt": iso(r["created_at"]),
                "updatedAt": iso(r["updated_at"]),
                "listValues": values_json(json.loads(r["data"]), obj.attributes, {})} for r in rows]
    return 200, {"entries": entries, "pagination": {"limit": echo, "offset": offset, "total": total}}


def add_entry(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    ctx.core.lists.get(list_id)
    body = ctx.body_object()
    obj = ctx.core.lists.values_def(list_id)
    raw = body.get("values") if isinstance(body.get("values"), dict) else {}
    row = ctx.core.lists.add(list_id, body.get("recordId"), coerce_values(ctx.core, obj, raw), ctx.user_id)
    out = entry_json(ctx, row, obj)
    del out["listValues"]  # the real create answer carries no values
    return 201, out


def update_entry(ctx: Ctx) -> tuple[int, Any]:
    list_id = ctx.path_params["list_id"]
    body = ctx.body_object()
    if not isinstance(body.get("values"), dict):
        raise ApiError(400, "BAD_REQUEST", "values object is required")
    obj = ctx.core.lists.values_def(list_id)
    row = ctx.core.lists.update_entry(list_id, ctx.path_params["entry_id"], coerce_values(ctx.core, obj,
                                                                                          body["values"]))
    return 200, entry_json(ctx, row, obj)


def remove_entry(ctx: Ctx) -> tuple[int, Any]:
    ctx.core.lists.remove(ctx.path_params["list_id"], ctx.path_params["entry_id"])
    return 200, {"id": ctx.path_params["entry_id"], "deleted": True}


def available_records(ctx: Ctx) -> tuple[int, Any]:
    rows = ctx.core.lists.available(ctx.path_params["list_id"], ctx.query.get("search", ""),
                                    bounded_int(ctx.query, "limit", 50, 1, 200))
    return 200, [{"recordId": r["id"], "displayName": r["title"], "subtitle": r["subtitle"], "objectSlug": r["slug"],
                  "objectName": r["singular_name"], "objectIcon": r["icon"]} for r in rows]
