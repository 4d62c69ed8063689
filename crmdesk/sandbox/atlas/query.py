"""A list's query string → SQL: filters (``fields.ID[OP]=VALUE``), ``sort-by``, ``size`` and ``page``.

Each filter is one SQL condition on the entity's JSON (``json_extract``); the same field and
operator given twice are ORed, different ones ANDed (the seed). A field the type does not have,
an operator its field type does not allow, or a value that is not of the field's type is a 400.
The default order is the name field, folded, then id (from the index); ``sort-by`` orders by
another field, empty values last, ties by name then id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

from crmdesk.sandbox.atlas.errors import invalid
from crmdesk.sandbox.atlas.template import OPERATORS, TEMPLATES, FieldDef
from crmdesk.sandbox.atlas.values import ValueProblem, filter_value

MAX_SIZE = 100
DEFAULT_SIZE = 20
_FILTER = re.compile(r"fields\.([^\[\]]+)(?:\[([^\[\]]*)\])?")


@dataclass(frozen=True)
class Query:
    """SQL over ``atlas_entities e``: a WHERE clause (without the keyword), its parameters, the order."""

    where: str
    params: tuple[Any, ...]
    order: str
    order_params: tuple[Any, ...]
    size: int
    page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def path_of(field_id: str) -> str:
    return '$."' + field_id + '"'


def _int(params: QueryParams, name: str, default: int, high: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise invalid(f"{name} must be a whole number") from None
    if number < 1 or (high is not None and number > high):
        raise invalid(f"{name} must be between 1 and {high}" if high else f"{name} must be at least 1")
    return number


def _fields_of(entity_type: str | None) -> Mapping[str, FieldDef]:
    if entity_type is not None:
        return TEMPLATES[entity_type].fields
    return {fid: f for t in TEMPLATES.values() for fid, f in t.fields.items()}


def _condition(field: FieldDef, op: str, value: Any) -> tuple[str, tuple[Any, ...]]:
    path = path_of(field.id)
    if field.type == "multi-select":
        return "EXISTS (SELECT 1 FROM json_each(e.data, ?) WHERE json_each.value = ?)", (path, value)
    if op == "contains":
        return "instr(atlas_fold(json_extract(e.data, ?)), atlas_fold(?)) > 0", (path, value)
    sql = {"eq": "=", "gte": ">=", "lte": "<="}[op]
    return f"json_extract(e.data, ?) {sql} ?", (path, value)


def parse(params: QueryParams, entity_type: str | None) -> Query:
    """The query of a list of ``entity_type`` (None: of any type, a record's links)."""
    fields = _fields_of(entity_type)
    what = f"a {entity_type}" if entity_type else "an entity"
    groups: dict[tuple[str, str], list[tuple[str, tuple[Any, ...]]]] = {}
    for key, raw in params.multi_items():
        if not key.startswith("fields."):
            continue
        found = _FILTER.fullmatch(key)
        if found is None:
            raise invalid(f"Malformed filter {key!r}: fields.FIELD_ID[OPERATOR]=VALUE")
        field_id, op = found.group(1), found.group(2)
        field = fields.get(field_id)
        if field is None:
            raise invalid(f"Unknown field {field_id!r} for {what}", {field_id: "unknown field"})
        allowed, default = OPERATORS[field.type]
        op = op or default
        if op not in allowed:
            raise invalid(f"Operator {op!r} is not allowed for {field.type} field {field_id!r} "
                          f"(allowed: {', '.join(allowed)})", {field_id: f"operator {op} not allowed"})
        try:
            value = filter_value(field, raw)
        except ValueProblem as problem:
            raise invalid(f"Invalid filter value for field {field_id!r}: {problem}", {field_id: str(problem)}) from None
        groups.setdefault((field_id, op), []).append(_condition(field, op, value))
    clauses: list[str] = []
    values: list[Any] = []
    for conditions in groups.values():
        clauses.append("(" + " OR ".join(sql for sql, _ in conditions) + ")")
        values += [p for _, ps in conditions for p in ps]
    order, order_params = _order(params.get("sort-by"), fields, what)
    return Query(" AND ".join(clauses) or "1", tuple(values), order, order_params,
                 _int(params, "size", DEFAULT_SIZE, MAX_SIZE), _int(params, "page", 1))


def _order(sort_by: str | None, fields: Mapping[str, FieldDef], what: str) -> tuple[str, tuple[Any, ...]]:
    if not sort_by or (sort_by.endswith("-name") and sort_by in fields):
        return "e.sort_name, e.id", ()
    field = fields.get(sort_by)
    if field is None:
        raise invalid(f"Cannot sort by {sort_by!r}: not a field of {what}", {sort_by: "unknown field"})
    value = "json_extract(e.data, ?)"
    if field.type in ("string", "text", "user"):
        value = f"atlas_fold({value})"
    return f"json_extract(e.data, ?) IS NULL, {value}, e.sort_name, e.id", (path_of(field.id), path_of(field.id))


def page_links(url: str, params: QueryParams, query: Query, total: int) -> dict[str, Any]:
    """``self`` and (when there is more) ``next``: absolute, every other parameter kept."""
    def at(page: int) -> str:
        kept: Sequence[tuple[str, str]] = [(k, v) for k, v in params.multi_items() if k != "page"]
        return url + "?" + str(QueryParams([*kept, ("page", str(page))]))

    links: dict[str, Any] = {"self": {"href": at(query.page)}}
    if query.offset + query.size < total:
        links["next"] = {"href": at(query.page + 1)}
    return links
