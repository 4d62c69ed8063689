"""Turning values into index rows (record_values / entry_values) and search text.

The index is derived data: the canonical values live in ``values_json`` and the
index can always be rebuilt from them. Record and actor references keep no
fold/sort text here because the titles they show can change; queries join to
the current title instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, NullContext, codec_for, is_local_id
from crmdesk.model.attribute_types import SEARCHABLE_TYPES
from crmdesk.model.values import display_text, elements

IndexRow = tuple[int, int, int, Any, str, Any]
_NULL = NullContext()
REFERENCE_TYPES = frozenset({AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})
#: Text-like types: their sort key is their fold text, computed once.
_SORT_IS_FOLD = SEARCHABLE_TYPES


#: (Not phone numbers: they are stored as E.164 but shown, and so searched, in international
#: format, "+1 415-555-0123": their fold text is the codec's.)
_PLAIN_TEXT = frozenset({AttributeType.TEXT, AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN})
_PLAIN_NUMBER = frozenset({AttributeType.NUMBER, AttributeType.RATING})


def local_key_test(old_id: str) -> str:
    """An SQL test to AND with ``key = ?`` when looking a value up by the id it references: for a
    local id, the one that lets SQLite use the partial ``*_values_local_keys`` indexes (schema v13;
    key look-ups have no other index, and a sync renaming thousands of offline-made ids must not
    read every reference once per id); for a server id, none."""
    return " AND substr(key, 1, 6) = 'local-'" if is_local_id(old_id) else ""


def index_rows(attr_id: int, attr: AttributeDef, owner_rowid: int, value: Any) -> list[IndexRow]:
    items = elements(value)
    if not items:
        return []
    # Fast paths for the commonest types: the same keys the codecs produce (a property
    # test compares SQL answers with the model's), without the per-element calls.
    if attr.type in _PLAIN_TEXT:
        first = items[0].lower()
        text_rows: list[IndexRow] = [(attr_id, owner_rowid, 0, items[0], first, first)]
        text_rows.extend((attr_id, owner_rowid, i, item, item.lower(), None) for i, item in enumerate(items[1:], 1))
        return text_rows
    if attr.type in _PLAIN_NUMBER and len(items) == 1:
        item = items[0]
        return [(attr_id, owner_rowid, 0, item, str(item), float(item))]
    codec = codec_for(attr.type)
    rows: list[IndexRow] = []
    reference = attr.type in REFERENCE_TYPES
    sort_is_fold = attr.type in _SORT_IS_FOLD
    for ord_, item in enumerate(items):
        key = codec.match_key(item, attr)
        if reference:
            fold, sort = "", None
        else:
            fold = codec.fold(item, attr, _NULL)
            if ord_ == 0:
                sort = fold if sort_is_fold else codec.sort_key(item, attr, _NULL)
            else:
                sort = None
        rows.append((attr_id, owner_rowid, ord_, key, fold, sort))
    return rows


def search_body(attributes: Iterable[AttributeDef], values: Mapping[str, Any], skip: str | None) -> str:
    """Text-like values (other than the title) for the full-text index."""
    parts = []
    for attr in attributes:
        if attr.slug == skip or attr.type not in SEARCHABLE_TYPES:
            continue
        value = values.get(attr.slug)
        if value is not None:
            parts.append(display_text(attr, value))
    return " ".join(parts)
