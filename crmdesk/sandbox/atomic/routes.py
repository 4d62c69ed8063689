"""``/api/:resource`` for the built-in resources and the summaries: list, get, create,
update (PUT), delete, restore, and ``merge_contacts`` — with the real server's status
codes and error bodies, which differ per verb (README 8–11, 13–16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from crmdesk.sandbox.atomic import custom
from crmdesk.sandbox.atomic.http import BadJson, Ctx, admin_json, error, json_response, server_error_text
from crmdesk.sandbox.atomic.query import (
    QueryFailed,
    Where,
    add_filters,
    add_legacy,
    content_range,
    legacy_filter,
    parse_range,
    resource_order,
)
from crmdesk.sandbox.atomic.render import row_json
from crmdesk.sandbox.atomic.resources import CONFIGURATION, DEALS, TASKS, Resource, Summary
from crmdesk.sandbox.atomic.store import ReferenceFailed
from crmdesk.sandbox.atomic.values import Invalid, check_body, parse_int

if TYPE_CHECKING:
    from crmdesk.sandbox.atomic.app import Atomic

UNKNOWN = "Unknown resource"


def _answer(app: Atomic, resource: Resource, row: Any, *, company_name: bool = False) -> dict[str, Any]:
    out = row_json(resource, row, app.organization_id)
    if company_name and resource is DEALS:
        out["companyName"] = row["company_name"]
    return out


def _summary_answer(app: Atomic, summary: Summary, row: Any) -> dict[str, Any]:
    out = row_json(summary.base, row, app.organization_id)
    for name, _ in summary.computed:
        out[name] = row[name]
    return out


def _values(resource: Resource, ctx: Ctx, *, creating: bool) -> dict[str, Any] | Response:
    """The columns a create or an update of ``resource`` sets, or the 400 the real server answers
    for a body that is not JSON or does not validate."""
    try:
        return check_body(resource, ctx.json(), creating=creating)
    except BadJson:
        return error(400, "Invalid JSON body", "VALIDATION_FAILED")
    except Invalid as failure:
        return error(400, failure.message, "VALIDATION_FAILED")


# -- list and get ------------------------------------------------------------------------------------


def list_rows(app: Atomic, ctx: Ctx, name: str) -> Response:
    start, end = parse_range(ctx.query.get("range"))
    summary = app.summaries.get(name)
    if summary is not None:
        where = Where()
        add_legacy(where, summary.legacy, summary.search, legacy_filter(ctx.query.get("filter")))
        rows, total = app.store.summary_page(summary, where, start, end)
        body = [_summary_answer(app, summary, r) for r in rows]
        return json_response(200, body, {"content-range": content_range(name, start, end, total)})
    resource = app.resources.get(name)
    if resource is None:
        return custom.list_rows(app, ctx, name, start, end)
    where = Where()
    given = legacy_filter(ctx.query.get("filter"))
    add_legacy(where, resource.legacy, resource.search, given)
    if resource is DEALS and given.get("include_archived") is not True:
        where.add("t.archived_at IS NULL")
    try:
        add_filters(where, resource, ctx.query.get("filters"), app.organization_id)
    except QueryFailed:
        return server_error_text()
    rows, total = app.store.page(resource, where, resource_order(resource, ctx.query), start, end)
    body = [_answer(app, resource, r, company_name=True) for r in rows]
    return json_response(200, body, {"content-range": content_range(name, start, end, total)})


def get_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    resource = app.resources.get(name)
    summary = app.summaries.get(name)
    if resource is None and summary is None:
        return custom.get_row(app, ctx, name, raw_id)
    if resource is CONFIGURATION:
        return json_response(200, _answer(app, CONFIGURATION, app.store.configuration()))
    row_id = parse_int(raw_id)
    if row_id is None:
        return error(400, "Invalid request")
    if summary is not None:
        row = app.store.summary_get(summary, row_id)
        return error(404, "Not found") if row is None else json_response(200, _summary_answer(app, summary, row))
    assert resource is not None
    row = app.store.get(resource, row_id)
    if row is None or (resource is DEALS and row["archived_at"] is not None):
        return error(404, "Not found")
    return json_response(200, _answer(app, resource, row, company_name=True))


# -- writes ------------------------------------------------------------------------------------------


def _parent_task_problem(app: Atomic, values: dict[str, Any], own_id: int | None = None) -> Response | None:
    parent = values.get("parent_task_id")
    if parent is not None and (parent == own_id or not app.store.exists("atomic_tasks", parent)):
        return error(400, "Parent task not found", "VALIDATION_FAILED")
    return None


def create_row(app: Atomic, ctx: Ctx, name: str) -> Response:
    if name in app.summaries:
        return error(400, "Cannot create on this resource", "INVALID_RESOURCE")
    resource = app.resources.get(name)
    if resource is None:
        return custom.create_row(app, ctx, name)
    if resource.read_only or resource is CONFIGURATION:
        return error(400, "Create not supported for this resource", "VALIDATION_FAILED")
    values = _values(resource, ctx, creating=True)
    if isinstance(values, Response):
        return values
    if resource is TASKS and (problem := _parent_task_problem(app, values)):
        return problem
    try:
        row = app.store.create(resource, values, ctx.user_id)
    except ReferenceFailed:
        return server_error_text()
    return json_response(201, _answer(app, resource, row))


def update_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    if name in app.summaries:
        return error(400, "Invalid request")
    resource = app.resources.get(name)
    if resource is None:
        return custom.update_row(app, ctx, name, raw_id)
    if resource.read_only:
        return error(400, "Update not supported for this resource", "VALIDATION_FAILED")
    row_id = 1 if resource is CONFIGURATION else parse_int(raw_id)  # any id is the one configuration row
    if row_id is None:
        return error(400, "Invalid request")
    values = _values(resource, ctx, creating=False)
    if isinstance(values, Response):
        return values
    if resource is CONFIGURATION:
        # Every id is row 1; the new config replaces the old one whole (recording 118).
        config = values.get("config")
        if config is None:
            return error(400, "Invalid config: Expected object, received null", "VALIDATION_FAILED")
        return json_response(200, _answer(app, CONFIGURATION, app.store.set_configuration(config)))
    if resource is TASKS and (problem := _parent_task_problem(app, values, row_id)):
        return problem
    try:
        row = app.store.update(resource, row_id, values)
    except ReferenceFailed:
        return server_error_text()
    if row is None:
        return error(404, "Not found", "NOT_FOUND")
    return json_response(200, _answer(app, resource, row))


def delete_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    resource = app.resources.get(name)
    if name in app.summaries or (resource is not None and (resource.read_only or resource is CONFIGURATION)):
        return error(400, "Invalid request", "INVALID_REQUEST")
    if resource is None:
        return custom.delete_row(app, ctx, name, raw_id)
    row_id = parse_int(raw_id)
    if row_id is None:
        return error(400, "Invalid request", "INVALID_REQUEST")
    if not ctx.is_admin:
        # A member may archive a deal (records.archive) but hard-delete nothing (README 10).
        if resource is not DEALS:
            return error(403, "Forbidden", "FORBIDDEN")
        archived = app.store.archive_deal(row_id)
        if archived is None:
            return error(404, "Not found", "NOT_FOUND")
        return json_response(200, {"archived": True, "record": _answer(app, DEALS, archived)})
    row = app.store.delete(resource, row_id)
    if row is None:
        return error(404, "Not found", "NOT_FOUND")
    return json_response(200, _answer(app, resource, row))


def restore_row(app: Atomic, ctx: Ctx, name: str, raw_id: str) -> Response:
    if name not in app.resources and name not in app.summaries and app.store.custom_object(name) is None:
        return error(404, UNKNOWN)
    if name != DEALS.name:
        return error(400, "Restore is only supported for deals")
    if not ctx.is_admin:
        return error(403, "Forbidden")
    row_id = parse_int(raw_id)
    if row_id is None:
        return error(400, "Invalid request")
    row = app.store.restore_deal(row_id)
    if row is None:
        return error(404, "Not found")
    return json_response(200, _answer(app, DEALS, row))


def merge_contacts(app: Atomic, ctx: Ctx) -> Response:
    body = admin_json(ctx)
    if isinstance(body, Response):
        return body
    loser = body.get("loserId") if isinstance(body, dict) else None
    winner = body.get("winnerId") if isinstance(body, dict) else None
    if type(loser) is not int or type(winner) is not int:
        return error(400, "loserId and winnerId required")
    if loser == winner:
        return error(400, "Cannot merge a contact with itself")
    if not (app.store.exists("atomic_contacts", loser) and app.store.exists("atomic_contacts", winner)):
        return error(404, "Contact not found")
    app.store.merge_contacts(loser, winner)
    return json_response(200, {"id": winner})

