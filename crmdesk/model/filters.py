"""Filter trees (nested AND/OR groups of conditions), sorts, and local evaluation.

Semantics follow the real Aria server (its query builder over typed
record_values), so a filter answered by the local cache and by the server
agree:

- A condition is true when *some* element of the value satisfies it, so
  ``not_equals``/``not_contains``/``not_in`` never match an empty value, and on a
  multiselect value they match when any element differs.
- ``is_empty`` / ``is_not_empty`` look only at whether a value exists.
- ``contains``/``starts_with``/``ends_with`` compare lower-cased text, literally
  (the real server passes ``%`` and ``_`` through to ILIKE; we do not).
- ``equals`` on text is exact (case-sensitive), as PostgreSQL ``=`` is.
- Ordering operators compare numbers with numbers, dates with dates; an operand
  of the wrong type is an ``InvalidFilter`` here (the real server gives a 500).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs import DisplayContext, MatchKey, NullContext, codec_for
from crmdesk.model.errors import InvalidFilter
from crmdesk.model.schema import AttributeDef
from crmdesk.model.values import elements


class Operator(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    IS_EMPTY = "is_empty"
    IS_NOT_EMPTY = "is_not_empty"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "not_in"

    @property
    def takes_operand(self) -> bool:
        return self not in (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Operator.EQUALS: "is",
    Operator.NOT_EQUALS: "is not",
    Operator.CONTAINS: "contains",
    Operator.NOT_CONTAINS: "does not contain",
    Operator.STARTS_WITH: "starts with",
    Operator.ENDS_WITH: "ends with",
    Operator.IS_EMPTY: "is empty",
    Operator.IS_NOT_EMPTY: "is not empty",
    Operator.GT: "is greater than",
    Operator.GTE: "is at least",
    Operator.LT: "is less than",
    Operator.LTE: "is at most",
    Operator.IN: "is any of",
    Operator.NOT_IN: "is none of",
}

TEXT_OPERATORS = (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH)
ORDER_OPERATORS = (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)
_BASE = (Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN)
_EMPTINESS = (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)
_NO_TEXT_MATCH = frozenset({AttributeType.CHECKBOX})


def operators_for(attribute_type: AttributeType) -> tuple[Operator, ...]:
    """The operators a filter bar offers for a type, most useful first."""
    codec = codec_for(attribute_type)
    ops: list[Operator] = list(_BASE)
    if attribute_type not in _NO_TEXT_MATCH:
        ops[1:1] = TEXT_OPERATORS
    if codec.ordered:
        ops.extend(ORDER_OPERATORS)
    ops.extend(_EMPTINESS)
    return tuple(ops)


@dataclass(frozen=True, slots=True)
class Condition:
    attribute: str
    operator: Operator
    value: Any = None


@dataclass(frozen=True, slots=True)
class FilterGroup:
    conjunction: Literal["and", "or"] = "and"
    children: tuple[Condition | FilterGroup, ...] = field(default=())

    def is_empty(self) -> bool:
        return all(isinstance(c, FilterGroup) and c.is_empty() for c in self.children)


@dataclass(frozen=True, slots=True)
class Sort:
    attribute: str
    descending: bool = False


# -- (de)serialisation: the same JSON shape the Aria API uses -------------------------


def filter_to_json(node: Condition | FilterGroup) -> dict[str, Any]:
    if isinstance(node, Condition):
        out: dict[str, Any] = {"attribute": node.attribute, "operator": node.operator.value}
        if node.operator.takes_operand:
            out["value"] = node.value
        return out
    return {"operator": node.conjunction, "conditions": [filter_to_json(c) for c in node.children]}


def filter_from_json(data: Mapping[str, Any]) -> FilterGroup:
    node = _node_from_json(data)
    return node if isinstance(node, FilterGroup) else FilterGroup("and", (node,))


_ALIASES = {
    "greater_than": Operator.GT,
    "greater_than_or_equals": Operator.GTE,
    "less_than": Operator.LT,
    "less_than_or_equals": Operator.LTE,
}


def parse_operator(name: str) -> Operator:
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return Operator(name)
    except ValueError:
        raise InvalidFilter(f"unknown operator “{name}”") from None


def _node_from_json(data: Mapping[str, Any]) -> Condition | FilterGroup:
    if not isinstance(data, Mapping):
        raise InvalidFilter("a filter must be an object")
    if "conditions" in data:
        conjunction = str(data.get("operator", "and")).lower()
        if conjunction not in ("and", "or"):
            raise InvalidFilter(f"a group joins with and/or, not “{conjunction}”")
        children = data["conditions"]
        if not isinstance(children, list):
            raise InvalidFilter("conditions must be a list")
        return FilterGroup(conjunction, tuple(_node_from_json(c) for c in children))  # type: ignore[arg-type]
    if "attribute" not in data or "operator" not in data:
        raise InvalidFilter("a condition needs an attribute and an operator")
    return Condition(str(data["attribute"]), parse_operator(str(data["operator"])), data.get("value"))


# -- "me": a placeholder resolved before filtering -----------------------------------------

#: The operand value that stands for the person using the workspace ("my open deals"). Kept as
#: it is in saved filters; ``resolve_me`` puts the actual member id in before a filter runs, so
#: evaluation here and in the store never sees it.
ME = "@me"


def uses_me(node: Condition | FilterGroup) -> bool:
    if isinstance(node, Condition):
        values = node.value if isinstance(node.value, list) else [node.value]
        return ME in values
    return any(uses_me(child) for child in node.children)


def resolve_me(group: FilterGroup, me: str | None) -> FilterGroup:
    """``group`` with every ``ME`` operand replaced by ``me``; ``InvalidFilter`` when one is
    there and nobody is known to be "me" yet."""
    if not uses_me(group):
        return group
    if me is None:
        raise InvalidFilter("“Me” is not known yet: choose yourself in Workspace ▸ Settings ▸ Members (This is me)")

    def swap(node: Condition | FilterGroup) -> Condition | FilterGroup:
        if isinstance(node, FilterGroup):
            return FilterGroup(node.conjunction, tuple(swap(child) for child in node.children))
        if isinstance(node.value, list):
            return Condition(node.attribute, node.operator, [me if v == ME else v for v in node.value])
        return Condition(node.attribute, node.operator, me) if node.value == ME else node

    resolved = swap(group)
    assert isinstance(resolved, FilterGroup)
    return resolved


# -- operands ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreparedCondition:
    """A condition with its operand converted once into the keys values are compared by."""

    attribute: AttributeDef
    operator: Operator
    key: MatchKey | None = None
    keys: tuple[MatchKey, ...] = ()
    text: str = ""


def prepare(condition: Condition, attr: AttributeDef) -> PreparedCondition:
    # A plain string ("contains") equals its Operator but fails the ``is`` checks below.
    op = condition.operator
    if not isinstance(op, Operator):
        op = parse_operator(str(op))
    codec = codec_for(attr.type)
    label = attr.title or attr.slug
    if op not in operators_for(attr.type):
        kind = attr.type.value.replace("_", " ")
        raise InvalidFilter(f"{label}: “{op.label}” does not apply to {kind} values")
    try:
        if op in _EMPTINESS:
            return PreparedCondition(attr, op)
        if op in TEXT_OPERATORS:
            if condition.value is None or isinstance(condition.value, (dict, list)):
                raise ValueError("needs some text to look for")
            return PreparedCondition(attr, op, text=str(condition.value).lower())
        if op in (Operator.IN, Operator.NOT_IN):
            raw = condition.value if isinstance(condition.value, list) else [condition.value]
            return PreparedCondition(attr, op, keys=tuple(codec.operand_key(v, attr) for v in raw))
        if condition.value is None:
            raise ValueError("needs a value to compare with")
        return PreparedCondition(attr, op, key=codec.operand_key(condition.value, attr))
    except ValueError as error:
        raise InvalidFilter(f"{label}: {error}") from None


# -- local evaluation ---------------------------------------------------------------------


def _compare(left: MatchKey, op: Operator, right: MatchKey) -> bool:
    if isinstance(left, str) != isinstance(right, str):
        return False
    if op is Operator.GT:
        return left > right  # type: ignore[operator]
    if op is Operator.GTE:
        return left >= right  # type: ignore[operator]
    if op is Operator.LT:
        return left < right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]


def element_matches(
    prepared: PreparedCondition, element: Any, ctx: DisplayContext
) -> bool:
    attr, op = prepared.attribute, prepared.operator
    codec = codec_for(attr.type)
    if op in TEXT_OPERATORS:
        folded = codec.fold(element, attr, ctx)
        if op is Operator.CONTAINS:
            return prepared.text in folded
        if op is Operator.NOT_CONTAINS:
            return prepared.text not in folded
        if op is Operator.STARTS_WITH:
            return folded.startswith(prepared.text)
        return folded.endswith(prepared.text)
    key = codec.match_key(element, attr)
    if op is Operator.EQUALS:
        return key == prepared.key
    if op is Operator.NOT_EQUALS:
        return key != prepared.key
    if op is Operator.IN:
        return key in prepared.keys
    if op is Operator.NOT_IN:
        return key not in prepared.keys
    assert prepared.key is not None
    return _compare(key, op, prepared.key)


def value_matches(prepared: PreparedCondition, value: Any, ctx: DisplayContext) -> bool:
    items = elements(value)
    if prepared.operator is Operator.IS_EMPTY:
        return not items
    if prepared.operator is Operator.IS_NOT_EMPTY:
        return bool(items)
    return any(element_matches(prepared, item, ctx) for item in items)


def compile_predicate(
    group: FilterGroup,
    attribute_lookup: Callable[[str], AttributeDef | None],
    ctx: DisplayContext | None = None,
) -> Callable[[Mapping[str, Any]], bool]:
    """A function of a record's values that says whether it passes the filter.

    Unknown attributes raise ``InvalidFilter``: the user must hear their filter is
    broken rather than see every record (which is what the real server does).
    """
    context = ctx or NullContext()

    def build(node: Condition | FilterGroup) -> Callable[[Mapping[str, Any]], bool] | None:
        if isinstance(node, Condition):
            attr = attribute_lookup(node.attribute)
            if attr is None:
                raise InvalidFilter(f"there is no attribute “{node.attribute}”")
            prepared = prepare(node, attr)
            slug = attr.slug
            return lambda values: value_matches(prepared, values.get(slug), context)
        parts = [p for p in (build(child) for child in node.children) if p is not None]
        if not parts:
            return None
        if node.conjunction == "and":
            return lambda values: all(p(values) for p in parts)
        return lambda values: any(p(values) for p in parts)

    predicate = build(group)
    return predicate if predicate is not None else (lambda values: True)
