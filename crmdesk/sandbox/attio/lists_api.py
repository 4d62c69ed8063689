"""Lists and their entries: ``/v2/lists…`` and a record's entries.

A list is named by id or ``api_slug``. The core keeps one entry per record and list, so creating
an entry for a record already in the list answers that entry, with the values written added to
it (Attio would make a second entry). A list's access settings are kept as sent (extras); the
sandbox does not restrict anyone by them.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crmdesk.model import ObjectDef, Record
from crmdesk.sandbox.attio.errors import ApiError, invalid, not_found
from crmdesk.sandbox.attio.filters import FilterCompiler
from crmdesk.sandbox.attio.http import Ctx, body_int, bool_param, int_param
from crmdesk.sandbox.attio.records_api import PAGE_CAP, parse_sorts, sort_records
from crmdesk.sandbox.attio.render import attio_time
from crmdesk.sandbox.attio.schema_api import SLUG, list_row, object_row
from crmdesk.sandbox.attio.values import EntriesView, born_of
from crmdesk.sandbox.attio.values_out import ValueRenderer
from crmdesk.sandbox.attio.writes import Writer, attribute_named
from crmdesk.sandbox.core import NotFound

_ACCESS = frozenset({"full-access", "read-and-write", "read-only"})


def _view(ctx: Ctx, row: sqlite3.Row, obj: ObjectDef | None = None) -> EntriesView:
    """The entries view of the list ``row``; ``obj`` is its ``values_def`` when the caller has it."""
    return EntriesView(ctx.names, row, (obj if obj is not None else ctx.core.lists.values_def(row["id"])).attributes)


# -- lists ----------------------------------------------------------------------------------------------


def list_lists(ctx: Ctx) -> Any:
    return {"data": [ctx.names.list_json(r) for r in ctx.core.lists.lists()]}


def get_list(ctx: Ctx) -> Any:
    return {"data": ctx.names.list_json(list_row(ctx, ctx.path["list"]))}


def _access(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if "workspace_access" in data:
        if data["workspace_access"] is not None and data["workspace_access"] not in _ACCESS:
            raise invalid("workspace_access is full-access, read-and-write, read-only or null")
        extras["workspace_access"] = data["workspace_access"]
    if "workspace_member_access" in data:
        access = data["workspace_member_access"]
        if not isinstance(access, list) or not all(isinstance(a, dict) for a in access):
            raise invalid("workspace_member_access is a list of {workspace_member_id, level}")
        for item in access:
            if ctx.names.members_by_id.get(str(item.get("workspace_member_id"))) is None:
                raise ApiError(400, "value_not_found", f"No workspace member {item.get('workspace_member_id')}.")
        extras["workspace_member_access"] = [{"workspace_member_id": a["workspace_member_id"],
                                              "level": a.get("level", "read-and-write")} for a in access]
    return extras


def _slug_free(ctx: Ctx, slug: Any, but: str | None = None) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise invalid("api_slug must be a snake_case slug")
    if any(r["slug"] == slug and r["id"] != but for r in ctx.core.lists.lists()):
        raise ApiError(409, "slug_conflict", f"A list with slug \"{slug}\" already exists.")
    return slug


def create_list(ctx: Ctx) -> Any:
    data = ctx.data()
    slug = _slug_free(ctx, data.get("api_slug"))
    parent = object_row(ctx, str(data.get("parent_object") or ""))
    extras = _access(ctx, data)
    row = ctx.core.lists.create(str(data.get("name") or ""), parent["slug"], extras.get("workspace_access") is None,
                                ctx.user_id)
    ctx.core.lists.update(row["id"], {"slug": slug})
    ctx.store.update_extras(str(row["id"]), extras)
    return {"data": ctx.names.list_json(ctx.core.lists.get(row["id"]))}


def update_list(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    data = ctx.data()
    extras = _access(ctx, data)
    slug = _slug_free(ctx, data["api_slug"], but=row["id"]) if "api_slug" in data else None
    private = None if "workspace_access" not in extras else int(extras["workspace_access"] is None)
    ctx.core.lists.update(row["id"], {"name": data.get("name"), "slug": slug, "is_private": private})
    if extras:
        ctx.store.update_extras(str(row["id"]), extras)
        ctx.names.forget_extras()
    return {"data": ctx.names.list_json(ctx.core.lists.get(row["id"]))}


# -- entries ----------------------------------------------------------------------------------------------


def _entry(ctx: Ctx, row: sqlite3.Row) -> sqlite3.Row:
    try:
        return ctx.core.lists.entry(row["id"], ctx.path["entry_id"])
    except NotFound:
        raise not_found(f"Entry with ID \"{ctx.path['entry_id']}\" not found.") from None


def _as_record(entry: sqlite3.Row) -> Record:
    return Record(id=entry["id"], object_slug="", values=json.loads(entry["data"]), created_at=entry["created_at"])


def query_entries(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    body = ctx.raw_body if isinstance(ctx.raw_body, dict) else {}
    limit, offset = body_int(body, "limit", PAGE_CAP, PAGE_CAP), body_int(body, "offset", 0, 2**62)
    obj = ctx.core.lists.values_def(row["id"])
    renderer = ValueRenderer(ctx.names, str(row["id"]), is_list=True)
    predicate = FilterCompiler(lambda name: attribute_named(obj, name), renderer).compile(body.get("filter"))
    sorts = parse_sorts(body.get("sorts"), lambda name: attribute_named(obj, name), own_id="entry_id")
    entries, _total = ctx.core.lists.entries(row["id"], None, 0)
    by_id = {e["id"]: e for e in entries}
    found = [r for r in map(_as_record, entries) if predicate is None or predicate(r)]
    page = sort_records(found, sorts, renderer)[offset:offset + limit]
    return {"data": _view(ctx, row, obj).many([by_id[r.id] for r in page])}


def _parent(ctx: Ctx, row: sqlite3.Row, data: dict[str, Any]) -> str:
    record_id = data.get("parent_record_id")
    parent = object_row(ctx, str(data.get("parent_object") or row["object_slug"]))
    record = ctx.core.records.find(str(record_id)) if isinstance(record_id, str) else None
    if record is None or record.object_slug != parent["slug"] or parent["slug"] != row["object_slug"]:
        raise not_found(f"Record with ID \"{record_id}\" not found in {row['object_slug']}.")
    return record.id


def _write(ctx: Ctx, row: sqlite3.Row, obj: ObjectDef, entry: sqlite3.Row, raw: Any, *, append: bool) -> sqlite3.Row:
    writer = Writer(ctx, obj)
    before = json.loads(entry["data"])
    written = writer.read(raw)
    changes = writer.merge(before, written, append=append)
    if not changes:
        return entry
    updated = ctx.core.lists.update_entry(row["id"], entry["id"], changes)
    writer.note_changes(entry["id"], before, changes, updated["updated_at"],
                        born_of(ctx.names, entry["created_at"], entry["created_by"]))
    writer.keep_parts(entry["id"], written)
    return updated


def _entry_values(data: dict[str, Any]) -> Any:
    return data.get("entry_values", {})


def create_entry(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    data = ctx.data()
    record_id = _parent(ctx, row, data)
    existing = ctx.core.db.one("SELECT * FROM entries WHERE list_id = ? AND record_id = ?", (row["id"], record_id))
    obj = ctx.core.lists.values_def(row["id"])
    if existing is not None:
        return {"data": _view(ctx, row, obj).many([_write(ctx, row, obj, existing, _entry_values(data),
                                                           append=True)])[0]}
    writer = Writer(ctx, obj)
    written = writer.read(_entry_values(data))
    values = {k: v for k, v in writer.merge({}, written, append=False, creating=True).items() if v is not None}
    entry = ctx.core.lists.add(row["id"], record_id, values, ctx.user_id)
    writer.keep_parts(entry["id"], written)
    return {"data": _view(ctx, row, obj).many([entry])[0]}


def assert_entry(ctx: Ctx) -> Any:
    """``PUT /v2/lists/{list}/entries``: the parent record's entry gets the values (replacing), or is made."""
    row = list_row(ctx, ctx.path["list"])
    data = ctx.data()
    record_id = _parent(ctx, row, data)
    existing = ctx.core.db.one("SELECT * FROM entries WHERE list_id = ? AND record_id = ?", (row["id"], record_id))
    if existing is None:
        return create_entry(ctx)
    obj = ctx.core.lists.values_def(row["id"])
    return {"data": _view(ctx, row, obj).many([_write(ctx, row, obj, existing, _entry_values(data),
                                                       append=False)])[0]}


