"""Core rows and canonical values → the Aria wire shapes the real server answers with."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record
from crmdesk.model.values import elements
from crmdesk.sandbox.clock import iso
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.records import RecordRef
from crmdesk.sandbox.core.tables import MemberRow


def pg_time(instant: str) -> str:
    """PostgreSQL's text form, as the real timeline answers: ``2026-11-24 05:09:18.921663``."""
    return f"{instant[:10]} {instant[11:26]}"


def config_json(config: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(config)
    if "target_object" in out:
        out["targetObjectSlug"] = out.pop("target_object")
    return out


def config_from_wire(config: Any) -> dict[str, Any]:
    out = dict(config) if isinstance(config, dict) else {}
    if "targetObjectSlug" in out:
        out["target_object"] = out.pop("targetObjectSlug")
    return out


def object_json(row: sqlite3.Row, workspace_id: str) -> dict[str, Any]:
    return {"id": row["id"], "workspaceId": workspace_id, "slug": row["slug"], "singularName": row["singular_name"],
            "pluralName": row["plural_name"], "icon": row["icon"], "isSystem": bool(row["is_system"]),
            "createdAt": iso(row["created_at"])}


def option_json(row: sqlite3.Row, status: bool) -> dict[str, Any]:
    out = {"id": row["id"], "attributeId": row["attribute_id"], "title": row["title"], "color": row["color"],
           "sortOrder": row["sort_order"]}
    if status:
        out.update(isActive=bool(row["is_active"]), celebrationEnabled=bool(row["celebration_enabled"]))
    return out


def attribute_json(core: Core, row: sqlite3.Row, *, with_options: bool = True) -> dict[str, Any]:
    if row["list_id"]:
        listed: dict[str, Any] = {
            "id": row["id"], "listId": row["list_id"], "slug": row["slug"], "title": row["title"],
            "type": row["type"], "config": config_json(json.loads(row["config"])), "sortOrder": row["sort_order"],
        }
        if with_options and row["type"] in ("select", "status"):
            # Not in any recording (the real list attributes recorded are rating and text): the
            # sandbox carries a list attribute's choices as it does an object attribute's.
            status = row["type"] == "status"
            listed["statuses" if status else "options"] = [option_json(o, status)
                                                            for o in core.schema.options(row["id"])]
        return listed
    out: dict[str, Any] = {
        "id": row["id"], "objectId": row["object_id"], "slug": row["slug"], "title": row["title"],
        "type": row["type"], "config": config_json(json.loads(row["config"])), "isSystem": bool(row["is_system"]),
        "isRequired": bool(row["is_required"]), "isUnique": bool(row["is_unique"]),
        "isMultiselect": bool(row["is_multiselect"]), "sortOrder": row["sort_order"],
        "createdAt": iso(row["created_at"]),
    }
    if with_options and row["type"] in ("select", "status"):
        status = row["type"] == "status"
        out["statuses" if status else "options"] = [option_json(o, status) for o in core.schema.options(row["id"])]
    return out


def reference_ids(values: Iterable[Mapping[str, Any]], attrs: Iterable[AttributeDef]) -> list[str]:
    refs = [a.slug for a in attrs if a.type is AttributeType.RECORD_REFERENCE]
    return [str(item) for v in values for slug in refs for item in elements(v.get(slug))]


def values_json(
    values: Mapping[str, Any], attrs: Iterable[AttributeDef], refs: Mapping[str, RecordRef],
    sent: Mapping[str, Any] | None = None,
) -> dict:
    """Canonical values → wire values; empty values are left out, as the real server does.
    A value a client wrote is answered exactly as it was sent (``sent``)."""
    out: dict[str, Any] = {}
    for attr in attrs:
        value = values.get(attr.slug)
        if value is None:
            continue
        if sent and attr.slug in sent:
            out[attr.slug] = sent[attr.slug]
        elif attr.type is AttributeType.RECORD_REFERENCE:
            found = [refs[str(i)] for i in elements(value) if str(i) in refs]
            wire: Any = [{"id": r.id, "displayName": r.title, "objectSlug": r.object_slug} for r in found]
            if not wire:
                continue  # the target was deleted: the real server's row went with it
            out[attr.slug] = wire if attr.multiselect else wire[0]
        elif attr.type in (AttributeType.SELECT, AttributeType.STATUS, AttributeType.ACTOR_REFERENCE):
            out[attr.slug] = value  # option/status UUIDs and user ids, as stored
        elif attr.type is AttributeType.PERSONAL_NAME:
            out[attr.slug] = dict(value)
        elif attr.type is AttributeType.CURRENCY:
            # Written through the core (demo, tests): answered as the web app writes an amount.
            amounts = [
                {"amount": item["amount"], **({"currencyCode": item["currency"]} if item.get("currency") else {})}
                for item in elements(value)
            ]
            out[attr.slug] = amounts if attr.multiselect else amounts[0]
        else:
            out[attr.slug] = value  # canonical JSON is the wire shape for every other type
    return out


def records_json(core: Core, obj: ObjectDef, records: list[Record]) -> list[dict[str, Any]]:
    refs = core.records.refs_of(reference_ids((r.values for r in records), obj.attributes))
    return [record_json(r, obj, refs) for r in records]


def record_json(record: Record, obj: ObjectDef, refs: Mapping[str, RecordRef]) -> dict[str, Any]:
    return {"id": record.id, "objectId": obj.id, "createdAt": iso(record.created_at), "createdBy": record.created_by,
            "updatedAt": iso(record.updated_at),
            "values": values_json(record.values, obj.attributes, refs, getattr(record, "sent", None))}


def one_record_json(core: Core, obj: ObjectDef, record: Record) -> dict[str, Any]:
    return records_json(core, obj, [record])[0]


def member_json(row: MemberRow | sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "userId": row["user_id"], "role": row["role"], "createdAt": iso(row["created_at"]),
            "userName": row["name"], "userEmail": row["email"], "userImage": None}
