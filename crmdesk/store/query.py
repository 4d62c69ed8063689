"""Compile filter trees and sorts into SQL over the value index.

The SQL mirrors ``crmdesk.model.filters`` exactly (a test checks both give the
same answers): a condition holds when some element of the value satisfies it,
via ``owner IN (SELECT … FROM <values> WHERE attribute_id = ? AND …)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, InvalidFilter, Operator, Sort
from crmdesk.model.filters import TEXT_OPERATORS, PreparedCondition, prepare


@dataclass(frozen=True, slots=True)
class Source:
    """Where an attribute's index rows live, for one query."""

    attribute: AttributeDef
    attribute_id: int
    table: str  # record_values or entry_values
    owner_column: str  # record_rowid or entry_rowid
    owner_expr: str  # r.rowid or e.rowid


Resolver = Callable[[str], Source | None]

#: Text a reference shows, computed from the current titles (never stale).
_RECORD_FOLD = "coalesce((SELECT title_fold FROM records t WHERE t.id = v.key), '(unknown record)')"
#: py_lower (see connection.register_functions): SQLite's lower() folds ASCII only. A member
#: with no name shows as unknown, as the model's ``name or "(unknown member)"`` does.
_MEMBER_NAME = (
    "(SELECT nullif(py_lower(m.name), '') FROM members m WHERE m.id = {key} OR m.user_id = {key} LIMIT 1)"
)
_MEMBER_FOLD = f"coalesce({_MEMBER_NAME.format(key='v.key')}, '(unknown member)')"


def _fold_expr(attr: AttributeDef) -> str:
    if attr.type is AttributeType.RECORD_REFERENCE:
        return _RECORD_FOLD
    if attr.type is AttributeType.ACTOR_REFERENCE:
        return _MEMBER_FOLD
    return "v.fold"


def _element_sql(prepared: PreparedCondition, params: list[Any]) -> str:
    op = prepared.operator
    if op in TEXT_OPERATORS:
        fold = _fold_expr(prepared.attribute)
        text = prepared.text
        if text == "":
            # Every string contains/starts/ends with "": any element matches, and
            # not_contains "" never does.
            return "0" if op is Operator.NOT_CONTAINS else "1"
        params.append(text)
        if op is Operator.CONTAINS:
            return f"instr({fold}, ?) > 0"
        if op is Operator.NOT_CONTAINS:
            return f"instr({fold}, ?) = 0"
        if op is Operator.STARTS_WITH:
            return f"substr({fold}, 1, {len(text)}) = ?"
        return f"(length({fold}) >= {len(text)} AND substr({fold}, -{len(text)}) = ?)"
    if op in (Operator.IN, Operator.NOT_IN):
        params.extend(prepared.keys)
        marks = ",".join("?" * len(prepared.keys))
        return f"v.key {'IN' if op is Operator.IN else 'NOT IN'} ({marks})"
    params.append(prepared.key)
    symbol = {
        Operator.EQUALS: "=",
        Operator.NOT_EQUALS: "!=",
        Operator.GT: ">",
        Operator.GTE: ">=",
        Operator.LT: "<",
        Operator.LTE: "<=",
    }[op]
    if op in (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE):
        # SQLite orders numbers before text; the model never compares across kinds.
        return f"(v.key {symbol} ? AND typeof(v.key) IN ({_same_kind(prepared.key)}))"
    return f"v.key {symbol} ?"


def _same_kind(key: Any) -> str:
    return "'text'" if isinstance(key, str) else "'integer','real'"


def _condition_sql(condition: Condition, resolve: Resolver, params: list[Any], correlated: bool) -> str:
    source = resolve(condition.attribute)
    if source is None:
        raise InvalidFilter(f"there is no attribute “{condition.attribute}”")
    prepared = prepare(condition, source.attribute)
    subquery_head = (
        f"SELECT v.{source.owner_column} FROM {source.table} v WHERE v.attribute_id = {source.attribute_id}"
    )
    if correlated:
        # Looked up per owner by the primary key: a query that stops after its first rows never
        # reads the values of the owners past them (the list form reads every value first).
        subquery_head += f" AND v.{source.owner_column} = {source.owner_expr}"
        member, not_member = "EXISTS", "NOT EXISTS"
    else:
        member, not_member = f"{source.owner_expr} IN", f"{source.owner_expr} NOT IN"
    if prepared.operator is Operator.IS_EMPTY:
        return f"{not_member} ({subquery_head})"
    if prepared.operator is Operator.IS_NOT_EMPTY:
        return f"{member} ({subquery_head})"
    element = _element_sql(prepared, params)
    return f"{member} ({subquery_head} AND {element})"


