"""Attribute-level value handling: emptiness, multiselect lists, named errors.

A stored value is ``None`` (empty), one canonical element, or — for multiselect
attributes — a non-empty list of elements. Everything here raises
``ValidationError`` naming the attribute, never a bare exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from crmdesk.model.codecs import DisplayContext, MatchKey, NullContext, SortKey, codec_for
from crmdesk.model.codecs.base import ParseContext, typed_text_problem
from crmdesk.model.errors import ValidationError
from crmdesk.model.schema import AttributeDef

Value = Any
_NULL_CONTEXT = NullContext()
#: Multiselect text splits on commas, semicolons and new lines — except for types
#: whose elements contain commas themselves (names, addresses, amounts).
_SPLIT = re.compile(r"[;\n]|,(?!\d{3}\b)")
_NO_COMMA_SPLIT = frozenset({"location", "personal_name", "currency", "interaction"})
#: ... which still split on semicolons and new lines (what ``edit_text`` joins them with).
_SPLIT_NO_COMMA = re.compile(r"[;\n]")


def _fail(attr: AttributeDef, error: ValueError) -> ValidationError:
    return ValidationError(attr.title or attr.slug, str(error))


def elements(value: Value) -> list[Any]:
    """The elements of a stored value: [] when empty, the list itself when multiselect."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def pack_elements(attr: AttributeDef, items: list[Any]) -> Value:
    """Elements → a stored value: None when empty, a de-duplicated list when multiselect."""
    if not items:
        return None
    if attr.multiselect:
        unique: list[Any] = []
        for item in items:
            if item not in unique:
                unique.append(item)
        return unique
    if len(items) > 1:
        raise ValidationError(attr.title or attr.slug, "takes a single value, not a list")
    return items[0]


def parse_user_text(
    attr: AttributeDef, text: str, previous: Value = None, *, region: str | None = None, tz: tzinfo | None = None
) -> Value:
    """What a user typed into an editor → a canonical value (``""`` clears it).

    ``previous`` is the value the text replaces: what the user did not type is kept from
    it (typing "31,500" over a euro amount keeps the euros). ``region`` is the user's country
    (ISO 3166 alpha-2, e.g. "GB"): phone numbers typed without a country code are numbers
    there; without it they must be typed with one (+44 …). ``tz`` is the zone a typed time
    without an offset is in (None: the machine's local zone).

    Text holding NUL, a lone surrogate or an invisible control character (C0 but tab, line
    feed and carriage return; DEL) is refused whatever the type: nobody types those on purpose.
    """
    if not isinstance(text, str):
        raise ValidationError(attr.title or attr.slug, "expects text from the editor")
    problem = typed_text_problem(text)
    if problem is not None:
        raise ValidationError(attr.title or attr.slug, problem)
    codec = codec_for(attr.type)
    context = ParseContext(region=region, tz=tz)
    if attr.multiselect:
        splitter = _SPLIT_NO_COMMA if attr.type.value in _NO_COMMA_SPLIT else _SPLIT
        pieces = [piece.strip() for piece in splitter.split(text)]
    else:
        pieces = [text.strip()]
    pieces = [piece for piece in pieces if piece]
    before = elements(previous)
    try:
        items = [
            codec.parse_edit(piece, attr, before[index] if index < len(before) else None, context)
            for index, piece in enumerate(pieces)
        ]
    except ValueError as error:
        raise _fail(attr, error) from None
    value = pack_elements(attr, items)
    if value is None and attr.required:
        raise ValidationError(attr.title or attr.slug, "is required")
    return value


def validate_value(attr: AttributeDef, value: Value) -> Value:
    """Check a value already in canonical shape (from the store, a test or a merge)."""
    codec = codec_for(attr.type)
    if isinstance(value, list) and not attr.multiselect:
        raise ValidationError(attr.title or attr.slug, "takes a single value, not a list")
    try:
        # An empty string is an empty value, as it is when typed or received.
        items = [codec.validate(item, attr) for item in elements(value) if item is not None and item != ""]
    except ValueError as error:
        raise _fail(attr, error) from None
    return pack_elements(attr, items)


def display_text(attr: AttributeDef, value: Value, ctx: DisplayContext = _NULL_CONTEXT) -> str:
    codec = codec_for(attr.type)
    return ", ".join(codec.display(item, attr, ctx) for item in elements(value))


def edit_text(attr: AttributeDef, value: Value, ctx: DisplayContext = _NULL_CONTEXT) -> str:
    codec = codec_for(attr.type)
    joiner = "; " if attr.type.value in _NO_COMMA_SPLIT else ", "
    return joiner.join(codec.edit_text(item, attr, ctx) for item in elements(value))


def sort_key(attr: AttributeDef, value: Value, ctx: DisplayContext = _NULL_CONTEXT) -> SortKey | None:
    """The key of the first element; ``None`` for empty (sorted last by the store)."""
    items = elements(value)
    if not items:
        return None
    return codec_for(attr.type).sort_key(items[0], attr, ctx)


def match_keys(attr: AttributeDef, value: Value) -> list[MatchKey]:
    codec = codec_for(attr.type)
    return [codec.match_key(item, attr) for item in elements(value)]


def fold_texts(attr: AttributeDef, value: Value, ctx: DisplayContext = _NULL_CONTEXT) -> list[str]:
    codec = codec_for(attr.type)
    return [codec.fold(item, attr, ctx) for item in elements(value)]


def search_text(attr: AttributeDef, value: Value, ctx: DisplayContext = _NULL_CONTEXT) -> str:
    """Words for the full-text index (empty for types that are not text-like)."""
    from crmdesk.model.attribute_types import SEARCHABLE_TYPES

    if attr.type not in SEARCHABLE_TYPES:
        return ""
    return " ".join(display_text(attr, item, ctx) for item in elements(value))


def values_equal(a: Value, b: Value) -> bool:
    """Equality of canonical values, treating ``None`` and ``[]`` alike."""
    return (a if a != [] else None) == (b if b != [] else None)


def changed_fields(before: dict[str, Value], after: dict[str, Value]) -> Iterable[str]:
    for slug in sorted(set(before) | set(after)):
        if not values_equal(before.get(slug), after.get(slug)):
            yield slug
