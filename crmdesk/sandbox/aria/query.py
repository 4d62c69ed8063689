"""``records/query`` (filters, sorts, offset or cursor paging, assert mode) and ``records/import``."""

from __future__ import annotations

from typing import Any

from crmdesk.model import ObjectDef
from crmdesk.sandbox.aria.http import ApiError, Ctx, EmptyServerError
from crmdesk.sandbox.aria.records import cursor_page
from crmdesk.sandbox.aria.render import one_record_json, records_json
from crmdesk.sandbox.aria.values import as_sent, coerce_values
from crmdesk.sandbox.core import CoreError, Unprocessable
from crmdesk.sandbox.core.query import QueryRules, plan_filter

IMPORT_CAP = 1000


def _number(value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise EmptyServerError()
    return int(value)


def query_records(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    body = ctx.body
    if not isinstance(body, dict):
        raise EmptyServerError()
    if body.get("mode") == "assert":
        return assert_record(ctx, obj, body)
    limit = min(_number(body.get("limit"), 50), 200)
    offset = _number(body.get("offset"), 0)
    if limit < 0 or offset < 0:
        raise EmptyServerError()
    if "cursor" in body:
        return 200, cursor_page(ctx, slug, str(body.get("cursor") or ""), limit)
    rules = QueryRules(strict=ctx.settings.strict)
    plan = plan_filter(body.get("filter"), obj, rules)
    page, total = ctx.core.records.query_page(slug, plan, body.get("sorts"), rules, limit, offset)
    return 200, {"records": records_json(ctx.core, obj, page),
                 "pagination": {"limit": limit, "offset": offset, "total": total}}


def assert_record(ctx: Ctx, obj: ObjectDef, body: dict[str, Any]) -> tuple[int, Any]:
    """Find by one attribute's value, update what was found or create; 200 either way (as the real server)."""
    name = body.get("matchAttribute")
    attr = obj.attribute(name) if isinstance(name, str) else None
    if attr is None:
        raise Unprocessable("unknown match attribute")  # real: 500
    values = body.get("values") if isinstance(body.get("values"), dict) else {}
    condition = {"operator": "and",
                 "conditions": [{"attribute": attr.slug, "operator": "equals", "value": body.get("matchValue")}]}
    rules = QueryRules(strict=ctx.settings.strict)
    found, _total = ctx.core.records.query_page(obj.slug, plan_filter(condition, obj, rules), None, rules, 1, 0)
    if found:
        coerced = coerce_values(ctx.core, obj, values)
        record = ctx.core.records.update(obj.slug, found[0].id, coerced, sent=as_sent(obj, values, coerced))
    else:
        wire = {**values, attr.slug: body.get("matchValue")}
        coerced = coerce_values(ctx.core, obj, wire)
        record = ctx.core.records.create(obj.slug, coerced, ctx.user_id, sent=as_sent(obj, wire, coerced))
    return 200, one_record_json(ctx.core, obj, record)


def import_records(ctx: Ctx) -> tuple[int, Any]:
    slug = ctx.path_params["slug"]
    obj = ctx.core.schema.object_def(slug)
    body = ctx.body_object()
    rows = body.get("rows")
    if not isinstance(rows, list):
        raise ApiError(400, "BAD_REQUEST", "rows array is required")
    if len(rows) > IMPORT_CAP:
        raise ApiError(400, "BAD_REQUEST", f"Maximum {IMPORT_CAP} rows per import")
    created, errors = 0, []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append({"row": index, "message": "row must be an object of attribute values"})
            continue
        try:
            coerced = coerce_values(ctx.core, obj, row)
            ctx.core.records.create(slug, coerced, ctx.user_id, sent=as_sent(obj, row, coerced))
            created += 1
        except CoreError as failure:
            errors.append({"row": index, "message": failure.message})
    return 200, {"created": created, "errors": errors, "total": len(rows)}
