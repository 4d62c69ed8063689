"""Attio's value objects ↔ canonical values, one attribute at a time. The model knows canonical values only.

In: an attribute's answer is a list of value objects (the spec's ``output-value``); only the
active ones (``active_until`` null) are read, each by its type's own fields, then checked by the
model's codec. An actor other than a workspace member (an API token, the system, an app) is no
member id: such an element is left out. Location lines 2-4 are one ``line2`` (the model has
two lines); latitude and longitude are not kept.

Out: each element in the shape the spec's ``input-value`` takes (docs/remote.md, "attio"): plain
values as they are (text, numbers, true/false, ISO dates and times, a rating, an option's or
status's id), the rest as objects. A currency is the attribute's: an amount in another code than
the attribute's own cannot be held (Attio stores ``currency_value`` only) and is refused naming
the attribute. Interactions are Attio's own (from mail and calendars): never written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import phonenumbers

from crmdesk.model import AttributeDef, AttributeType, ValidationError, codec_for
from crmdesk.model.values import Value, elements, pack_elements
from crmdesk.remote.attio import ids

T = AttributeType
#: Attio's type names → the model's (every one of the 17 has one).
TYPES: Mapping[str, AttributeType] = MappingProxyType({
    "text": T.TEXT, "number": T.NUMBER, "checkbox": T.CHECKBOX, "currency": T.CURRENCY, "date": T.DATE,
    "timestamp": T.TIMESTAMP, "rating": T.RATING, "status": T.STATUS, "select": T.SELECT,
    "record-reference": T.RECORD_REFERENCE, "actor-reference": T.ACTOR_REFERENCE, "location": T.LOCATION,
    "domain": T.DOMAIN, "email-address": T.EMAIL_ADDRESS, "phone-number": T.PHONE_NUMBER,
    "interaction": T.INTERACTION, "personal-name": T.PERSONAL_NAME,
})
WIRE_TYPES: Mapping[AttributeType, str] = MappingProxyType({kind: name for name, kind in TYPES.items()})
#: Written as they are (``{"value": …}`` objects are the other spelling the spec allows).
_PLAIN = frozenset({T.TEXT, T.NUMBER, T.CHECKBOX, T.DATE, T.TIMESTAMP, T.RATING})
#: Config key: an attribute the server does not let anyone write (``is_writable`` false).
READ_ONLY = "read_only"
#: ``(attribute, record id) → the slug of the object the record is of``: what a reference needs.
TargetOf = Callable[[AttributeDef, str], str]


def active(raw: Any) -> list[Mapping[str, Any]]:
    """The active value objects of an attribute's answer (``active_until`` null)."""
    if not isinstance(raw, list):
        raise ValueError("is not a list of values")
    return [item for item in raw if isinstance(item, Mapping) and item.get("active_until") is None]


def _inner_or_text(raw: Any, key: str) -> Any:
    """An option or status: its id as a string, or the object whose innermost id it is."""
    return ids.raw_inner(raw, key) if isinstance(raw, Mapping) else raw


def _location_in(raw: Mapping[str, Any]) -> dict[str, Any]:
    rest = [raw.get(key) for key in ("line_2", "line_3", "line_4")]
    return {
        "line1": raw.get("line_1"),
        "line2": ", ".join(part.strip() for part in rest if isinstance(part, str) and part.strip()) or None,
        "city": raw.get("locality"), "state": raw.get("region"), "postcode": raw.get("postcode"),
        "country": raw.get("country_code"),
    }


