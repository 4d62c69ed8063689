"""Location, personal name and interaction: small dicts with known keys."""

from __future__ import annotations

from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, DisplayContext, MatchKey, require_storable, unstorable_problem
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.schema import AttributeDef

LOCATION_KEYS = ("line1", "line2", "city", "state", "postcode", "country")
_LOCATION_ALIASES = {
    "countryCode": "country",
    "country_code": "country",
    "line_1": "line1",
    "line_2": "line2",
    "postal_code": "postcode",
    "postalCode": "postcode",
    "zip": "postcode",
    "region": "state",
    "locality": "city",
}
_NAME_ALIASES = {
    "firstName": "first_name",
    "lastName": "last_name",
    "fullName": "full_name",
    "givenName": "first_name",
    "familyName": "last_name",
}
MAX_PART = 1000
NAME_KEYS = ("first_name", "last_name", "full_name")
#: Every key ``_clean_parts`` keeps, canonical or alias, → its canonical key.
_LOCATION_KEY_OF = {**{key: key for key in LOCATION_KEYS}, **_LOCATION_ALIASES}
_NAME_KEY_OF = {**{key: key for key in NAME_KEYS}, **_NAME_ALIASES}


def _canonical_parts(raw: dict[str, Any], key_of: dict[str, str]) -> dict[str, str] | None:
    """``_clean_parts`` for the common case (plain text parts, already trimmed, one per key), else None.

    Anything else — numbers, padding, empty or over-long text, two keys for one part —
    returns None and takes the general path, which gives its answer or its error.
    """
    parts: dict[str, str] = {}
    for key, value in raw.items():
        if value is None:
            continue
        canonical = key_of.get(key)
        if canonical is None:
            continue
        if (
            type(value) is not str
            or not value
            or len(value) > MAX_PART
            or value[0].isspace()
            or value[-1].isspace()
            or canonical in parts
            or unstorable_problem(value) is not None
        ):
            return None
        parts[canonical] = value
    return parts


def _clean_parts(raw: dict[str, Any], keys: tuple[str, ...], aliases: dict[str, str]) -> dict[str, str]:
    parts: dict[str, str] = {}
    for key, value in raw.items():
        key = aliases.get(key, key)
        if key not in keys or value is None:
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValueError(f"has a {key} that is not text")
        text = require_storable(str(value), key).strip()
        if len(text) > MAX_PART:
            raise ValueError(f"has a {key} longer than {MAX_PART} characters")
        if text:
            parts[key] = text
    return parts


class LocationCodec(Codec):
    type = AttributeType.LOCATION

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return self.validate({"line1": text}, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if type(element) is dict:
            fast = _canonical_parts(element, _LOCATION_KEY_OF)
            if fast:
                return {key: fast[key] for key in LOCATION_KEYS if key in fast}
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        if isinstance(element, str):
            element = {"line1": element}
        if not isinstance(element, dict):
            raise ValueError("expects an address")
        parts = _clean_parts(element, LOCATION_KEYS, _LOCATION_ALIASES)
        if not parts:
            raise ValueError("is an empty address")
        return {key: parts[key] for key in LOCATION_KEYS if key in parts}

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return ", ".join(element[key] for key in LOCATION_KEYS if key in element)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return ", ".join(element[key] for key in LOCATION_KEYS if key in element)


class PersonalNameCodec(Codec):
    type = AttributeType.PERSONAL_NAME

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        text = " ".join(text.split())
        if "," in text:
            last, _, first = text.partition(",")
            first, last = first.strip(), last.strip()
        else:
            first, _, last = text.partition(" ")
        return self.validate({"first_name": first, "last_name": last, "full_name": text}, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if isinstance(element, str):
            return self.parse_text(element, attr) if element.strip() else _raise_empty_name()
        if type(element) is dict:
            fast = _canonical_parts(element, _NAME_KEY_OF)
            if fast and "full_name" in fast:
                return {key: fast[key] for key in NAME_KEYS if key in fast}
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        if not isinstance(element, dict):
            raise ValueError("expects a name")
        parts = _clean_parts(element, NAME_KEYS, _NAME_ALIASES)
        if not parts:
            raise ValueError("is an empty name")
        if "full_name" not in parts:
            parts["full_name"] = " ".join(p for p in (parts.get("first_name"), parts.get("last_name")) if p)
        return {key: parts[key] for key in NAME_KEYS if key in parts}

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element.get("full_name") or "")

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element.get("full_name") or "")


def _raise_empty_name() -> Any:
    raise ValueError("is an empty name")


class InteractionCodec(Codec):
    """``{"type": "email", "subject": "...", "at": timestamp}`` — type is required."""

    type = AttributeType.INTERACTION

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        kind, sep, subject = text.partition(":")
        if not sep:
            kind, subject = "note", text
        return self.validate({"type": kind.strip().lower(), "subject": subject.strip()}, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if not isinstance(element, dict):
            raise ValueError("expects an interaction with a type, like {type: email}")
        kind = element.get("type") or element.get("interaction_type")
        if not isinstance(kind, str) or not kind.strip():
            raise ValueError("needs a type such as email, call or meeting")
        require_storable(kind, "type")
        if len(kind.strip()) > 100:
            raise ValueError("has a type longer than 100 characters")
        result: dict[str, Any] = {"type": kind.strip()}
        subject = element.get("subject")
        if subject not in (None, ""):
            if not isinstance(subject, str):
                raise ValueError("has a subject that is not text")
            if len(subject) > MAX_PART:
                raise ValueError(f"has a subject longer than {MAX_PART} characters")
            result["subject"] = require_storable(subject, "subject")
        when = element.get("at") or element.get("interacted_at")
        if when:
            result["at"] = parse_timestamp(when)
        return result

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        parts = [element["type"].capitalize()]
        if element.get("subject"):
            parts.append(element["subject"])
        if element.get("at"):
            parts.append(element["at"][:10])
        return " · ".join(parts)

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        subject = element.get("subject", "")
        return f"{element['type']}: {subject}" if subject else f"{element['type']}:"

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element["type"])
