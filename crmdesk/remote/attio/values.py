"""Attio's value objects ↔ canonical values, one attribute at a time. The model knows canonical values only.

In: an attribute's answer is a list of value objects (the spec's ``output-value``); only the
active ones (``active_until`` null) are read, each by its type's own fields, then checked by the
model's codec. An actor other than a workspace member (an API token, the system, an app) is no
member id: such an element is left out. Location lines 2-4 are one ``line2`` (the model has
two lines); latitude and longitude are not in the model.

Out: each element in the shape the spec's ``input-value`` takes (docs/remote.md, "attio"): plain
values as they are (text, numbers, true/false, ISO dates and times, a rating, an option's or
status's id), the rest as objects. A currency is written as ``currency_value`` only (the code is
the attribute's ``default_currency_code``): an amount with a code other than the attribute's, or
with any code on an attribute that has none, cannot be held and is refused naming the attribute.
Interactions are Attio's own (from mail and calendars): never written.

A location is written whole (the spec's ``input-value`` has all ten keys), so what the model does
not hold is carried over from the value the server has (``current``, its active value objects, read
just before the write) rather than erased (``carried``): lines 2-4 as they were when the model's
``line2`` is still their join, and latitude and longitude when the place they locate — line 1,
city, state, postcode and country — is unchanged. A line 2 the user changed is written as
``line_2`` (lines 3 and 4 cleared: what the user saw as one line is now that line); a changed
place clears the coordinates (they would point at the old address).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import phonenumbers

from crmdesk.model import AttributeDef, AttributeType, ValidationError, codec_for
from crmdesk.model.values import Value, elements, pack_elements
from crmdesk.remote.amounts import bare_amount
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


def _joined_lines(raw: Mapping[str, Any]) -> str | None:
    """Lines 2-4 of an Attio location as the model's one ``line2``."""
    rest = [raw.get(key) for key in ("line_2", "line_3", "line_4")]
    return ", ".join(part.strip() for part in rest if isinstance(part, str) and part.strip()) or None


def _location_in(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "line1": raw.get("line_1"), "line2": _joined_lines(raw),
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
    """``{"currency_value": n}``: Attio keeps the code on the attribute, never on the value."""
    return {"currency_value": bare_amount(element, attr, "give the attribute a currency in Attio, or type the "
                                                         "amount alone")}


def _phone_out(element: str) -> dict[str, Any]:
    body: dict[str, Any] = {"original_phone_number": element}
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(element, None))
    except phonenumbers.NumberParseException:
        region = None  # a number kept as the server wrote it: Attio reads its own again
    if region and region != "ZZ":
        body["country_code"] = region
    return body


#: The parts of a model location that say where it is: the coordinates belong to them.
_PLACE = ("line1", "city", "state", "postcode", "country")


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _same_place(element: Mapping[str, Any], was: Mapping[str, Any]) -> bool:
    """The same place (a change of case is no move)."""
    def folded(value: Any) -> str | None:
        text = _text(value)
        return text.casefold() if text else None

    return all(folded(element.get(key)) == folded(was.get(key)) for key in _PLACE)


def carried(element: Mapping[str, Any], current: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What a written location keeps of the server's value (``current``: its active value objects;
    the one this element replaces is the one that reads the same, else the same place, else the same
    lines): lines 2-4 as they were while ``line2`` is still their join, the coordinates while the
    place (line 1, city, state, postcode, country) is unchanged."""
    def lines_kept(raw: Mapping[str, Any]) -> bool:
        return _joined_lines(raw) == _text(element.get("line2"))

    def place_kept(raw: Mapping[str, Any]) -> bool:
        return _same_place(element, _location_in(raw))

    ranked = sorted(current, key=lambda raw: (not (lines_kept(raw) and place_kept(raw)), not place_kept(raw),
                                              not lines_kept(raw)))
    before = next((raw for raw in ranked if lines_kept(raw) or place_kept(raw)), None)
    kept: dict[str, Any] = {}
    if before is None:
        return kept
    if lines_kept(before):
        kept.update({key: before.get(key) if isinstance(before.get(key), str) else None
                     for key in ("line_2", "line_3", "line_4")})
    if place_kept(before):
        kept.update({key: before.get(key) if isinstance(before.get(key), str) else None
                     for key in ("latitude", "longitude")})
    return kept


def _location_out(element: Mapping[str, Any], current: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    country = element.get("country")
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ValueError(f"has the country “{country[:40]}”: this server takes a two-letter code such as GB")
    return {
        "line_1": element.get("line1"), "line_2": element.get("line2"), "line_3": None, "line_4": None,
        "locality": element.get("city"), "region": element.get("state"), "postcode": element.get("postcode"),
        "country_code": country.upper() if country else None, "latitude": None, "longitude": None,
        **carried(element, current),
    }


def _name_out(element: Mapping[str, Any]) -> dict[str, str]:
    first, last = element.get("first_name") or "", element.get("last_name") or ""
    return {"first_name": first, "last_name": last,
            "full_name": element.get("full_name") or " ".join(p for p in (first, last) if p)}


def element_out(attr: AttributeDef, element: Any, target_of: TargetOf,
                current: Sequence[Mapping[str, Any]] = ()) -> Any:
    """A canonical element → what the spec's ``input-value`` takes (``ValueError`` when it cannot).
    ``current``: the attribute's active value objects on the server (a location keeps what the
    model cannot hold of them, ``carried``)."""
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
        return _location_out(element, current)
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


def to_wire(attr: AttributeDef, value: Value, target_of: TargetOf, current: Any = None) -> list[Any]:
    """A canonical value (already validated) → the list an attribute is written as; ``[]`` clears.
    ``current``: the attribute's answer on the server (its list of value objects) where the write
    must keep what the model cannot hold (a location's). ``ValidationError`` naming the attribute
    when it cannot be written."""
    if attr.config.get(READ_ONLY):
        raise ValidationError(attr.title or attr.slug, "is kept by Attio itself and cannot be changed")
    now = active(current) if isinstance(current, list) else []
    try:
        return [element_out(attr, element, target_of, now) for element in elements(value)]
    except ValueError as error:
        raise ValidationError(attr.title or attr.slug, str(error)) from None


__all__ = ["READ_ONLY", "TYPES", "WIRE_TYPES", "TargetOf", "active", "carried", "element_in", "element_out",
           "from_wire", "to_wire"]
