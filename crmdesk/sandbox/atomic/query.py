"""List query parameters → SQL, with the real server's quirks (README points 1–5).

- ``range=[start,end]``: JSON, inclusive; a missing, malformed, negative or reversed range
  is ``[0,24]``; no upper cap.
- ``sort``/``order`` (``order`` must be exactly ``DESC``, anything else sorts ascending),
  or ``sorts=[{field, order}]``; snake_case or camelCase names; unknown fields are ignored.
  PostgreSQL puts NULLs last ascending and first descending; so does this. Ties are broken
  by id (the real server leaves them to chance; a sandbox that is steadier breaks no client).
- ``filters=[{field, op, value, logicalOp?}]``: ``value`` must be a string (anything else
  drops that filter), unknown ops (``starts_with``) and malformed JSON are ignored; an
  unknown field filters ``custom_fields->>field`` where the table has that column and is
  ignored elsewhere. ``logicalOp`` joins a filter to the one before it. A comparison the
  real server's SQL cannot run — any value on a time column (``updated_at``…), a
  non-number on a number column, ``contains`` on a number — raises ``QueryFailed`` (500).
- ``filter={…}``: the legacy object, only the keys the resource honours.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from crmdesk.sandbox.atomic.resources import Column, Kind, Resource

DEFAULT_RANGE = (0, 24)
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_BOOLEAN = MappingProxyType({"true": 1, "t": 1, "yes": 1, "on": 1, "1": 1, "false": 0, "f": 0, "no": 0, "off": 0,
                             "0": 0})
_OPS = ("eq", "neq", "gt", "lt", "gte", "lte", "contains", "not_contains", "is_empty", "is_not_empty")
_COMPARE = MappingProxyType({"eq": "=", "neq": "!=", "gt": ">", "lt": "<", "gte": ">=", "lte": "<="})


class QueryFailed(Exception):
    """A filter the real server's SQL fails on: a bare 500."""


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


def json_param(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def parse_range(raw: str | None) -> tuple[int, int]:
    value = json_param(raw)
    if (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
            and 0 <= value[0] <= value[1]):
        return value[0], value[1]
    return DEFAULT_RANGE


def content_range(name: str, start: int, end: int, total: int) -> str:
    """``contacts 0-3/8`` for ``[0,2]``: the real server's end is exclusive and never past the total."""
    return f"{name} {start}-{min(end + 1, total)}/{total}"


def requested_sorts(query: Mapping[str, str]) -> list[tuple[str, bool]]:
    """(field, descending) pairs asked for, in order."""
    many = json_param(query.get("sorts"))
    if isinstance(many, list) and many:
        out = []
        for item in many:
            if isinstance(item, dict) and isinstance(item.get("field"), str):
                out.append((item["field"], item.get("order") == "DESC"))
        return out
    sort = query.get("sort")
    if not sort:
        return []
    pair = json_param(sort) if sort.startswith("[") else None
    if isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair):
        return [(pair[0], pair[1] == "DESC")]
    return [(sort, query.get("order") == "DESC")]


def order_sql(terms: list[tuple[str, bool, bool, bool]]) -> str:
    """``ORDER BY`` over (SQL expression, descending, is text, may be NULL) with PostgreSQL's NULL
    placement (a column that cannot be NULL is ordered plainly, so its index serves the page)."""
    parts = []
    for expression, descending, text, nullable in terms:
        direction = "DESC" if descending else "ASC"
        collate = " COLLATE NOCASE" if text else ""
        nulls = f"({expression} IS NULL) {direction}, " if nullable else ""
        parts.append(f"{nulls}{expression}{collate} {direction}")
    return " ORDER BY " + ", ".join(parts)


def resource_order(resource: Resource, query: Mapping[str, str]) -> str:
    terms: list[tuple[str, bool, bool, bool]] = []
    for name, descending in requested_sorts(query):
        column = resource.column(name)
        if column is not None and column.kind not in (Kind.JSON, Kind.LIST):
            terms.append((f"t.{column.name}", descending, column.kind in (Kind.TEXT, Kind.CSV), column.nullable))
    if not any(term[0] == "t.id" for term in terms):
        terms.append(("t.id", False, False, False))
    return order_sql(terms)


