"""Templates and entities: list (filters, sort, paging), create, get, update, delete.

A write names fields by id; an unknown id, a value the field's type cannot hold, or a required
field left empty is a 400 whose ``errors`` name each field. A create fills absent fields from the
template's ``default-value``; an update changes only the fields given (``null`` clears one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.sandbox.atlas.errors import invalid, not_found
from crmdesk.sandbox.atlas.http import Ctx
from crmdesk.sandbox.atlas.query import page_links, parse
from crmdesk.sandbox.atlas.render import entity_json
from crmdesk.sandbox.atlas.store import Entity
from crmdesk.sandbox.atlas.template import TEMPLATES, TYPES, Template
from crmdesk.sandbox.atlas.values import ValueProblem, check_value

Answer = tuple[int, Any]


def template_of(entity_type: Any) -> Template:
    if entity_type not in TEMPLATES:
        raise invalid(f"Unknown entity type {entity_type!r}: one of {', '.join(TYPES)}")
    return TEMPLATES[entity_type]


def entity_of(ctx: Ctx, entity_id: str) -> Entity:
    found = ctx.store.entity(entity_id)
    if found is None:
        raise not_found()
    return found


def get_template(ctx: Ctx, entity_type: str) -> Answer:
    return 200, template_of(entity_type).as_json()


def list_entities(ctx: Ctx) -> Answer:
    if not ctx.query.get("type"):
        raise invalid("The type parameter is required: one of " + ", ".join(TYPES))
    template = template_of(ctx.query["type"])
    query = parse(ctx.query, template.type)
    found, total = ctx.store.page(template.type, query)
    url = ctx.urls.crm + "/entities"
    return 200, {"items": [entity_json(ctx.urls, e) for e in found], "total": total,
                 "_links": page_links(url, ctx.query, query, total)}


def _fields_in(body: Mapping[str, Any]) -> Mapping[str, Any]:
    fields = body.get("fields", {})
    if not isinstance(fields, Mapping):
        raise invalid("fields must be an object of field id → value")
    return fields


def _apply(template: Template, current: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with ``given`` written over it; every problem at once, as a 400."""
    known = template.fields
    problems: dict[str, str] = {}
    result = dict(current)
    for field_id, raw in given.items():
        field = known.get(field_id)
        if field is None:
            problems[field_id] = f"unknown field for a {template.type}"
            continue
        try:
            value = check_value(field, raw)
        except ValueProblem as problem:
            problems[field_id] = str(problem)
            continue
        if value is None:
            result.pop(field_id, None)
        else:
            result[field_id] = value
    for field in known.values():
        if field.required and field.id not in problems and result.get(field.id) is None:
            problems[field.id] = f"{field.label} is required"
    if problems:
        detail = "; ".join(f"{fid}: {text}" for fid, text in problems.items())
        raise invalid(f"Invalid fields for a {template.type}: {detail}", problems)
    # The template's order, so every answer lists a record's fields the same way.
    return {fid: result[fid] for fid in known if fid in result}


def create_entity(ctx: Ctx) -> Answer:
    body = ctx.body()
    template = template_of(body.get("type"))
    given = _fields_in(body)
    defaults = {f.id: f.default for f in template.fields.values() if f.default is not None and f.id not in given}
    fields = _apply(template, {}, {**defaults, **given})
    return 201, entity_json(ctx.urls, ctx.store.create(template.type, fields))


def get_entity(ctx: Ctx, entity_id: str) -> Answer:
    return 200, entity_json(ctx.urls, entity_of(ctx, entity_id))


def update_entity(ctx: Ctx, entity_id: str) -> Answer:
    entity = entity_of(ctx, entity_id)
    body = ctx.body()
    if "fields" not in body:
        raise invalid("fields is required: the fields to change, null to clear one")
    fields = _apply(TEMPLATES[entity["type"]], entity["fields"], _fields_in(body))
    return 200, entity_json(ctx.urls, ctx.store.replace_fields(entity, fields))


def delete_entity(ctx: Ctx, entity_id: str) -> Answer:
    entity = entity_of(ctx, entity_id)
    ctx.store.delete(entity_id)
    return 200, entity_json(ctx.urls, entity)
