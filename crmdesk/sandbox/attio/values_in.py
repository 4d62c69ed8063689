"""Attio's input values (spec component ``input-value``) → canonical elements (``crmdesk.model`` shapes).

A write names attributes by slug or id and gives each an array of values (a bare value is read
as an array of one; ``[]`` clears). Each value may be the bare scalar or its object form:

- text, number, rating, checkbox, date, timestamp: the value or ``{"value": …}``;
- currency: a number or ``{"currency_value": n}`` — the code is the attribute's, one per attribute;
- select / status: an option or status id or title, or ``{"option": …}`` / ``{"status": …}``;
- email: a string or ``{"email_address": …}``; domain: a string or ``{"domain": …}``;
- phone: a string or ``{"original_phone_number": …, "country_code": …}`` (a national number
  is read in that country);
- location: the address object (``line_1``, ``line_2``, ``locality``, ``region``, ``postcode``,
  ``country_code`` in the canonical element; ``line_3``, ``line_4`` and the coordinates beside it,
  ``parts``, which the writer keeps in ``attio_value_parts``);
- personal name: ``{"first_name", "last_name", "full_name"}`` or the full name as a string;
- record reference: ``{"target_object", "target_record_id"}``, a bare record id, or
  ``{"target_object", <matching attribute>: [values]}`` (the record holding that value);
- actor reference: ``{"referenced_actor_type": "workspace-member", "referenced_actor_id"}``,
  ``{"workspace_member_email_address"}``, or a member id or e-mail address;
- interaction: ``{"interaction_type", "interacted_at", "owner_actor"}`` (the owner is not kept).

Unknown options, records and members are 400 ``value_not_found``; a value of the wrong shape
is 400 ``validation_type``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import phonenumbers

from crmdesk.model import AttributeDef, AttributeType, ValidationError
from crmdesk.model.values import validate_value
from crmdesk.sandbox.attio.errors import ApiError, invalid
from crmdesk.sandbox.attio.history import element_key
from crmdesk.sandbox.attio.parts import location_parts
from crmdesk.sandbox.attio.render import Names

#: ``(target object slug, attribute slug or id, values) -> record ids`` holding such a value.
Matcher = Callable[[str, str, list[Any]], list[str]]
_SCALAR_KEYS = {
    AttributeType.TEXT: "value", AttributeType.NUMBER: "value", AttributeType.RATING: "value",
    AttributeType.CHECKBOX: "value", AttributeType.DATE: "value", AttributeType.TIMESTAMP: "value",
    AttributeType.CURRENCY: "currency_value", AttributeType.SELECT: "option", AttributeType.STATUS: "status",
    AttributeType.EMAIL_ADDRESS: "email_address", AttributeType.DOMAIN: "domain",
}


def missing(message: str) -> ApiError:
    return ApiError(400, "value_not_found", message)


class ValueReader:
    def __init__(self, names: Names, matcher: Matcher) -> None:
        self.names = names
        self.matcher = matcher
        #: (attribute slug, element key) → the Attio-only parts written with that element (None:
        #: none), for every element read since ``parts`` was last emptied.
        self.parts: dict[tuple[str, str], dict[str, str] | None] = {}

    def elements(self, attr: AttributeDef, raw: Any) -> list[Any]:
        """The canonical elements of one attribute's written values (empty: clear it)."""
        items = raw if isinstance(raw, list) else [raw]
        out = []
        for item in items:
            if item is None or item == "":
                continue
            element = self._element(attr, item)
            try:
                checked = validate_value(attr, [element] if attr.multiselect else element)
            except ValidationError as error:
                raise invalid(f"Invalid value for attribute \"{attr.slug}\": {error}") from None
            made = checked if isinstance(checked, list) else [] if checked is None else [checked]
            if attr.type is AttributeType.LOCATION:
                parts = location_parts(item, attr.slug) if isinstance(item, dict) else None
                self.parts.update({(attr.slug, element_key(e)): parts for e in made})
            out.extend(made)
        return out

    def _element(self, attr: AttributeDef, item: Any) -> Any:
        kind = attr.type
        key = _SCALAR_KEYS.get(kind)
        if key is not None and isinstance(item, dict):
            if key not in item:
                raise invalid(f"A value of \"{attr.slug}\" ({kind.value}) needs \"{key}\"")
            item = item[key]
        if kind is AttributeType.CURRENCY:
            return {"amount": item, "currency": attr.currency_code or "USD"}
        if kind in (AttributeType.SELECT, AttributeType.STATUS):
            option = (attr.option_by_id(item) or attr.option_by_title(item)) if isinstance(item, str) else None
            if option is None:
                raise missing(f"Cannot find {'status' if kind is AttributeType.STATUS else 'select option'} "
                              f"\"{item}\" of attribute \"{attr.slug}\".")
            return option.id
        if kind is AttributeType.PHONE_NUMBER:
            return self._phone(item)
        if kind is AttributeType.RECORD_REFERENCE:
            return self.record_id(attr, item)
        if kind is AttributeType.ACTOR_REFERENCE:
            return self._actor(attr, item)
        if kind is AttributeType.INTERACTION and isinstance(item, dict):
            return {"type": item.get("interaction_type"), "at": item.get("interacted_at")}
        if kind is AttributeType.LOCATION and isinstance(item, dict):
            return {k: v for k, v in item.items() if v is not None}
        return item

    @staticmethod
    def _phone(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        number, country = item.get("original_phone_number") or item.get("phone_number"), item.get("country_code")
        if isinstance(number, str) and isinstance(country, str) and not number.strip().startswith("+"):
            try:
                parsed = phonenumbers.parse(number, country.upper())
                return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            except phonenumbers.NumberParseException:
                pass
        return number

    def record_id(self, attr: AttributeDef, item: Any) -> str:
        """The id of the record a reference names (checked to exist, and to be of the attribute's object)."""
        target = attr.target_object
        if isinstance(item, str):
            record_id = item
        elif isinstance(item, dict) and isinstance(item.get("target_record_id") or item.get("record_id"), str):
            record_id = item.get("target_record_id") or item["record_id"]
            target = self._target(attr, item.get("target_object")) or target
        elif isinstance(item, dict) and len(item) == 2 and isinstance(item.get("target_object"), str):
            target = self._target(attr, item["target_object"])
            name, values = next((k, v) for k, v in item.items() if k != "target_object")
            found = self.matcher(str(target), name, values if isinstance(values, list) else [values])
            if len(found) != 1:
                raise missing(f"{'No' if not found else 'More than one'} {target} record matches {name}.")
            record_id = found[0]
        else:
            raise invalid(f"A value of \"{attr.slug}\" needs target_object and target_record_id")
        ref = self.names.core.records.refs_of([record_id]).get(record_id)
        if ref is None or (target is not None and ref.object_slug != target):
            raise missing(f"Cannot find {target or 'a'} record with ID \"{record_id}\".")
        return record_id

    def _target(self, attr: AttributeDef, wanted: Any) -> str | None:
        if wanted is None:
            return attr.target_object
        row = self.names.objects.get(str(wanted))
        if row is None:
            raise missing(f"Cannot find object \"{wanted}\".")
        return str(row["slug"])

    def _actor(self, attr: AttributeDef, item: Any) -> str:
        wanted = item
        if isinstance(item, dict):
            wanted = item.get("referenced_actor_id") or item.get("workspace_member_email_address")
        user = self.names.user_id(wanted)
        if user is None:
            raise missing(f"Cannot find workspace member \"{wanted}\" for attribute \"{attr.slug}\".")
        return user