def get_entry(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    return {"data": _view(ctx, row).many([_entry(ctx, row)])[0]}


def _write_entry(ctx: Ctx, append: bool) -> Any:
    """``PATCH`` (``append``: multi-select values added to) or ``PUT`` (replaced) of one entry's values."""
    row = list_row(ctx, ctx.path["list"])
    entry = _entry(ctx, row)
    obj = ctx.core.lists.values_def(row["id"])
    return {"data": _view(ctx, row, obj).many([_write(ctx, row, obj, entry, _entry_values(ctx.data()),
                                                       append=append)])[0]}


def patch_entry(ctx: Ctx) -> Any:
    return _write_entry(ctx, append=True)


def put_entry(ctx: Ctx) -> Any:
    return _write_entry(ctx, append=False)


def delete_entry(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    entry = _entry(ctx, row)
    ctx.core.lists.remove(row["id"], entry["id"])
    ctx.store.forget(entry["id"])
    return {}


def entry_values(ctx: Ctx) -> Any:
    row = list_row(ctx, ctx.path["list"])
    entry = _entry(ctx, row)
    obj = ctx.core.lists.values_def(row["id"])
    attr = attribute_named(obj, ctx.path["attribute"])
    if attr is None:
        raise not_found(f"Attribute with slug/ID \"{ctx.path['attribute']}\" not found.")
    items = _view(ctx, row, obj).values.one_attribute(entry["id"], json.loads(entry["data"]),
                                                 born_of(ctx.names, entry["created_at"], entry["created_by"]), attr,
                                                 historic=bool(bool_param(ctx, "show_historic")))
    offset = int_param(ctx, "offset", 0)
    return {"data": items[offset:offset + int_param(ctx, "limit", len(items))]}


def record_entries(ctx: Ctx) -> Any:
    """``GET /v2/objects/{object}/records/{record_id}/entries``: the lists a record is in."""
    parent = object_row(ctx, ctx.path["object"])
    record = ctx.core.records.find(ctx.path["record_id"])
    if record is None or record.object_slug != parent["slug"]:
        return {"data": []}
    rows = ctx.core.db.all("SELECT e.id, e.list_id, e.created_at, l.slug FROM entries e JOIN lists l ON l.id = "
                           "e.list_id WHERE e.record_id = ? ORDER BY e.created_at", (record.id,))
    offset = int_param(ctx, "offset", 0)
    rows = rows[offset:offset + int_param(ctx, "limit", len(rows))]
    return {"data": [{"list_id": r["list_id"], "list_api_slug": r["slug"], "entry_id": r["id"],
                      "created_at": attio_time(r["created_at"])} for r in rows]}