def filter_sql(group: FilterGroup | None, resolve: Resolver, params: list[Any], *, correlated: bool = False) -> str:
    """A WHERE fragment (``1`` for no filter). Empty groups match everything.

    ``correlated``: each condition as ``EXISTS (… owner = r.rowid …)`` rather than ``r.rowid IN
    (…)``, for a query that stops early (a LIMIT over the index order): over 1,000,000 records a
    contains filter's first 200 rows take 1 ms that way against 230 ms, but the whole list
    takes 925 ms against 670, so whole lists keep the list form. Both give the same rows.
    """
    if group is None:
        return "1"
    fragment = _group_sql(group, resolve, params, correlated)
    return fragment if fragment is not None else "1"


def _group_sql(group: FilterGroup, resolve: Resolver, params: list[Any], correlated: bool) -> str | None:
    parts = []
    for child in group.children:
        if isinstance(child, FilterGroup):
            part = _group_sql(child, resolve, params, correlated)
            if part is None:
                continue
        else:
            part = _condition_sql(child, resolve, params, correlated)
        parts.append(f"({part})")
    if not parts:
        return None
    return f" {group.conjunction.upper()} ".join(parts)


@dataclass(frozen=True, slots=True)
class OrderPlan:
    joins: str
    order_by: str
    #: For the first ``n`` rows only (``n - 1`` as its parameter): a WHERE term keeping the rows whose
    #: first sort key comes no later than the n-th value of that attribute. When at least ``n``
    #: rows pass it, they start the whole order; None when the first key is not a stored column.
    head_cut: str | None = None


def order_sql(sorts: Sequence[Sort], resolve: Resolver, default_order: str) -> OrderPlan:
    """Joins and ORDER BY for the sorts; empty values sort last in both directions."""
    joins = []
    terms = []
    head_cut = None
    for index, sort in enumerate(sorts):
        source = resolve(sort.attribute)
        if source is None:
            raise InvalidFilter(f"cannot sort by “{sort.attribute}”: there is no such attribute")
        alias = f"s{index}"
        joins.append(
            f" LEFT JOIN {source.table} {alias} ON {alias}.attribute_id = {source.attribute_id}"
            f" AND {alias}.{source.owner_column} = {source.owner_expr} AND {alias}.ord = 0"
        )
        direction = "DESC" if sort.descending else "ASC"
        # A reference to something not cached is still a value: it sorts by the text it
        # shows ("(unknown record)"), as the model's sort key does, not with the empties.
        if source.attribute.type is AttributeType.RECORD_REFERENCE:
            key = (
                f"CASE WHEN {alias}.key IS NULL THEN NULL ELSE coalesce((SELECT t.title_fold FROM records t"
                f" WHERE t.id = {alias}.key), '(unknown record)') END"
            )
        elif source.attribute.type is AttributeType.ACTOR_REFERENCE:
            key = (
                f"CASE WHEN {alias}.key IS NULL THEN NULL"
                f" ELSE coalesce({_MEMBER_NAME.format(key=f'{alias}.key')}, '(unknown member)') END"
            )
        else:
            key = f"{alias}.sort"
            if index == 0:
                # Read from the attribute's values alone (no join): a top-K over 1,000,000 records
                # joined to their values takes ~1 s, this ~0.2 s; the rows it keeps are then joined.
                head_cut = (
                    f"{key} {'>=' if sort.descending else '<='} (SELECT c.sort FROM {source.table} c"
                    f" WHERE c.attribute_id = {source.attribute_id} AND c.ord = 0 AND c.sort IS NOT NULL"
                    f" ORDER BY c.sort {direction} LIMIT 1 OFFSET ?)"
                )
        terms.append(f"{key} IS NULL, {key} {direction}")
    terms.append(default_order)
    return OrderPlan("".join(joins), ", ".join(terms), head_cut)
