"""Aria's records and values mapped both ways with the server's schema.

Aria sends values keyed by attribute slug in its own shapes; ``values.from_wire`` /
``to_wire`` map each one to and from the model's canonical values, and the shared policy of
``crmdesk.remote.schema_cache`` (skip bad values, refuse unknown slugs) applies them to whole
answers and writes. What is Aria's own: the record envelope, and the select arrays the real
server would silently drop, refused up front.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record
from crmdesk.model import values as model_values
from crmdesk.model.limits import ValueLimits
from crmdesk.remote import schema_cache
from crmdesk.remote.aria import wire
from crmdesk.remote.aria.values import from_wire, to_wire
from crmdesk.remote.rows import clean, timestamp

__all__ = ["ARIA_LIMITS", "decode_record", "decode_values",
           "encode_value", "encode_values"]

#: What the real server cannot hold although the model allows it.
ARIA_LIMITS = ValueLimits(one_value={AttributeType.SELECT: "This server keeps one option per select attribute"})


def decode_record(obj: ObjectDef, row: Mapping[str, Any]) -> Record:
    """A record; ``PoisonedRow`` for a poisoned id (``rows.each`` skips it in a page)."""
    record_id = wire.identity(row, "id", f"A record of {obj.slug}")
    owner = f"{obj.slug}/{record_id}"
    return Record(
        id=record_id,
        object_slug=obj.slug,
        values=decode_values(obj.by_slug, row.get("values"), owner=owner),
        created_at=timestamp(row.get("createdAt")),
        updated_at=timestamp(row.get("updatedAt")),
        created_by=clean(row.get("createdBy"), None, "author", owner),
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
    """Canonical values → an Aria ``values`` object, or ``ServerRejected`` naming each bad field."""
    return schema_cache.encode_values(attrs, values, write=encode_value)


def decode_values(attrs: Mapping[str, AttributeDef], raw: Any, *, owner: str) -> dict[str, Any]:
    """Canonical values from an Aria ``values`` object; bad ones are logged and skipped."""
    return schema_cache.decode_values(attrs, raw, owner=owner, read=from_wire)
