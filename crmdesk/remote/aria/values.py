"""Aria's wire shapes of attribute values, both ways. The model knows canonical values only.

In, the real server answers what clients sent (DESIGN §4): currency as ``{amount, currencyCode}``
from its web app, ``{amount, currency}`` or a bare number from API clients; names in camelCase or
snake_case; a status as its id or, written by title, its title; a record reference as
``{id, displayName, objectSlug}``. Out, crmdesk writes what the web app writes and reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ValidationError, codec_for
from crmdesk.model.codecs.numeric import currency_of
from crmdesk.model.values import Value, elements, pack_elements

#: The canonical name parts and the keys Aria's web app writes them under.
_NAME_KEYS = (("first_name", "firstName"), ("last_name", "lastName"))


def _choice_in(raw: Any, attr: AttributeDef) -> Any:
    element = codec_for(attr.type).validate(raw, attr)
    if attr.option_by_id(element) is None:
        # A title (what ``_status_out`` writes) names the option it resolves to.
        option = attr.option_by_title(element)
        if option is not None:
            return option.id
    return element


def _currency_in(raw: Any, attr: AttributeDef) -> Any:
    if isinstance(raw, dict):
        if raw.get("amount") in (None, ""):
            # An amount cleared in the web app may keep its code: that is no value.
            return None
        if raw.get("currencyCode") and not raw.get("currency"):
            raw = {"amount": raw["amount"], "currency": raw["currencyCode"]}
    return codec_for(attr.type).validate(raw, attr)


def _name_in(raw: Any, attr: AttributeDef) -> Any:
    # A name cleared in the web app keeps its keys with empty text: that is no value.
    if isinstance(raw, dict) and not any(isinstance(v, str) and v.strip() for v in raw.values()):
        return None
    return codec_for(attr.type).validate(raw, attr)


def _status_out(element: Any, attr: AttributeDef) -> Any:
    # Aria resolves status titles on write (case-insensitively); ids work too, but a title
    # survives a server that recreated its statuses.
    option = attr.option_by_id(element)
    return option.title if option else element


def _currency_out(element: Any, attr: AttributeDef) -> Any:
    # The web app reads ``currencyCode`` (and shows USD when it is missing), so that is the key
    # written; an amount whose code nobody knows is sent without one.
    code = currency_of(element, attr)
    return {"amount": element["amount"], "currencyCode": code} if code else {"amount": element["amount"]}


def _name_out(element: Any, attr: AttributeDef) -> Any:
    # The web app's name editor reads (and writes) the camelCase keys; snake_case names written
    # through the API show there as empty.
    wire = {wire_key: element[key] for key, wire_key in _NAME_KEYS if key in element}
    wire["fullName"] = element.get("full_name") or " ".join(wire.values())
    return wire


_IN: dict[AttributeType, Callable[[Any, AttributeDef], Any]] = {
    AttributeType.SELECT: _choice_in,
    AttributeType.STATUS: _choice_in,
    AttributeType.CURRENCY: _currency_in,
    AttributeType.PERSONAL_NAME: _name_in,
}
_OUT: dict[AttributeType, Callable[[Any, AttributeDef], Any]] = {
    AttributeType.STATUS: _status_out,
    AttributeType.CURRENCY: _currency_out,
    AttributeType.PERSONAL_NAME: _name_out,
}


def _element_in(raw: Any, attr: AttributeDef) -> Any:
    decode = _IN.get(attr.type)
    return decode(raw, attr) if decode is not None else codec_for(attr.type).validate(raw, attr)


def from_wire(attr: AttributeDef, raw: Any) -> Value:
    """A value as the Aria server sent it → canonical (``ValidationError`` naming the attribute)."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    try:
        if not isinstance(raw, list):
            # One element (most values): what the list path below gives for ``[raw]``, without the lists.
            item = _element_in(raw, attr)
            if item is None:
                return None
            return [item] if attr.multiselect else item
        items = [_element_in(item, attr) for item in raw if item not in (None, "")]
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None
    items = [item for item in items if item is not None]
    if not attr.multiselect and len(items) > 1:
        # A server that sent a list for a single-value attribute: keep the first rather than
        # fail the whole page (the caller logs what it skips).
        items = items[:1]
    return pack_elements(attr, items)


def to_wire(attr: AttributeDef, value: Value) -> Any:
    """Canonical → the shape the Aria server (and its web app) reads (None clears)."""
    if value is None:
        return None
    encode = _OUT.get(attr.type)
    wire = [encode(item, attr) if encode is not None else item for item in elements(value)]
    return wire if attr.multiselect else wire[0]
