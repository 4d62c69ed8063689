"""Attio's query ``filter`` and ``sorts`` over records (or entries).

Filters, as Attio's guide writes them:

- ``{slug: scalar}``: some value's main field equals it; ``{slug: {"$eq": scalar}}`` the same;
- ``{slug: {field: scalar}}`` / ``{slug: {field: {"$op": operand}}}``: one field of the value
  (``{"name": {"full_name": {"$eq": "Ada Lovelace"}}}``, ``{"stage": {"title": …}}``);
- operators ``$eq``, ``$in``, ``$contains``, ``$starts_with``, ``$ends_with``, ``$gt``, ``$gte``,
  ``$lt``, ``$lte``, ``$not_empty``; combinators ``$and`` and ``$or`` (lists) and ``$not``;
  several keys in one object must all hold; ``record_id`` and ``created_at`` name the record's own.

A select or status value matches its title (any case) or its id. Anything else — an unknown
attribute, field or operator, a shape this does not read — is a 400 ``filter_error``: a filter
the server did not understand must never silently match everything (a look-up after a create
of unknown outcome would find the wrong record).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Record
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.values import elements
from crmdesk.sandbox.attio.errors import filter_error
from crmdesk.sandbox.attio.values_out import ValueRenderer

Predicate = Callable[[Record], bool]
MAIN_FIELD = {
    AttributeType.CURRENCY: "currency_value", AttributeType.EMAIL_ADDRESS: "email_address",
    AttributeType.PHONE_NUMBER: "phone_number", AttributeType.DOMAIN: "domain",
    AttributeType.PERSONAL_NAME: "full_name", AttributeType.RECORD_REFERENCE: "target_record_id",
    AttributeType.ACTOR_REFERENCE: "referenced_actor_id", AttributeType.SELECT: "option",
    AttributeType.STATUS: "status", AttributeType.INTERACTION: "interacted_at",
}
_FOLDED = frozenset({"email_address", "original_email_address", "email_domain", "email_root_domain", "domain",
                     "root_domain", "title"})
_TIMES = frozenset({"interacted_at", "created_at", "timestamp"})
_TEXT_OPS = {"$contains": str.__contains__, "$starts_with": str.startswith, "$ends_with": str.endswith}
_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b, "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


class FilterCompiler:
    def __init__(self, attribute: Callable[[str], AttributeDef | None], renderer: ValueRenderer) -> None:
        self.attribute = attribute
        self.renderer = renderer

    def compile(self, raw: Any) -> Predicate | None:
        """A predicate, or None for no filter (absent or ``{}``)."""
        if raw is None or raw == {}:
            return None
        return self._node(raw)

    def _node(self, raw: Any) -> Predicate:
        if not isinstance(raw, Mapping) or not raw:
            raise filter_error("A filter must be a non-empty object")
        parts = [self._entry(key, value) for key, value in raw.items()]
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def _entry(self, key: str, value: Any) -> Predicate:
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise filter_error(f"{key} takes a non-empty list of filters")
            parts = [self._node(v) for v in value]
            combine = all if key == "$and" else any
            return lambda r: combine(p(r) for p in parts)
        if key == "$not":
            inner = self._node(value)
            return lambda r: not inner(r)
        if key.startswith("$"):
            raise filter_error(f"Unknown filter operator {key}")
        if key in ("record_id", "created_at"):
            test = self._condition(key, value, key)
            return lambda r: test([getattr(r, "id" if key == "record_id" else key)])
        attr = self.attribute(key)
        if attr is None:
            raise filter_error(f"Unknown attribute slug or ID \"{key}\" in filter")
        field, condition = self._field_and_condition(attr, value)
        test = self._condition(compared_as(attr, field), condition, f"{attr.slug}.{field}")

        def predicate(record: Record) -> bool:
            return test(self._values(attr, field, record.values.get(attr.slug)))

        return predicate

    def _field_and_condition(self, attr: AttributeDef, value: Any) -> tuple[str, Any]:
        main = MAIN_FIELD.get(attr.type, "value")
        if attr.type is AttributeType.LOCATION and (_scalar(value) or _operators_only(value)):
            raise filter_error(f"A filter on location \"{attr.slug}\" must name a field (locality, region…)")
        if _scalar(value) or _operators_only(value):
            return main, value
        if isinstance(value, Mapping) and len(value) == 1:
            field, condition = next(iter(value.items()))
            if field in ("title", "option_id", "status_id", "id") and main in ("option", "status"):
                return main, condition  # a title or an id: both are what an option is matched by
            return str(field), condition
        raise filter_error(f"Cannot read the filter on \"{attr.slug}\"")

    def _values(self, attr: AttributeDef, field: str, value: Any) -> list[Any]:
        """The field's value in each element (a select/status gives its title and its id)."""
        out: list[Any] = []
        for element in elements(value):
            if attr.type is AttributeType.RECORD_REFERENCE:
                fields: dict[str, Any] | None = {"target_record_id": element, "target_object": attr.target_object}
            else:
                fields = self.renderer.fields(attr, element)
            if fields is None:
                continue
            if field not in fields:
                raise filter_error(f"Attribute \"{attr.slug}\" has no field \"{field}\"")
            found = fields[field]
            if field in ("option", "status"):
                ids = found["id"]
                out.extend([found["title"], ids.get("option_id") or ids.get("status_id")])
            else:
                out.append(found)
        return out

    def _condition(self, field: str, raw: Any, where: str) -> Callable[[Sequence[Any]], bool]:
        if _scalar(raw):
            raw = {"$eq": raw}
        if not _operators_only(raw):
            raise filter_error(f"Cannot read the condition on {where}")
        tests = [self._operator(field, op, operand, where) for op, operand in raw.items()]
        return lambda found: all(t(found) for t in tests)

    def _operator(self, field: str, op: str, operand: Any, where: str) -> Callable[[Sequence[Any]], bool]:
        if op == "$not_empty":
            if not isinstance(operand, bool):
                raise filter_error(f"$not_empty on {where} takes true or false")
            return lambda found: bool([f for f in found if f not in (None, "")]) is operand
        if op == "$in":
            if not isinstance(operand, list) or not all(_scalar(o) for o in operand):
                raise filter_error(f"$in on {where} takes a list of values")
            keys = [compare_key(field, o) for o in operand]
            return lambda found: any(compare_key(field, f) in keys for f in found)
        if not _scalar(operand):
            raise filter_error(f"{op} on {where} takes a single value")
        want = compare_key(field, operand)
        if op == "$eq":
            return lambda found: any(compare_key(field, f) == want for f in found)
        if op in _TEXT_OPS:
            text_test = _TEXT_OPS[op]
            needle = str(operand).casefold()
            return lambda found: any(isinstance(f, str) and text_test(f.casefold(), needle) for f in found)
        if op in _ORDER_OPS:
            order_test = _ORDER_OPS[op]
            return lambda found: any(_comparable(compare_key(field, f), want)
                                     and order_test(compare_key(field, f), want) for f in found)
        raise filter_error(f"Unknown filter operator {op} on {where}")


def _operators_only(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(str(k).startswith("$") for k in value)


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (isinstance(a, str) and isinstance(b, str))


def compared_as(attr: AttributeDef, field: str) -> str:
    """The name ``compare_key`` reads a field's values by: a number's and a time's ``value`` say what they are."""
    if field == "value" and attr.type in (AttributeType.NUMBER, AttributeType.RATING):
        return "number"
    if field == "value" and attr.type is AttributeType.TIMESTAMP:
        return "timestamp"
    return field


def compare_key(field: str, value: Any) -> Any:
    """What two values of a field compare by: numbers as numbers (a numeric string too), times as
    instants, e-mail addresses, domains and option titles folded."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    if field in _TIMES:
        try:
            return parse_timestamp(text)
        except ValueError:
            return text
    if field in _FOLDED or field in ("option", "status"):
        return text.casefold()
    if field in ("number", "currency_value"):
        try:
            return float(text)
        except ValueError:
            return text
    return text
