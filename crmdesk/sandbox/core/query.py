"""Filters and sorts over records, with the real Aria server's semantics.

The real server turns each condition into ``EXISTS (SELECT 1 FROM record_values
WHERE attribute = … AND <comparison>)``. ``crmdesk.model.filters.value_matches``
has exactly that meaning (true when *some* element satisfies the comparison), so
the sandbox evaluates conditions with the client's own code and the two agree.

What the real server does that the model does not, reproduced here:

- unknown attributes and unknown operators drop the condition; a group whose
  conditions all drop is dropped; a filter that is not a group is dropped;
- select/status operands are compared with the stored option UUID as text, so a
  title matches nothing;
- with ``strict``: the seed's ``gt/gte/lt/lte`` spellings and conditions on
  ``createdAt``/``updatedAt`` drop too, and the comparisons its SQL cannot run
  (text search in names/addresses, ``in`` on numbers, ordering on currency)
  fail as its 500 does.

``plan_filter`` also gives SQL over the ``records`` table for what SQL can answer
with the same result: ``createdAt``/``updatedAt`` comparisons exactly (indexed
columns), ``is_empty``/``is_not_empty`` exactly, and for every other condition the
necessary "the attribute has a value" (no operator but ``is_empty`` matches an
empty value), so records SQL excludes are never decoded. The Python predicate
still decides whenever the SQL is not exact.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crmdesk.model import AttributeType, Condition, InvalidFilter, NullContext, ObjectDef, Operator, Record
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.filters import ORDER_OPERATORS, TEXT_OPERATORS, PreparedCondition, prepare, value_matches
from crmdesk.model.values import sort_key
from crmdesk.sandbox.core.errors import Unprocessable

Predicate = Callable[[Record], bool]
_SQL_SAFE_SLUG = re.compile(r"[A-Za-z0-9_]+")
#: ``data -> path`` (JSON text of a value, NULL when missing) needs SQLite 3.38.
_JSON_ARROW = sqlite3.sqlite_version_info >= (3, 38, 0)

_OPERATORS = {
    "equals": Operator.EQUALS,
    "not_equals": Operator.NOT_EQUALS,
    "contains": Operator.CONTAINS,
    "not_contains": Operator.NOT_CONTAINS,
    "starts_with": Operator.STARTS_WITH,
    "ends_with": Operator.ENDS_WITH,
    "is_empty": Operator.IS_EMPTY,
    "is_not_empty": Operator.IS_NOT_EMPTY,
    "greater_than": Operator.GT,
    "greater_than_or_equals": Operator.GTE,
    "less_than": Operator.LT,
    "less_than_or_equals": Operator.LTE,
    "in": Operator.IN,
    "not_in": Operator.NOT_IN,
}
#: Spellings the seed document promises and the real server ignores.
SEED_SPELLINGS = {"gt": Operator.GT, "gte": Operator.GTE, "lt": Operator.LT, "lte": Operator.LTE}
META_ATTRIBUTES = {"createdAt": "created_at", "updatedAt": "updated_at", "created_at": "created_at",
                   "updated_at": "updated_at"}
_CHOICE = (AttributeType.SELECT, AttributeType.STATUS)
_MATCH_OPS = (Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN)
_CONTEXT = NullContext()


@dataclass(frozen=True, slots=True)
class QueryRules:
    strict: bool = False


def parse_operator(name: Any, rules: QueryRules) -> Operator | None:
    if not isinstance(name, str):
        return None
    if name in _OPERATORS:
        return _OPERATORS[name]
    if name in SEED_SPELLINGS and not rules.strict:
        return SEED_SPELLINGS[name]
    return None


@dataclass(frozen=True, slots=True)
class Part:
    """A compiled condition or group: its predicate and, where SQL can say it, a WHERE clause.

    ``sql`` (with ``params``) holds for every record the predicate accepts; with ``exact``
    it holds for exactly those, and the predicate need not run.
    """

    predicate: Predicate
    sql: str | None = None
    params: tuple[Any, ...] = ()
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    """A filter as SQL over ``records`` (``sql`` ``None``: none) and what is left for Python."""

    sql: str | None = None
    params: tuple[Any, ...] = ()
    predicate: Predicate | None = None


def compile_filter(raw: Any, obj: ObjectDef, rules: QueryRules) -> Predicate | None:
    """A predicate over records, or ``None`` when nothing of the filter survives."""
    part = _compile(raw, obj, rules)
    return None if part is None else part.predicate


def plan_filter(raw: Any, obj: ObjectDef, rules: QueryRules) -> Plan:
    part = _compile(raw, obj, rules)
    if part is None:
        return Plan()
    return Plan(part.sql, part.params, None if part.exact and part.sql is not None else part.predicate)


def _compile(raw: Any, obj: ObjectDef, rules: QueryRules) -> Part | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("conditions"), list):
        return None
    return _group(raw, obj, rules)


def _group(raw: Mapping[str, Any], obj: ObjectDef, rules: QueryRules) -> Part | None:
    parts: list[Part] = []
    for child in raw["conditions"]:
        if not isinstance(child, Mapping):
            continue
        if isinstance(child.get("conditions"), list):
            part = _group(child, obj, rules)
        else:
            part = _condition(child, obj, rules)
        if part is not None:
            parts.append(part)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    predicates = [p.predicate for p in parts]
    with_sql = [p for p in parts if p.sql is not None]
    params = tuple(x for p in with_sql for x in p.params)
    exact = len(with_sql) == len(parts) and all(p.exact for p in parts)
    if str(raw.get("operator", "and")).lower() == "or":
        # Some part holds: SQL only when every part has some.
        sql = " OR ".join(f"({p.sql})" for p in with_sql) if len(with_sql) == len(parts) else None
        return Part(lambda record: any(p(record) for p in predicates), sql, params if sql else (), exact)
    sql = " AND ".join(f"({p.sql})" for p in with_sql) or None
    return Part(lambda record: all(p(record) for p in predicates), sql, params, exact)


def _condition(raw: Mapping[str, Any], obj: ObjectDef, rules: QueryRules) -> Part | None:
    op = parse_operator(raw.get("operator"), rules)
    name = raw.get("attribute")
    if op is None or not isinstance(name, str):
        return None
    value = raw.get("value")
    if name in META_ATTRIBUTES and obj.attribute(name) is None:
        return None if rules.strict else _meta_condition(META_ATTRIBUTES[name], op, value)
    attr = obj.attribute(name)
    if attr is None:
        return None
    if rules.strict and _real_server_fails(attr.type, op):
        raise Unprocessable(f"the real server cannot apply {op.value} to {attr.type.value}")
    slug = attr.slug
    if attr.type in _CHOICE and op in _MATCH_OPS:
        operands = value if isinstance(value, list) else [value]
        prepared = PreparedCondition(attr, op, key=str(value), keys=tuple(str(v) for v in operands))
    else:
        try:
            prepared = prepare(Condition(slug, op, value), attr)
        except InvalidFilter as error:
            raise Unprocessable(str(error)) from None

    def predicate(record: Record) -> bool:
        return value_matches(prepared, record.values.get(slug), _CONTEXT)

    if not _JSON_ARROW or not _SQL_SAFE_SLUG.fullmatch(slug):
        return Part(predicate)
    # Values are stored without nulls; ``elements`` is empty for null and [] only.
    path = f'$."{slug}"'
    if op is Operator.IS_EMPTY:
        return Part(predicate, "COALESCE(data -> ?, 'null') IN ('null', '[]')", (path,), exact=True)
    has_value = "(data -> ?) NOT IN ('null', '[]')"
    return Part(predicate, has_value, (path,), exact=op is Operator.IS_NOT_EMPTY)


def _real_server_fails(kind: AttributeType, op: Operator) -> bool:
    if kind in (AttributeType.PERSONAL_NAME, AttributeType.LOCATION) and op in TEXT_OPERATORS:
        return True
    if kind in (AttributeType.NUMBER, AttributeType.CURRENCY, AttributeType.RATING) and op in (
        Operator.IN, Operator.NOT_IN
    ):
        return True
    return kind is AttributeType.CURRENCY and op in ORDER_OPERATORS


def _instant(value: Any) -> str:
    """The core's fixed-width microsecond text (milliseconds kept, as the model's codec keeps them)."""
    try:
        canonical = parse_timestamp(value)
    except ValueError as error:
        raise Unprocessable(str(error)) from None
    # ``YYYY-MM-DDTHH:MM:SS.mmmZ`` with a four-digit year even before 1000, so text order is time order.
    return canonical[:23] + "000Z"


def _meta_condition(column: str, op: Operator, value: Any) -> Part | None:
    """createdAt/updatedAt: what lets a client ask "what changed since"; SQL answers it over an index."""
    if op in (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY):
        matches = op is Operator.IS_NOT_EMPTY
        return Part(lambda record: matches, "1" if matches else "0", exact=True)
    if op in (Operator.IN, Operator.NOT_IN) or op in TEXT_OPERATORS:
        return None
    bound = _instant(value)
    field = "created_at" if column == "created_at" else "updated_at"
    # Stored instants are fixed-width ASCII, so t[:23] == p exactly when p <= t < p + "~".
    prefix, past_prefix = bound[:23], bound[:23] + "~"
    compare: dict[Operator, tuple[Callable[[str], bool], str, tuple[str, ...]]] = {
        Operator.GT: (lambda t: t > bound, f"{field} > ?", (bound,)),
        Operator.GTE: (lambda t: t >= bound, f"{field} >= ?", (bound,)),
        Operator.LT: (lambda t: t < bound, f"{field} < ?", (bound,)),
        Operator.LTE: (lambda t: t <= bound, f"{field} <= ?", (bound,)),
        Operator.EQUALS: (lambda t: t[:23] == prefix, f"{field} >= ? AND {field} < ?", (prefix, past_prefix)),
        Operator.NOT_EQUALS: (lambda t: t[:23] != prefix, f"({field} < ? OR {field} >= ?)", (prefix, past_prefix)),
    }
    test, sql, params = compare[op]
    return Part(lambda record: test(getattr(record, field) or ""), sql, params, exact=True)


def valid_sorts(sorts: Any, obj: ObjectDef, rules: QueryRules) -> list[tuple[str, bool]]:
    """(attribute, descending) of the sorts that apply; the others are dropped, as the real server does."""
    valid = []
    for item in sorts if isinstance(sorts, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("attribute"), str):
            continue
        name = item["attribute"]
        descending = str(item.get("direction", "asc")).lower() == "desc"
        if obj.attribute(name) is not None or (name in META_ATTRIBUTES and not rules.strict):
            valid.append((name, descending))
    return valid


def sql_order(valid: list[tuple[str, bool]], obj: ObjectDef) -> str | None:
    """ORDER BY for sorts on createdAt/updatedAt only (newest first among ties), else ``None``."""
    keys = []
    for name, descending in valid:
        if obj.attribute(name) is not None:
            return None
        keys.append(f"{META_ATTRIBUTES[name]} {'DESC' if descending else 'ASC'}")
    return ", ".join([*keys, "created_at DESC", "seq DESC"])


def sort_records(records: list[Record], sorts: Any, obj: ObjectDef, rules: QueryRules) -> list[Record]:
    """Stable multi-key sort; first value of the attribute; NULLs last ascending, first descending.

    ``records`` arrive newest first, which is also the order among equal keys.
    """
    ordered = list(records)
    for name, descending in reversed(valid_sorts(sorts, obj, rules)):
        ordered.sort(key=_sort_key_for(name, obj), reverse=descending)
    return ordered


def _sort_key_for(name: str, obj: ObjectDef) -> Callable[[Record], tuple[int, Any]]:
    attr = obj.attribute(name)
    if attr is None:
        field = META_ATTRIBUTES[name]
        return lambda record: (0, getattr(record, field) or "")

    def key(record: Record) -> tuple[int, Any]:
        found = sort_key(attr, record.values.get(attr.slug), _CONTEXT)
        if found is None:
            return (1, "")
        # Mixed kinds cannot compare; strings sort after numbers.
        return (0, (0, found, "") if isinstance(found, (int, float)) else (1, 0, str(found)))

    return key


def match_records(records: Iterable[Record], predicate: Predicate | None) -> list[Record]:
    return list(records) if predicate is None else [r for r in records if predicate(r)]
