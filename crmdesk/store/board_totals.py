"""A board's column sums, in one grouped query over the value index.

A board sums one currency or number attribute per column (its group attribute's option). Reading
every card to do it decoded each record's ``values_json`` (40 of 54 s opening a 1,000,000-deal
board); the value index already holds each amount (``key``) and, for a currency, its code at the
end of ``fold`` ("31500 eur"; no code: the attribute's default). So this groups the index rows of
the sum attribute by the group attribute's value and by that tail, with the board's own filter,
and returns a few rows. Currencies stay apart: nothing adds two.

The columns' keys are what the group attribute's index row holds (an option id), None for cards
with no group value, as the board's own "equals"/"is empty" queries read them. Also here: whether
any record holds a group value no option names (``record_values_outside``), so the board looks
for those cards only when there are some.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, FilterGroup
from crmdesk.store.errors import NotFound
from crmdesk.store.query import Resolver, Source, filter_sql
from crmdesk.store.records import object_resolver
from crmdesk.store.schema_repo import SchemaRepo

#: Column key (None: no group value) → currency code ("" for plain numbers or no known code) → sum.
ColumnTotals = dict[str | None, dict[str, float]]


def currency_reader(attr: AttributeDef | None) -> Callable[[str | None], str | None]:
    """How an amount's currency is read from the last four characters of its index ``fold``
    ("31500 eur" → " eur" → "EUR"; no code there: the attribute's default; no value, or not a
    currency attribute: None). An amount's text never holds a space, so " xyz" is always a code."""
    if attr is None or attr.type is not AttributeType.CURRENCY:
        return lambda _tail: None
    default = attr.currency_code.upper() if attr.currency_code else None

    def currency(tail: str | None) -> str | None:
        if tail is None:
            return None
        return tail[1:].upper() if len(tail) == 4 and tail[0] == " " else default

    return currency


def _join(alias: str, source: Source, *, outer: bool) -> str:
    # ord = 0: a group or sum attribute holds one value (multiselect ones are not offered).
    return (f"{'LEFT ' if outer else ''}JOIN {source.table} {alias} ON {alias}.attribute_id = {source.attribute_id} "
            f"AND {alias}.{source.owner_column} = {source.owner_expr} AND {alias}.ord = 0")


def _grouped(conn: sqlite3.Connection, rows_sql: str, scope: str, scope_params: tuple[Any, ...], resolve: Resolver,
             group_slug: str, sum_attr: AttributeDef, filter_group: FilterGroup | None, *,
             one_object: bool = False) -> ColumnTotals:
    """``one_object``: every index row of these attributes is a row of the board (an object's
    records: an attribute id is one object's), so without a filter the rows need not be read."""
    group, amount = resolve(group_slug), resolve(sum_attr.slug)
    if group is None or amount is None:
        return {}
    params: list[Any] = []
    where = filter_sql(filter_group, resolve, params)
    tail = "substr(s.fold, -4)" if sum_attr.type is AttributeType.CURRENCY else "NULL"
    if one_object and where == "1":
        # The index rows alone, without a lookup of every record: 145 instead of 245 ms over
        # 100,000 deals.
        sql = (f"SELECT g.key, {tail}, total(s.key) FROM record_values s LEFT JOIN record_values g "
               f"ON g.attribute_id = {group.attribute_id} AND g.record_rowid = s.record_rowid AND g.ord = 0 "
               f"WHERE s.attribute_id = {amount.attribute_id} AND s.ord = 0 "
               "AND typeof(s.key) IN ('integer', 'real') GROUP BY 1, 2")
        return _read(conn.execute(sql), sum_attr)
    # Numbers only: the cards' sum skipped anything else a value could hold. An entry whose record
    # is not cached has no place on a board grouped by a record attribute ("is empty" is NULL there).
    sql = (f"SELECT g.key, {tail}, total(s.key) FROM {rows_sql} {_join('s', amount, outer=False)} "
           f"{_join('g', group, outer=True)} WHERE {scope} AND {group.owner_expr} IS NOT NULL "
           f"AND typeof(s.key) IN ('integer', 'real') AND ({where}) GROUP BY 1, 2")
    return _read(conn.execute(sql, (*scope_params, *params)), sum_attr)


def _read(rows: Iterable[tuple[Any, str | None, float]], sum_attr: AttributeDef) -> ColumnTotals:
    currency = currency_reader(sum_attr)
    totals: ColumnTotals = {}
    for key, tail_text, total in rows:
        column = totals.setdefault(key if key is None else str(key), {})
        code = currency(tail_text) or ""
        column[code] = column.get(code, 0.0) + float(total)
    return totals


def record_column_totals(conn: sqlite3.Connection, schema: SchemaRepo, object_slug: str, group_slug: str,
                         sum_slug: str, filter_group: FilterGroup | None = None) -> ColumnTotals:
    """Per value of ``group_slug``, the sums of ``sum_slug`` over an object's records that pass the
    filter (raises ``InvalidFilter`` as ``query_ids`` does)."""
    obj = schema.get_object(object_slug)
    if obj is None:
        raise NotFound(f"The object “{object_slug}”")
    sum_attr = obj.attribute(sum_slug)
    if sum_attr is None:
        return {}
    return _grouped(conn, "records r", "r.object_slug = ?", (object_slug,), object_resolver(schema, obj),
                    group_slug, sum_attr, filter_group, one_object=True)


def entry_column_totals(conn: sqlite3.Connection, schema: SchemaRepo, list_id: str, group_slug: str,
                        sum_slug: str, filter_group: FilterGroup | None = None) -> ColumnTotals:
    """The same for a list's entries: a list attribute, else the parent record's (a list attribute
    hides a parent one of the same slug, as ``EntryRepo.query_ids`` resolves them)."""
    list_def = schema.get_list(list_id)
    if list_def is None:
        raise NotFound(f"The list {list_id}")
    parent = schema.get_object(list_def.parent_object)
    parent_resolve = object_resolver(schema, parent) if parent is not None else None

    def resolve(slug: str) -> Source | None:
        attr = list_def.attribute(slug)
        if attr is not None:
            attr_id = schema.attribute_id("list", list_id, slug)
            return Source(attr, attr_id, "entry_values", "entry_rowid", "e.rowid") if attr_id else None
        return parent_resolve(slug) if parent_resolve is not None else None

    sum_source = resolve(sum_slug)
    if sum_source is None:
        return {}
    return _grouped(conn, "entries e LEFT JOIN records r ON r.id = e.record_id", "e.list_id = ?", (list_id,),
                    resolve, group_slug, sum_source.attribute, filter_group)


def record_values_outside(conn: sqlite3.Connection, schema: SchemaRepo, object_slug: str, slug: str,
                          known: Sequence[str]) -> bool:
    """Whether any of an object's records holds a value of ``slug`` that is none of ``known`` (an
    option this cache has no definition of). A board asks before looking for those cards with a
    filtered query: this scan of the attribute's index stops at the first one, and there is
    usually none (the full query cost 1 s of a 1,000,000-deal board's open)."""
    attr_id = schema.attribute_id("object", object_slug, slug)
    if attr_id is None:
        return False
    marks = ", ".join("?" * len(known))
    outside = f" AND key NOT IN ({marks})" if known else ""
    sql = f"SELECT 1 FROM record_values WHERE attribute_id = ?{outside} LIMIT 1"
    return conn.execute(sql, (attr_id, *known)).fetchone() is not None
