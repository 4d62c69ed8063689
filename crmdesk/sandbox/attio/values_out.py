"""Canonical values (``crmdesk.model`` shapes) → Attio's output values (spec component ``output-value``).

Each element of a stored value becomes one value object: its type's own fields, then
``attribute_type`` (hyphenated); ``values.py`` wraps them with ``active_from``, ``active_until``
and ``created_by_actor``. What the canonical form does not keep is answered empty here (a location's
``line_3``, ``line_4``, latitude and longitude, which ``values.py`` fills in from what a write gave,
``parts.py``; an interaction's owner) or derived (an address's domain parts, a phone number's
country). An element pointing at something gone (a deleted
option, record or member) is left out, as Attio leaves out a value whose target went.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import phonenumbers

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.sandbox.attio.render import SYSTEM_ACTOR, Names, attio_time, attio_type
from crmdesk.sandbox.core.records import RecordRef

#: Second-level labels under which a registrable domain has three labels (``example.co.uk``).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})
INTERACTION_TYPES = frozenset({"calendar-event", "call", "chat-thread", "email", "in-person-meeting", "meeting"})
#: The spec requires a phone number's country; a number no country claims is answered as this.
FALLBACK_COUNTRY = "US"


def root_domain(domain: str) -> str:
    labels = domain.lower().split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


#: Numbers whose country is remembered: a page of records asks again about the same numbers
#: (as ``crmdesk.model.codecs.text_like`` caches what the phone library says).
_PHONE_CACHE_SIZE = 131_072


@lru_cache(maxsize=_PHONE_CACHE_SIZE)
def phone_country(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return FALLBACK_COUNTRY
    region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code or 0)
    return region if region and region != "ZZ" else FALLBACK_COUNTRY


def country_code(country: Any) -> str | None:
    text = str(country or "").strip()
    return text.upper() if len(text) == 2 and text.isalpha() else None


class ValueRenderer:
    """Renders the elements of one object's (or list's, ``is_list``) attributes; ``owner_id`` is
    that object's or list's id (an option's nested id names it); ``refs`` are the records the
    reference values point at (their objects' slugs are answered)."""

    def __init__(self, names: Names, owner_id: str, *, is_list: bool = False,
                 refs: dict[str, RecordRef] | None = None) -> None:
        self.names = names
        self.owner_id = owner_id
        self.is_list = is_list
        self.refs = refs or {}

    def _attribute_row(self, attr: AttributeDef) -> dict[str, Any]:
        return {"id": attr.id, "type": attr.type.value, "object_id": None if self.is_list else self.owner_id,
                "list_id": self.owner_id if self.is_list else None}

    def fields(self, attr: AttributeDef, element: Any) -> dict[str, Any] | None:
        """The type's own fields of one element, with ``attribute_type``; None when it names something gone."""
        body = self._fields(attr, element)
        return None if body is None else {**body, "attribute_type": attio_type(attr.type.value)}

    def _fields(self, attr: AttributeDef, element: Any) -> dict[str, Any] | None:
        kind = attr.type
        if kind in (AttributeType.TEXT, AttributeType.NUMBER, AttributeType.RATING, AttributeType.CHECKBOX,
                    AttributeType.DATE):
            return {"value": element}
        if kind is AttributeType.TIMESTAMP:
            return {"value": attio_time(element)}
        if kind is AttributeType.CURRENCY:
            return {"currency_value": element["amount"], "currency_code": attr.currency_code or "USD"}
        if kind in (AttributeType.SELECT, AttributeType.STATUS):
            option = attr.option_by_id(element)
            if option is None:
                return None
            row = {"id": option.id, "title": option.title}
            shaped = self.names.option_json(self._attribute_row(attr), row)
            return {"status" if kind is AttributeType.STATUS else "option": shaped}
        if kind is AttributeType.EMAIL_ADDRESS:
            local, _, domain = str(element).rpartition("@")
            return {"original_email_address": element, "email_address": element, "email_domain": domain,
                    "email_root_domain": root_domain(domain), "email_local_specifier": local}
        if kind is AttributeType.PHONE_NUMBER:
            return {"original_phone_number": element, "country_code": phone_country(element), "phone_number": element}
        if kind is AttributeType.DOMAIN:
            return {"domain": element, "root_domain": root_domain(element)}
        if kind is AttributeType.LOCATION:
            return {"line_1": element.get("line1"), "line_2": element.get("line2"), "line_3": None, "line_4": None,
                    "locality": element.get("city"), "region": element.get("state"),
                    "postcode": element.get("postcode"), "country_code": country_code(element.get("country")),
                    "latitude": None, "longitude": None}
        if kind is AttributeType.PERSONAL_NAME:
            return {"first_name": element.get("first_name") or "", "last_name": element.get("last_name") or "",
                    "full_name": element.get("full_name") or ""}
        if kind is AttributeType.RECORD_REFERENCE:
            ref = self.refs.get(str(element))
            return None if ref is None else {"target_object": ref.object_slug, "target_record_id": ref.id}
        if kind is AttributeType.ACTOR_REFERENCE:
            member = self.names.member_id(str(element))
            return None if member is None else {"referenced_actor_type": "workspace-member",
                                                "referenced_actor_id": member}
        if kind is AttributeType.INTERACTION:
            kind_text = str(element.get("type", "")).lower()
            return {"interaction_type": kind_text if kind_text in INTERACTION_TYPES else "meeting",
                    "interacted_at": attio_time(element.get("at")) or "1970-01-01T00:00:00.000000000Z",
                    "owner_actor": dict(SYSTEM_ACTOR)}
        return {"value": element}
