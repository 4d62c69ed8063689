"""Records: query, create, assert, get, PUT, PATCH, delete, and one attribute's values with history.

Paging is ``limit`` (at most 500, default 500) and ``offset``, answers carry no total; sync
pages newest first by ``created_at`` then ``record_id`` (every Attio object has that attribute),
which SQL answers from the index. A filter, or a sort on an attribute, is evaluated over the
object's records in Python (``filters.py``). Ties left by the sorts asked for are broken the same
way every time (newest first, then the order the records were stored in).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from crmdesk.model import AttributeDef, ObjectDef, Record
from crmdesk.model.values import elements
from crmdesk.sandbox.attio.errors import ApiError, filter_error, invalid, not_found
from crmdesk.sandbox.attio.filters import MAIN_FIELD, FilterCompiler, compare_key, compared_as
from crmdesk.sandbox.attio.http import Ctx, body_int, bool_param, int_param
from crmdesk.sandbox.attio.schema_api import object_row
from crmdesk.sandbox.attio.values import RecordsView, born_of
from crmdesk.sandbox.attio.values_out import ValueRenderer
from crmdesk.sandbox.attio.writes import Writer, attribute_named
from crmdesk.sandbox.core.query import Plan, QueryRules

PAGE_CAP = 500
_RULES = QueryRules()
#: The sorts a record (or entry) answers from its own columns, by name → column.
_OWN_SORTS = {"created_at": "created_at", "record_id": "id", "entry_id": "id"}
#: A sort: (name, attribute or None for the record's own ``created_at``/id, field, descending).
Sort = tuple[str, AttributeDef | None, str | None, bool]


def object_def(ctx: Ctx) -> ObjectDef:
    return ctx.core.schema.object_def(str(object_row(ctx, ctx.path["object"])["slug"]))


def record_of(ctx: Ctx, obj: ObjectDef) -> Record:
    record = ctx.core.records.find(ctx.path["record_id"])
    if record is None or record.object_slug != obj.slug:
        raise not_found(f"Record with ID \"{ctx.path['record_id']}\" not found.")
    return record


def compiler(ctx: Ctx, obj: ObjectDef) -> FilterCompiler:
    return FilterCompiler(lambda name: attribute_named(obj, name), ValueRenderer(ctx.names, str(obj.id)))


# -- sorts ----------------------------------------------------------------------------------------------


def parse_sorts(raw: Any, attribute: Any, own_id: str = "record_id") -> list[Sort]:
    """(name, attribute or None for ``created_at`` and ``own_id``, field, descending) of each sort.
    ``own_id``: what the rows' id attribute is called (``record_id``; a list's entries ``entry_id``)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise filter_error("sorts must be a list")
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("attribute"), str):
            raise filter_error("Each sort needs an attribute and a direction (sorts by path are not supported)")
        direction = item.get("direction", "asc")
        if direction not in ("asc", "desc"):
            raise filter_error("A sort's direction is asc or desc")
        name = item["attribute"]
        own = name in ("created_at", own_id)
        attr = None if own else attribute(name)
        if attr is None and not own:
            raise filter_error(f"Unknown attribute slug or ID \"{name}\" in sorts")
        field = item.get("field")
        out.append((name, attr, field if isinstance(field, str) else None, direction == "desc"))
    return out


def sort_records(records: list[Record], sorts: Sequence[Sort], renderer: ValueRenderer) -> list[Record]:
    """Stable, last sort first; empty values last ascending, first descending (as the core sorts).
    ``records`` come newest first (then as stored): that is the order left among ties."""
    ordered = list(records)
    for sorted_by, attr, field, descending in reversed(sorts):
        def key(record: Record, attr: AttributeDef | None = attr, field: str | None = field,
                sorted_by: str = sorted_by) -> tuple[int, Any]:
            if attr is None:  # the record's own creation time, or its id
                return (0, (1, 0, (record.created_at or "") if sorted_by == "created_at" else record.id))
            items = elements(record.values.get(attr.slug))
            fields = renderer.fields(attr, items[0]) if items else None
            name = field or MAIN_FIELD.get(attr.type, "value")
            found = None if fields is None else fields.get(name)
            if isinstance(found, dict):
                found = found.get("title")
            if found is None:
                return (1, (0, 0, ""))
            sortable = compare_key(compared_as(attr, name), found)
            if isinstance(sortable, (int, float)):
                return (0, (0, sortable, ""))
            return (0, (1, 0, str(sortable).casefold()))
        ordered.sort(key=key, reverse=descending)
    return ordered


