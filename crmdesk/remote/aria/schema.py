"""The adapter's copy of the server's schema, and values mapped both ways with it.

Aria sends values keyed by attribute slug in its own shapes; ``values.from_wire`` /
``to_wire`` map each one to and from the model's canonical values. This module adds
what is about a whole answer rather than one value: unknown slugs are ignored, a value
that does not parse is logged and skipped (one odd value must not fail a page of 200
records), and the writes the real server would silently drop are refused up front. Poison
(``crmdesk.remote.limits``: a lone surrogate, a NUL, text over ``MAX_TEXT``) anywhere in a
value skips that value the same way, before any codec sees it; the record keeps the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record, ValidationError
from crmdesk.model import values as model_values
from crmdesk.model.limits import ValueLimits
from crmdesk.remote import limits
from crmdesk.remote.aria import wire
from crmdesk.remote.aria.values import from_wire, to_wire
from crmdesk.remote.errors import ServerRejected

log = logging.getLogger(__name__)

#: What the real server cannot hold although the model allows it.
ARIA_LIMITS = ValueLimits(one_value={AttributeType.SELECT: "This server keeps one option per select attribute"})

#: ``attributes_by_slug`` answers, by the identity of the ObjectDef they were built from (an
#: ObjectDef holds dicts, so it is not hashable; it is frozen, so its attributes never change).
_BY_SLUG: dict[int, tuple[ObjectDef, Mapping[str, AttributeDef]]] = {}
#: Objects come and go with schema pulls; a few dozen live at once. Beyond this, start over.
_BY_SLUG_LIMIT = 256


def attributes_by_slug(obj: ObjectDef) -> Mapping[str, AttributeDef]:
    """``{slug: attribute}`` of ``obj``, built once per ObjectDef (do not mutate it)."""
    entry = _BY_SLUG.get(id(obj))
    # The entry keeps its ObjectDef alive, so an id in the cache is never reused by another object.
    if entry is not None and entry[0] is obj:
        return entry[1]
    lookup = {a.slug: a for a in obj.attributes}
    if len(_BY_SLUG) >= _BY_SLUG_LIMIT:
        _BY_SLUG.clear()
    _BY_SLUG[id(obj)] = (obj, lookup)
    return lookup


class SchemaCache:
    """Objects by slug, refreshed by the adapter from ``objects()``."""

    def __init__(self) -> None:
        self._objects: dict[str, ObjectDef] = {}

    def replace(self, objects: list[ObjectDef]) -> None:
        self._objects = {obj.slug: obj for obj in objects}

    def put(self, obj: ObjectDef) -> None:
        self._objects[obj.slug] = obj

    def get(self, slug: str) -> ObjectDef | None:
        return self._objects.get(slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self._objects

    def __len__(self) -> int:
        return len(self._objects)


def decode_values(
    attrs: Mapping[str, AttributeDef], raw: Any, *, owner: str
) -> dict[str, Any]:
    """Canonical values from a wire ``values`` object; bad ones are logged and skipped."""
    out: dict[str, Any] = {}
    if not isinstance(raw, Mapping):
        return out
    for slug, wire_value in raw.items():
        attr = attrs.get(slug)
        if attr is None:
            # A new attribute we have not pulled yet: the next schema pull brings it.
            log.debug("ignoring unknown attribute %.60r on %s", slug, owner)
            continue
        problem = limits.flaw(wire_value)
        if problem is not None:
            log.warning("skipping the value of %r on %s: %s", slug, owner, problem)
            continue
        try:
            value = from_wire(attr, wire_value)
        except ValidationError as error:
            log.warning("skipping unreadable value of %r on %s: %.200s", slug, owner, error.message)
            continue
        if value is not None:
            out[slug] = value
    return out


def decode_record(obj: ObjectDef, row: Mapping[str, Any]) -> Record:
    """A record; ``PoisonedRow`` for a poisoned id (``wire.each`` skips it in a page)."""
    record_id = wire.identity(row, "id", f"A record of {obj.slug}")
    owner = f"{obj.slug}/{record_id}"
    return Record(
        id=record_id,
        object_slug=obj.slug,
        values=decode_values(attributes_by_slug(obj), row.get("values"), owner=owner),
        created_at=wire.timestamp(row.get("createdAt")),
        updated_at=wire.timestamp(row.get("updatedAt")),
        created_by=wire.clean(row.get("createdBy"), None, "author", owner),
    )


def encode_value(attr: AttributeDef, value: Any) -> Any:
    """One canonical value → what the real server stores (``None`` clears)."""
    checked = model_values.validate_value(attr, value)
    if checked is None:
        return None
    # The real server keeps a select value only when it is ONE option id as a bare string;
    # an array (or a title) is dropped without a word. Refuse what would be lost.
    ARIA_LIMITS.check(attr, checked)
    encoded = to_wire(attr, checked)
    if attr.type is AttributeType.SELECT and isinstance(encoded, list):
        return encoded[0]
    return encoded


def encode_values(attrs: Mapping[str, AttributeDef], values: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical values → a wire ``values`` object, or ``ServerRejected`` naming each bad field.

    Unknown slugs are refused here because the real server would drop them silently,
    which would lose the user's edit without a trace.
    """
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for slug, value in values.items():
        attr = attrs.get(slug)
        if attr is None:
            problems[slug] = "The server has no such attribute (it may have been deleted)."
            continue
        try:
            out[slug] = encode_value(attr, value)
        except ValidationError as error:
            problems[slug] = error.message
    if problems:
        detail = "; ".join(f"{slug}: {message}" for slug, message in sorted(problems.items()))
        raise ServerRejected(f"Some values cannot be sent: {detail}", field_errors=problems)
    return out
