"""Atomic's wire values ↔ canonical values, one field at a time. The model knows canonical values only.

In: plain JSON scalars — text, numbers (``amount``), integer ids for references (``companyId: 3``;
custom objects send them as text, ``"1"``) read as ids qualified by the resource they point at
(``companies/3``, owners ``crm_users/2``: see ``ids``), a stage value for ``status``, ISO text
for dates; a person's name as ``{first_name, last_name}`` (from ``firstName``/``lastName``), the
model's personal name with the full name composed.
Out: the same scalars (a personal name as its ``{first_name, last_name}``, which the record
writer spreads over the two fields); a reference is written as the integer the server keys it by, after
checking it is an id of the resource the field points at (an id made offline, ``local-…``,
cannot be: the create it waits for has to be sent first).
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ValidationError, codec_for
from crmdesk.model import values as model_values
from crmdesk.model.values import Value, elements, pack_elements
from crmdesk.remote.atomic import ids
from crmdesk.remote.atomic.resources import BY_OBJECT, MEMBERS, FieldSpec
from crmdesk.remote.errors import ServerRejected

_REFERENCES = frozenset({AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})


def target(attr: AttributeDef) -> str:
    """The resource a reference attribute points at: members for an actor reference, else the
    resource of its ``target_object`` (a custom object's resource is its slug)."""
    if attr.type is AttributeType.ACTOR_REFERENCE:
        return MEMBERS
    slug = attr.config.get("target_object") if attr.config else None
    if not isinstance(slug, str) or not slug:
        raise ValidationError(attr.title or attr.slug, "does not say which records it points at")
    builtin = BY_OBJECT.get(slug)
    return builtin.name if builtin is not None else slug


def _empty_name(raw: Any) -> bool:
    # A contact without a first or last name answers them null (049, 056): that part is no value.
    return isinstance(raw, dict) and not any(isinstance(v, str) and v.strip() for v in raw.values())


def _name_out(element: Any, attr: AttributeDef) -> dict[str, Any]:
    """A personal name → ``{first_name, last_name}``, both always (a part the name lacks is
    cleared: the value is the whole name). A name held as a full name only is split as the
    model's codec splits typed text."""
    if not element.get("first_name") and not element.get("last_name") and element.get("full_name"):
        element = codec_for(attr.type).parse_text(str(element["full_name"]), attr)
    return {"first_name": element.get("first_name") or None, "last_name": element.get("last_name") or None}


def _element_in(raw: Any, attr: AttributeDef) -> Any:
    if attr.type in _REFERENCES:
        return ids.qualified(target(attr), raw)  # ValueError when it is no integer id
    return codec_for(attr.type).validate(raw, attr)


def from_wire(attr: AttributeDef, raw: Any) -> Value:
    """A value as the server sent it → canonical (``ValidationError`` naming the attribute)."""
    if raw is None or raw == "" or raw == [] or (attr.type is AttributeType.PERSONAL_NAME and _empty_name(raw)):
        return None
    try:
        given = raw if isinstance(raw, list) else [raw]
        items = [_element_in(item, attr) for item in given if item not in (None, "")]
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None
    if not attr.multiselect:
        items = items[:1]
    return pack_elements(attr, items)


def _element_out(element: Any, attr: AttributeDef) -> Any:
    if attr.type in _REFERENCES:
        try:
            return ids.number_in(element, target(attr), attr.slug)
        except ServerRejected as error:
            # Gathered by ``schema_cache.encode_values`` into one rejection naming every field.
            raise ValidationError(attr.title or attr.slug, error.field_errors[attr.slug]) from None
    if attr.type is AttributeType.PERSONAL_NAME:
        return _name_out(element, attr)
    # Text, numbers, a stage's value, ISO dates and times, true/false: as they are.
    return element


def to_wire(attr: AttributeDef, value: Value) -> Any:
    """Canonical → what the server stores (None clears)."""
    if value is None:
        return None
    wire = [_element_out(item, attr) for item in elements(value)]
    return wire if attr.multiselect else wire[0]


def encoder(spec_of: dict[str, FieldSpec]) -> Any:
    """The per-value writer of ``schema_cache.encode_values`` for a resource: read-only fields
    (the owner) are refused up front, as the server would refuse the key with a 400."""

    def encode(attr: AttributeDef, value: Any) -> Any:
        spec = spec_of.get(attr.slug)
        if spec is None or not spec.writable:
            raise ValidationError(attr.title or attr.slug, "cannot be changed through this server's API")
        return to_wire(attr, model_values.validate_value(attr, value))

    return encode