def query_records(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    body = ctx.raw_body if isinstance(ctx.raw_body, dict) else {}
    limit, offset = body_int(body, "limit", PAGE_CAP, PAGE_CAP), body_int(body, "offset", 0, 2**62)
    predicate = compiler(ctx, obj).compile(body.get("filter"))
    sorts = parse_sorts(body.get("sorts"), lambda name: attribute_named(obj, name))
    if predicate is None and all(attr is None for _, attr, _, _ in sorts):
        # Newest (or oldest) first, straight from the creation index: only the page is decoded.
        page = _own_sorted_page(ctx, obj, sorts, limit, offset)
    else:
        found, _total = ctx.core.records.query_page(obj.slug, Plan(predicate=predicate), None, _RULES, None, 0)
        page = sort_records(found, sorts, ValueRenderer(ctx.names, str(obj.id)))[offset:offset + limit]
    return {"data": RecordsView(ctx.names, obj).many(page)}


def _own_sorted_page(ctx: Ctx, obj: ObjectDef, sorts: Sequence[Sort], limit: int, offset: int) -> list[Record]:
    """A page sorted by the records' own ``created_at`` and ``record_id`` only, in SQL (ties then
    newest first, then as stored, as the core pages)."""
    keys = [f"{_OWN_SORTS[name]} {'DESC' if descending else 'ASC'}" for name, _a, _f, descending in sorts]
    rows = ctx.core.db.all(
        f"SELECT id, data, created_by, created_at, updated_at FROM records WHERE object_id = ? "
        f"ORDER BY {', '.join([*keys, 'created_at DESC', 'seq DESC'])} LIMIT ? OFFSET ?", (obj.id, limit, offset))
    return [Record(id=r["id"], object_slug=obj.slug, values=json.loads(r["data"]), created_at=r["created_at"],
                   updated_at=r["updated_at"], created_by=r["created_by"]) for r in rows]


def _values(ctx: Ctx) -> Any:
    data = ctx.data()
    if "values" not in data:
        raise invalid("data.values is required")
    return data["values"]


def create_record(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    record = Writer(ctx, obj).create(_values(ctx))
    return {"data": RecordsView(ctx.names, obj).one(record)}


def assert_record(ctx: Ctx) -> Any:
    """Find the record holding the matching attribute's value: update it (adding to multiselect
    values), or create it; more than one holder is a 400."""
    obj = object_def(ctx)
    raw = _values(ctx)
    name = ctx.query.get("matching_attribute", "")
    attr = attribute_named(obj, name)
    if attr is None:
        raise ApiError(400, "value_not_found", f"Cannot find matching attribute \"{name}\".")
    if not isinstance(raw, Mapping) or not any(attribute_named(obj, str(k)) is attr for k in raw):
        raise ApiError(400, "value_not_found", f"The values must include the matching attribute \"{attr.slug}\".")
    writer = Writer(ctx, obj)
    wanted = next(v for k, v in writer.read(raw).items() if k == attr.slug)
    found: list[str] = []
    for element in wanted:
        found += [h for h in writer.holders(obj, attr, element) if h not in found]
    if len(found) > 1:
        raise ApiError(400, "multiple_match_results", f"More than one record matches \"{attr.slug}\".")
    if found:
        record = writer.update(ctx.core.records.get(obj.slug, found[0]), raw, append=True)
    else:
        record = writer.create(raw)
    return {"data": RecordsView(ctx.names, obj).one(record)}


def get_record(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    return {"data": RecordsView(ctx.names, obj).one(record_of(ctx, obj))}


def put_record(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    record = Writer(ctx, obj).update(record_of(ctx, obj), _values(ctx), append=False)
    return {"data": RecordsView(ctx.names, obj).one(record)}


def patch_record(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    record = Writer(ctx, obj).update(record_of(ctx, obj), _values(ctx), append=True)
    return {"data": RecordsView(ctx.names, obj).one(record)}


def delete_record(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    record = record_of(ctx, obj)
    entries = [r[0] for r in ctx.core.db.all("SELECT id FROM entries WHERE record_id = ?", (record.id,))]
    ctx.core.records.delete(obj.slug, record.id)
    for parent in (record.id, *entries):
        ctx.store.forget(parent)
    return {}


def attribute_values(ctx: Ctx) -> Any:
    obj = object_def(ctx)
    record = record_of(ctx, obj)
    attr = attribute_named(obj, ctx.path["attribute"])
    if attr is None:
        raise not_found(f"Attribute with slug/ID \"{ctx.path['attribute']}\" not found.")
    view = RecordsView(ctx.names, obj).values
    items = view.one_attribute(record.id, record.values, born_of(ctx.names, record.created_at, record.created_by),
                               attr, historic=bool(bool_param(ctx, "show_historic")))
    offset = int_param(ctx, "offset", 0)
    limit = int_param(ctx, "limit", len(items))
    return {"data": items[offset:offset + limit]}
