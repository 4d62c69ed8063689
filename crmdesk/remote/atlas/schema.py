"""Atlas CRM's templates → the model's objects. Pure functions, no I/O.

Atlas has three fixed entity types, each an object (slug = the type): company, contact, sale. A
type's fields come from its template (``GET …/template/{type}``): sections, each with fields
``{id, label, type, default-value, config, required}``. A field becomes an attribute whose slug
and id are the field's id (built-in fields are ``<type>-<name>``, custom ones UUIDs), in template
order. The record page groups attributes by ``config["section"]`` (the section's name, in
template order); ``config["default"]`` is the template's ``default-value`` (absent when it has
none), kept to fill a new record's defaults as the server would; ``config["field_type"]`` the
Atlas type, which says how the field is filtered (``values.OPERATORS``).

| Atlas type | model |
| --- | --- |
| string, text | text |
| date | date |
| timestamp | timestamp |
| decimal | number; currency when ``config.currency`` names a code (kept as ``currency_code``) |
| user | actor reference (an Atlassian account id) |
| single-select | select |
| multi-select | select, multiselect |

A select's options are ``config.options``, a list of labels in display order (the seed is silent:
docs/remote.md, "atlas"); an option's id and title are both its label, since values are written
and read as labels. A field of a type not in the table is left out (one log line): its values are
then ignored on read, and never written.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.model.schema import DEFAULT_CONFIG
from crmdesk.remote.errors import ProtocolError
from crmdesk.remote.rows import clean, usable_identity

log = logging.getLogger(__name__)

T = AttributeType
#: Atlas's field types → the model's (a decimal with a currency is made a currency in ``attribute``).
TYPES: Mapping[str, AttributeType] = MappingProxyType({
    "string": T.TEXT, "text": T.TEXT, "date": T.DATE, "timestamp": T.TIMESTAMP, "decimal": T.NUMBER,
    "user": T.ACTOR_REFERENCE, "single-select": T.SELECT, "multi-select": T.SELECT,
})
#: The fixed entity types: slug → (singular, plural).
ENTITY_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "company": ("Company", "Companies"), "contact": ("Contact", "Contacts"), "sale": ("Sale", "Sales"),
})
#: ``AttributeDef.config`` keys: the section's name, the template's default value (a new record's
#: default), the Atlas type.
SECTION = "section"
DEFAULT = DEFAULT_CONFIG
FIELD_TYPE = "field_type"


def name_field(entity_type: str) -> str:
    """The id of a type's name field (its records' title): ``company-name``…"""
    return f"{entity_type}-name"


def _options(config: Mapping[str, Any], field_id: str) -> tuple[Option, ...]:
    raw = config.get("options")
    if not isinstance(raw, list):
        return ()
    found: list[Option] = []
    for label in raw:
        if not isinstance(label, str) or not label.strip():
            log.warning("leaving out an option of field %.60r that is not a label: %.40r", field_id, label)
            continue
        if clean(label, None, "option", f"field {field_id}") is None:
            continue
        if all(option.id != label for option in found):
            found.append(Option(id=label, title=label, order=len(found)))
    return tuple(found)


def attribute(row: Mapping[str, Any], section: str, order: int) -> AttributeDef | None:
    """One template field; None (logged) for a type the model does not know. ``PoisonedRow`` for an
    unusable id, ``ProtocolError`` for none."""
    ident = row.get("id")
    if not isinstance(ident, str) or not ident:
        raise ProtocolError("A template field from the server has no id: crmdesk cannot address it.")
    usable_identity(ident, "id", "A template field")
    wire_type = row.get("type")
    kind = TYPES.get(wire_type) if isinstance(wire_type, str) else None
    if kind is None:
        log.warning("leaving out field %.60r: its type %.40r is not one crmdesk knows", ident, wire_type)
        return None
    raw = row.get("config")
    raw = raw if isinstance(raw, Mapping) else {}
    config: dict[str, Any] = {SECTION: section, FIELD_TYPE: wire_type}
    default = clean(row.get("default-value"), None, "default value", f"field {ident}")
    if default is not None:
        config[DEFAULT] = default
    currency = raw.get("currency")
    if kind is T.NUMBER and isinstance(currency, str) and currency.strip():
        kind = T.CURRENCY
        config["currency_code"] = currency.strip().upper()
    label = clean(row.get("label"), None, "label", f"field {ident}")
    return AttributeDef(
        slug=ident, title=label.strip() if isinstance(label, str) and label.strip() else ident, type=kind, id=ident,
        required=row.get("required") is True, multiselect=wire_type == "multi-select",
        config=config, options=_options(raw, ident) if kind is T.SELECT else (), order=order,
        system=not _is_custom(ident),
    )


def _is_custom(field_id: str) -> bool:
    """A custom field has a UUID id; a built-in one is ``<type>-<name>``."""
    return len(field_id) == 36 and field_id.count("-") == 4


def object_def(entity_type: str, template: Any) -> ObjectDef:
    """A type's object from its template (``ProtocolError`` when it is not one). The name field
    goes first (the model takes the first text attribute as a record's title), the rest in
    template order."""
    if not isinstance(template, Mapping) or not isinstance(template.get("sections"), list):
        raise ProtocolError(f"The server's template of {entity_type} has no sections.")
    fields: list[tuple[Mapping[str, Any], str]] = []
    for section in template["sections"]:
        if not isinstance(section, Mapping) or not isinstance(section.get("fields"), list):
            raise ProtocolError(f"A section of the server's template of {entity_type} has no fields.")
        name = clean(section.get("name"), "", "section name", f"template {entity_type}")
        fields.extend((row, name if isinstance(name, str) else "") for row in section["fields"]
                      if isinstance(row, Mapping))
    title = name_field(entity_type)
    fields.sort(key=lambda pair: pair[0].get("id") != title)  # stable: the rest keep their order
    attributes: list[AttributeDef] = []
    for row, section_name in fields:
        found = attribute(row, section_name, len(attributes))
        if found is not None and all(a.slug != found.slug for a in attributes):
            attributes.append(found)
    singular, plural = ENTITY_TYPES.get(entity_type, (entity_type.title(), entity_type.title()))
    return ObjectDef(slug=entity_type, singular_name=singular, plural_name=plural, id=entity_type,
                     attributes=tuple(attributes), system=True)


__all__ = ["DEFAULT", "ENTITY_TYPES", "FIELD_TYPE", "SECTION", "TYPES", "attribute", "name_field", "object_def"]