# -- filters ---------------------------------------------------------------------------------------


def _operand(column: Column | None, value: str, op: str) -> Any:
    """The SQL parameter for ``value`` compared with ``column``, or ``QueryFailed``."""
    kind = Kind.TEXT if column is None else column.kind
    if kind in (Kind.TIME, Kind.JSON, Kind.LIST):
        raise QueryFailed()
    if kind in (Kind.ID, Kind.INT, Kind.NUMBER, Kind.BOOL) and op in ("contains", "not_contains"):
        raise QueryFailed()
    if kind in (Kind.ID, Kind.INT):
        if not _INTEGER.match(value):
            raise QueryFailed()
        return int(value)
    if kind is Kind.NUMBER:
        if not _NUMBER.match(value):
            raise QueryFailed()
        return float(value)
    if kind is Kind.BOOL:
        if value.strip().lower() not in _BOOLEAN:
            raise QueryFailed()
        return _BOOLEAN[value.strip().lower()]
    return value


def _condition(resource: Resource, item: Any, organization_id: str) -> tuple[str, list[Any], str] | None:
    if not (isinstance(item, dict) and isinstance(item.get("field"), str) and isinstance(item.get("op"), str)
            and isinstance(item.get("value"), str)):
        return None  # the real server's schema refuses the item; it is dropped
    name, op, value = item["field"], item["op"], item["value"]
    joiner = "OR" if item.get("logicalOp") == "or" else "AND"
    if op not in _OPS:
        return None
    column = resource.column(name)
    if column is not None:
        expression = "?" if column.kind is Kind.ORG else f"t.{column.name}"
        lead = [organization_id] if column.kind is Kind.ORG else []
        text = column.kind in (Kind.TEXT, Kind.CSV, Kind.ORG)
    elif name in ("organization_id", "organizationId"):
        column, expression, lead, text = None, "?", [organization_id], True
    elif resource.has_custom_fields and '"' not in name:
        column, expression, text = None, "CAST(json_extract(t.custom_fields, ?) AS TEXT)", True
        lead = [f'$."{name}"']
    else:
        return None
    if op == "is_empty":
        return (f"({expression} IS NULL OR {expression} = '')" if text else f"{expression} IS NULL",
                lead * (2 if text else 1), joiner)
    if op == "is_not_empty":
        return (f"({expression} IS NOT NULL AND {expression} != '')" if text else f"{expression} IS NOT NULL",
                lead * (2 if text else 1), joiner)
    operand = _operand(column, value, op)
    if op == "contains":
        return f"{expression} LIKE ?", [*lead, f"%{operand}%"], joiner
    if op == "not_contains":
        return f"{expression} NOT LIKE ?", [*lead, f"%{operand}%"], joiner
    return f"{expression} {_COMPARE[op]} ?", [*lead, operand], joiner


def add_filters(where: Where, resource: Resource, raw: str | None, organization_id: str) -> None:
    items = json_param(raw)
    if not isinstance(items, list):
        return
    expression, params = "", []
    for item in items:
        condition = _condition(resource, item, organization_id)
        if condition is None:
            continue
        clause, values, joiner = condition
        if expression:
            expression, params = f"({expression}) {joiner} ({clause})", [*params, *values]
        else:
            expression, params = clause, values
    if expression:
        where.add(f"({expression})", *params)


def legacy_filter(raw: str | None) -> dict[str, Any]:
    value = json_param(raw)
    return value if isinstance(value, dict) else {}


def add_legacy(where: Where, legacy: Mapping[str, tuple[str, str]], search: tuple[str, ...],
               given: Mapping[str, Any]) -> None:
    for key, (column, how) in legacy.items():
        value = given.get(key)
        if value is None:
            continue
        if how == "q":
            if isinstance(value, str) and value:
                where.add("(" + " OR ".join(f"{c} LIKE ?" for c in search) + ")", *[f"%{value}%"] * len(search))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) or (isinstance(value, str) and _INTEGER.match(value)):
            where.add(f"t.{column} = ?", int(value) if not isinstance(value, float) else value)
        elif isinstance(value, str):
            where.add(f"t.{column} = ?", value)
