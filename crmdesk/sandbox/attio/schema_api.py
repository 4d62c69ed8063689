"""Objects and attributes (of objects and of lists): ``/v2/objects…`` and ``/v2/{target}/{identifier}/attributes…``.

There is no DELETE of objects or attributes in Attio's API: archive an attribute instead.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from crmdesk.model import AttributeType, ObjectDef
from crmdesk.sandbox.attio.errors import ApiError, invalid, not_found
from crmdesk.sandbox.attio.http import Ctx, bool_param, int_param
from crmdesk.sandbox.attio.render import core_type
from crmdesk.sandbox.attio.values_out import ValueRenderer
from crmdesk.sandbox.attio.writes import Writer

SLUG = re.compile(r"[a-z][a-z0-9_-]*")
_CONFIG_SCOPE = {"objects": "object_configuration", "lists": "list_configuration"}


def _conflict(message: str) -> ApiError:
    return ApiError(409, "slug_conflict", message)


# -- scopes ------------------------------------------------------------------------------------------


def _family(ctx: Ctx) -> str:
    target = ctx.path.get("target", "objects")
    if target not in _CONFIG_SCOPE:
        raise not_found(f"No such target {target!r}: objects or lists")
    return _CONFIG_SCOPE[target]


def config_read(ctx: Ctx) -> tuple[str, ...]:
    return (f"{_family(ctx)}:read",)


def config_write(ctx: Ctx) -> tuple[str, ...]:
    return (f"{_family(ctx)}:read-write",)


# -- objects -----------------------------------------------------------------------------------------


def object_row(ctx: Ctx, identifier: str) -> sqlite3.Row:
    """An object by slug or id."""
    row = ctx.names.objects.get(identifier)
    if row is None:
        raise not_found(f"Object with slug/ID \"{identifier}\" not found.")
    return row


def list_objects(ctx: Ctx) -> Any:
    return {"data": [ctx.names.object_json(r) for r in ctx.core.schema.objects()]}


def get_object(ctx: Ctx) -> Any:
    return {"data": ctx.names.object_json(object_row(ctx, ctx.path["object"]))}


def _slug(value: Any, what: str) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise invalid(f"{what} must be a snake_case slug")
    return value


def create_object(ctx: Ctx) -> Any:
    data = ctx.data()
    slug = _slug(data.get("api_slug"), "api_slug")
    if slug in ctx.names.objects:
        raise _conflict(f"An object with slug \"{slug}\" already exists.")
    row = ctx.core.schema.create_object(slug, str(data.get("singular_noun") or ""), str(data.get("plural_noun") or ""))
    return {"data": ctx.names.object_json(row)}


def update_object(ctx: Ctx) -> Any:
    row = object_row(ctx, ctx.path["object"])
    data = ctx.data()
    slug = data.get("api_slug")
    if slug is not None and _slug(slug, "api_slug") != row["slug"] and slug in ctx.names.objects:
        raise _conflict(f"An object with slug \"{slug}\" already exists.")
    fields = {"slug": slug, "singular_name": data.get("singular_noun"), "plural_name": data.get("plural_noun")}
    return {"data": ctx.names.object_json(ctx.core.schema.update_object(row["slug"], fields))}


def list_row(ctx: Ctx, identifier: str) -> sqlite3.Row:
    """A list by slug or id (with its object's slug, as ``ListStore.lists`` answers)."""
    for row in ctx.core.lists.lists():
        if identifier in (row["id"], row["slug"]):
            return row
    raise not_found(f"List with slug/ID \"{identifier}\" not found.")


# -- attributes ----------------------------------------------------------------------------------------


def owner(ctx: Ctx) -> tuple[str | None, str | None]:
    """(object id, list id) the path's ``{target}/{identifier}`` names."""
    identifier = ctx.path["identifier"]
    if _family(ctx) == "object_configuration":
        return str(object_row(ctx, identifier)["id"]), None
    return None, str(list_row(ctx, identifier)["id"])


def attributes_of(ctx: Ctx) -> list[sqlite3.Row]:
    object_id, list_id = owner(ctx)
    return ctx.core.schema.attributes(object_id=object_id, list_id=list_id)


def attribute_row(ctx: Ctx) -> sqlite3.Row:
    """The path's ``{attribute}`` (slug or id) among the path owner's attributes."""
    wanted = ctx.path["attribute"]
    for row in attributes_of(ctx):
        if wanted in (row["slug"], row["id"]):
            return row
    raise not_found(f"Attribute with slug/ID \"{wanted}\" not found.")


def list_attributes(ctx: Ctx) -> Any:
    rows = attributes_of(ctx)
    if not bool_param(ctx, "show_archived"):
        rows = [r for r in rows if not ctx.names.extras(str(r["id"])).get("is_archived")]
    offset = int_param(ctx, "offset", 0)
    limit = int_param(ctx, "limit", len(rows))
    return {"data": [ctx.names.attribute_json(r) for r in rows[offset:offset + limit]]}


def get_attribute(ctx: Ctx) -> Any:
    return {"data": ctx.names.attribute_json(attribute_row(ctx))}


def _config(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """Attio's ``config`` → the core's: a currency code, a record reference's one target object."""
    config: dict[str, Any] = data["config"] if isinstance(data.get("config"), dict) else {}
    out: dict[str, Any] = {}
    currency: dict[str, Any] = config["currency"] if isinstance(config.get("currency"), dict) else {}
    if kind == AttributeType.CURRENCY.value:
        out["currency_code"] = currency.get("default_currency_code") or "USD"
        out["display_type"] = currency.get("display_type") or "symbol"
    reference: dict[str, Any] = config["record_reference"] if isinstance(config.get("record_reference"), dict) else {}
    allowed = reference.get("allowed_objects")
    if kind == AttributeType.RECORD_REFERENCE.value and isinstance(allowed, list) and allowed:
        out["target_object"] = str(allowed[0])
    return out


def create_attribute(ctx: Ctx) -> Any:
    object_id, list_id = owner(ctx)
    data = ctx.data()
    slug = _slug(data.get("api_slug"), "api_slug")
    if any(r["slug"] == slug for r in attributes_of(ctx)):
        raise _conflict(f"An attribute with slug \"{slug}\" already exists.")
    kind = core_type(str(data.get("type") or ""))
    config = _config(data, kind)
    if "target_object" in config:
        config["target_object"] = object_row(ctx, config["target_object"])["slug"]
    row = ctx.core.schema.create_attribute(
        object_id=object_id, list_id=list_id, slug=slug, title=str(data.get("title") or ""), type=kind,
        config=config, required=bool(data.get("is_required")), unique=bool(data.get("is_unique")),
        multiselect=bool(data.get("is_multiselect")))
    ctx.store.update_extras(str(row["id"]), {"description": data.get("description"),
                                             "default_value": default_value(ctx, row, data.get("default_value"))})
    ctx.names.forget_extras()
    return {"data": ctx.names.attribute_json(ctx.core.schema.attribute_row(row["id"]))}


def update_attribute(ctx: Ctx) -> Any:
    row = attribute_row(ctx)
    data = ctx.data()
    slug = data.get("api_slug")
    if slug is not None and slug != row["slug"]:
        if row["is_system"]:
            raise ApiError(400, "system_edit_unauthorized", "System attributes cannot be renamed.")
        if any(r["slug"] == _slug(slug, "api_slug") for r in attributes_of(ctx)):
            raise _conflict(f"An attribute with slug \"{slug}\" already exists.")
    fields: dict[str, Any] = {"title": data.get("title"), "slug": slug, "is_required": data.get("is_required"),
                              "is_unique": data.get("is_unique")}
    if isinstance(data.get("config"), dict):
        fields["config"] = {**_current_config(row), **_config(data, row["type"])}
    updated = ctx.core.schema.update_attribute(row["id"], {k: (int(v) if isinstance(v, bool) else v)
                                                           for k, v in fields.items()})
    extras: dict[str, Any] = {k: data[k] for k in ("description", "is_archived") if k in data}
    if "default_value" in data:
        extras["default_value"] = default_value(ctx, updated, data["default_value"])
    if extras:
        ctx.store.update_extras(str(row["id"]), extras)
        ctx.names.forget_extras()
    return {"data": ctx.names.attribute_json(updated)}


def _current_config(row: sqlite3.Row) -> dict[str, Any]:
    return dict(json.loads(row["config"]))


def default_value(ctx: Ctx, row: sqlite3.Row, raw: Any) -> Any:
    """A default value as the attribute answers it: a dynamic one as sent, a static one's template
    read as the attribute's values are written and kept in the output shape (a number given to a
    text attribute, as the spec's own example does, is its text)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in ("static", "dynamic"):
        raise invalid("default_value is {type: static, template: [values]} or {type: dynamic, template: …}")
    if raw["type"] == "dynamic":
        return {"type": "dynamic", "template": raw.get("template")}
    attr = ctx.core.schema.attribute_def(row)
    template: list[Any] = raw["template"] if isinstance(raw.get("template"), list) else [raw.get("template")]
    if attr.type is AttributeType.TEXT:
        template = [{**t, "value": str(t["value"])} if isinstance(t, dict) and isinstance(t.get("value"), (int, float))
                    else t for t in template]
    owner = ObjectDef(slug="defaults", singular_name="", plural_name="", attributes=(attr,))
    renderer = ValueRenderer(ctx.names, str(row["object_id"] or row["list_id"]), is_list=row["list_id"] is not None,
                             refs=None)
    items = Writer(ctx, owner).read({attr.slug: template})[attr.slug]
    if attr.type is AttributeType.RECORD_REFERENCE:
        renderer.refs = ctx.core.records.refs_of(str(i) for i in items)
    # The spec's ``output-value`` bare: a default has no active_from or writer of its own.
    return {"type": "static", "template": [f for i in items if (f := renderer.fields(attr, i)) is not None]}
