"""What the local store knows about values: how many records use an attribute or an option."""

from __future__ import annotations

from collections import Counter
from typing import Any

from crmdesk.model import AttributeDef, Condition, FilterGroup, Operator


def records_with_value(store: Any, object_slug: str, attribute: AttributeDef) -> int:
    """How many of the object's records have a value for ``attribute`` (0 when it cannot tell)."""
    try:
        group = FilterGroup(children=(Condition(attribute.slug, Operator.IS_NOT_EMPTY),))
        return len(store.records.query_ids(object_slug, group))
    except Exception:  # an attribute the filter cannot address yet: count by reading the rows
        return sum(1 for row in _rows(store, object_slug) if row.values.get(attribute.slug) not in (None, [], ""))


def _rows(store: Any, object_slug: str) -> list[Any]:
    rowids = store.records.query_ids(object_slug)
    return list(store.records.rows(rowids))


def uses_option(value: Any, option_id: str) -> bool:
    return option_id in value if isinstance(value, list) else value == option_id


def records_using_option(store: Any, object_slug: str, attribute: AttributeDef, option_id: str) -> list[str]:
    """Ids of the records whose ``attribute`` holds ``option_id``."""
    return [row.id for row in _rows(store, object_slug) if uses_option(row.values.get(attribute.slug), option_id)]


def option_usage(store: Any, object_slug: str, attribute: AttributeDef) -> Counter[str]:
    """How many of the object's records hold each option of ``attribute``, from one read of the rows."""
    usage: Counter[str] = Counter()
    for row in _rows(store, object_slug):
        value = row.values.get(attribute.slug)
        usage.update(set(value) if isinstance(value, list) else [value] if value is not None else [])
    return usage


def replaced(value: Any, option_id: str, replacement: str | None) -> Any:
    """``value`` with ``option_id`` swapped for ``replacement`` (None: removed/emptied)."""
    if isinstance(value, list):
        out = [v for v in value if v != option_id]
        if replacement is not None and replacement not in out:
            out.append(replacement)
        return out or None
    return replacement
