"""Stored rows → the real server's answers: camelCase keys in column order, times as
``2026-11-30T09:36:24.058Z``, JSON documents in PostgreSQL ``jsonb`` key order; custom
objects in snake_case with string ids and PostgreSQL's own time text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from crmdesk.sandbox.atomic.resources import Kind, Resource
from crmdesk.sandbox.clock import iso


def pg_text(instant: str) -> str:
    """PostgreSQL's ``timestamptz`` text: ``2026-11-30 09:47:06.13983+00`` (no trailing zeros)."""
    seconds, _, fraction = instant[11:26].partition(".")
    fraction = fraction.rstrip("0")
    return f"{instant[:10]} {seconds}{'.' + fraction if fraction else ''}+00"


def jsonb(value: Any) -> Any:
    """A document as ``jsonb`` gives it back: object keys shortest first, then bytewise."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {k: jsonb(value[k]) for k in keys}
    if isinstance(value, list):
        return [jsonb(v) for v in value]
    return value


def number(value: float | int | None) -> float | int | None:
    """A PostgreSQL numeric: ``120000`` rather than ``120000.0``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _document(text: str) -> Any:
    return {} if text == "{}" else jsonb(json.loads(text))


def row_json(resource: Resource, row: Mapping[str, Any], organization_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in resource.columns:
        kind = column.kind
        if kind is Kind.ORG:
            out[column.wire] = organization_id
            continue
        value = row[column.name]
        if value is None or kind is Kind.TEXT or kind is Kind.INT or kind is Kind.ID:
            out[column.wire] = value
        elif kind is Kind.TIME:
            out[column.wire] = iso(value)
        elif kind is Kind.JSON or kind is Kind.LIST:
            out[column.wire] = _document(value)
        elif kind is Kind.BOOL:
            out[column.wire] = bool(value)
        elif kind is Kind.NUMBER:
            out[column.wire] = number(value)
        else:
            out[column.wire] = value
    return out


def custom_json(row: Mapping[str, Any], organization_id: str) -> dict[str, Any]:
    """A custom object's row: raw SQL columns, bigint ids as strings (as node-postgres gives them)."""
    creator = row["crm_user_id"]
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "crm_user_id": None if creator is None else str(creator),
        "organization_id": organization_id,
        "custom_fields": _document(row["custom_fields"]),
        "created_at": pg_text(row["created_at"]),
        "updated_at": pg_text(row["updated_at"]),
    }
