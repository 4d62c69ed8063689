"""Atlas field values ↔ canonical values, one attribute at a time; the filters a look-up asks with.
Pure functions.

The wire forms (the seed's tables): string and text a string; date ``yyyy-mm-dd``; timestamp ISO
8601; decimal a number; user an Atlassian account id; single-select an option's label;
multi-select a list of labels. An empty field is absent or ``null``; ``null`` clears one.

A currency (a decimal whose template names a code) is a bare number on the wire, in the field's
code: it is read as ``{"amount", "currency": the field's code}``, and an amount in another code is
refused naming the field (there is no rate to convert by, and storing it would change its value).
An option is its label on the wire and in the model (``schema``), so a select is written as the
label it holds.

Filters (``?fields.ID[OP]=VALUE``): the operators each field type allows (``OPERATORS``); a
look-up asks with the one that finds equal values — ``eq``, else ``contains`` (multi-line text,
multi-select), which finds more, so the caller compares what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ValidationError, codec_for
from crmdesk.model.values import Value, elements, pack_elements
from crmdesk.remote.amounts import bare_amount
from crmdesk.remote.atlas.schema import FIELD_TYPE

T = AttributeType
#: Operators by Atlas field type, the default first (the seed's filter table).
OPERATORS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "string": ("eq", "contains"), "text": ("contains",), "date": ("eq", "gte", "lte"),
    "timestamp": ("eq", "gte", "lte"), "decimal": ("eq", "gte", "lte"), "user": ("eq",),
    "single-select": ("eq",), "multi-select": ("contains",),
})


def field_type(attr: AttributeDef) -> str:
    """The Atlas type of ``attr``, as its template said (``schema`` keeps it on every attribute);
    ``ValueError`` for an attribute that did not come from a template."""
    said = attr.config.get(FIELD_TYPE)
    if not isinstance(said, str) or said not in OPERATORS:
        raise ValueError(f"{attr.title or attr.slug} is not a field of an Atlas CRM template")
    return said


# -- in -------------------------------------------------------------------------------------------


def _element_in(attr: AttributeDef, raw: Any) -> Any:
    if attr.type is T.CURRENCY:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError("is not a number")
        return codec_for(T.CURRENCY).validate({"amount": raw, "currency": attr.currency_code}, attr)
    if attr.type is T.NUMBER and (isinstance(raw, bool) or not isinstance(raw, (int, float, str))):
        raise ValueError("is not a number")
    if attr.type in (T.TEXT, T.SELECT, T.ACTOR_REFERENCE, T.DATE, T.TIMESTAMP) and not isinstance(raw, str):
        raise ValueError("is not text")
    return codec_for(attr.type).validate(raw, attr)


def from_wire(attr: AttributeDef, raw: Any) -> Value:
    """A field's value → its canonical value (None: empty); ``ValidationError`` naming the field."""
    try:
        if raw is None or raw == "" or raw == []:
            return None
        if attr.multiselect:
            if not isinstance(raw, list):
                raise ValueError("is not a list of labels")
            return pack_elements(attr, [_element_in(attr, item) for item in raw if item not in (None, "")])
        return _element_in(attr, raw)
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None


# -- out ------------------------------------------------------------------------------------------


def _element_out(attr: AttributeDef, element: Any) -> Any:
    if attr.type is T.CURRENCY:
        return bare_amount(element, attr, "type the amount alone")
    return element  # text, a number, a date, a time, an account id, a label: as they are


def to_wire(attr: AttributeDef, value: Value) -> Any:
    """A canonical value (already validated) → what the field is written as; None clears it.
    ``ValidationError`` naming the field when it cannot be written."""
    items = elements(value)
    try:
        written = [_element_out(attr, element) for element in items]
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None
    if attr.multiselect:
        return written or None
    return written[0] if written else None


# -- filters ----------------------------------------------------------------------------------------


def equality_operator(attr: AttributeDef) -> str:
    """The operator that finds records holding a value: ``eq`` where the type has it, else the
    type's one operator (``contains``: more than equal ones come back)."""
    allowed = OPERATORS[field_type(attr)]
    return "eq" if "eq" in allowed else allowed[0]


def filter_param(attr: AttributeDef, element: Any, operator: str | None = None) -> tuple[str, str]:
    """``(fields.ID[OP], VALUE)`` for one canonical element; ``ValueError`` for an operator the
    field's type does not allow (the server would answer 400)."""
    op = operator or equality_operator(attr)
    kind = field_type(attr)
    if op not in OPERATORS[kind]:
        raise ValueError(f"{attr.title or attr.slug} ({kind}) cannot be filtered with “{op}” "
                         f"(only {', '.join(OPERATORS[kind])})")
    wire = _element_out(attr, element)
    return f"fields.{attr.slug}[{op}]", _query_text(wire)


def _query_text(wire: Any) -> str:
    if isinstance(wire, bool):
        return "true" if wire else "false"
    if isinstance(wire, float) and wire.is_integer():
        return str(int(wire))
    return str(wire)


__all__ = ["OPERATORS", "equality_operator", "field_type", "filter_param", "from_wire", "to_wire"]