def _name_in(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    parts = {key: raw.get(key) for key in ("first_name", "last_name", "full_name")}
    if not any(isinstance(part, str) and part.strip() for part in parts.values()):
        return None  # Attio answers "" for parts a person has not got: no name at all
    return {key: part for key, part in parts.items() if isinstance(part, str) and part.strip()}


def element_in(attr: AttributeDef, raw: Mapping[str, Any]) -> Any:
    """One active value object → its canonical element (None: left out); ``ValueError``/``KeyError``
    when it does not read."""
    kind = attr.type
    if kind in _PLAIN:
        element: Any = raw["value"]
    elif kind is T.CURRENCY:
        element = {"amount": raw["currency_value"], "currency": raw.get("currency_code")}
    elif kind is T.SELECT:
        element = _inner_or_text(raw["option"], "option_id")
    elif kind is T.STATUS:
        element = _inner_or_text(raw["status"], "status_id")
    elif kind is T.EMAIL_ADDRESS:
        element = raw.get("email_address") or raw["original_email_address"]
    elif kind is T.PHONE_NUMBER:
        element = raw.get("phone_number") or raw["original_phone_number"]
    elif kind is T.DOMAIN:
        element = raw["domain"]
    elif kind is T.LOCATION:
        element = _location_in(raw)
    elif kind is T.PERSONAL_NAME:
        element = _name_in(raw)
    elif kind is T.RECORD_REFERENCE:
        element = raw["target_record_id"]
    elif kind is T.ACTOR_REFERENCE:
        actor = {"type": raw.get("referenced_actor_type"), "id": raw.get("referenced_actor_id")}
        element = ids.member_of(actor)
    else:  # interaction
        element = {"type": raw["interaction_type"], "at": raw.get("interacted_at")}
    return None if element is None else codec_for(kind).validate(element, attr)


def from_wire(attr: AttributeDef, raw: Any) -> Value:
    """An attribute's list of value objects → its canonical value (``ValidationError`` naming it)."""
    try:
        items = [element for item in active(raw) if (element := element_in(attr, item)) is not None]
    except (ValueError, KeyError, TypeError) as error:
        detail = f"has no {error}" if isinstance(error, KeyError) else str(error)
        raise ValidationError(attr.title or attr.slug, detail) from None
    return pack_elements(attr, items if attr.multiselect else items[:1])


# -- out ------------------------------------------------------------------------------------------


def _currency_out(element: Mapping[str, Any], attr: AttributeDef) -> dict[str, Any]:
    code, held = element.get("currency"), attr.currency_code
    if code and held and code != held:
        raise ValueError(f"is kept in {held} on this server; an amount in {code} cannot be stored "
                         f"(type it in {held})")
    return {"currency_value": element["amount"]}


def _phone_out(element: str) -> dict[str, Any]:
    body: dict[str, Any] = {"original_phone_number": element}
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(element, None))
    except phonenumbers.NumberParseException:
        region = None  # a number kept as the server wrote it: Attio reads its own again
    if region and region != "ZZ":
        body["country_code"] = region
    return body


def _location_out(element: Mapping[str, Any]) -> dict[str, Any]:
    country = element.get("country")
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ValueError(f"has the country “{country[:40]}”: this server takes a two-letter code such as GB")
    return {
        "line_1": element.get("line1"), "line_2": element.get("line2"), "line_3": None, "line_4": None,
        "locality": element.get("city"), "region": element.get("state"), "postcode": element.get("postcode"),
        "country_code": country.upper() if country else None, "latitude": None, "longitude": None,
    }


def _name_out(element: Mapping[str, Any]) -> dict[str, str]:
    first, last = element.get("first_name") or "", element.get("last_name") or ""
    return {"first_name": first, "last_name": last,
            "full_name": element.get("full_name") or " ".join(p for p in (first, last) if p)}


def element_out(attr: AttributeDef, element: Any, target_of: TargetOf) -> Any:
    """A canonical element → what the spec's ``input-value`` takes (``ValueError`` when it cannot)."""
    kind = attr.type
    if kind in _PLAIN or kind in (T.SELECT, T.STATUS):
        return element
    if kind is T.CURRENCY:
        return _currency_out(element, attr)
    if kind is T.EMAIL_ADDRESS:
        return {"email_address": element}
    if kind is T.PHONE_NUMBER:
        return _phone_out(element)
    if kind is T.DOMAIN:
        return {"domain": element}
    if kind is T.LOCATION:
        return _location_out(element)
    if kind is T.PERSONAL_NAME:
        return _name_out(element)
    if kind is T.RECORD_REFERENCE:
        record_id = _uuid(element, "record")
        return {"target_object": target_of(attr, record_id), "target_record_id": record_id}
    if kind is T.ACTOR_REFERENCE:
        return {"referenced_actor_type": "workspace-member", "referenced_actor_id": _uuid(element, "member")}
    raise ValueError("is recorded by Attio from e-mail and calendars; it cannot be written")


def _uuid(element: str, what: str) -> str:
    if not ids.is_uuid(element):
        raise ValueError(f"names a {what} this server does not know (yet): “{element[:60]}”")
    return element


def to_wire(attr: AttributeDef, value: Value, target_of: TargetOf) -> list[Any]:
    """A canonical value (already validated) → the list an attribute is written as; ``[]`` clears.
    ``ValidationError`` naming the attribute when it cannot be written."""
    if attr.config.get(READ_ONLY):
        raise ValidationError(attr.title or attr.slug, "is kept by Attio itself and cannot be changed")
    try:
        return [element_out(attr, element, target_of) for element in elements(value)]
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None


__all__ = ["READ_ONLY", "TYPES", "WIRE_TYPES", "TargetOf", "active", "element_in", "element_out", "from_wire",
           "to_wire"]
