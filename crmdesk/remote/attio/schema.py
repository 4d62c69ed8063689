"""Attio's objects, attributes, options and statuses → the model's schema. Pure functions, no I/O.

- An object is named by its ``api_slug``; its ``object_id`` UUID is ``ObjectDef.id`` (configs,
  comments and lists name objects by id). An object without a slug cannot be addressed by
  crmdesk and is left out (logged).
- An attribute's type maps one to one (``values.TYPES``); ``is_multiselect`` only where the model
  allows several values of the type. Config: a currency's
  ``config.currency.default_currency_code`` is the model's ``currency_code`` (what
  ``AttributeDef.currency_code`` and the codec's ``currency_of`` read); a record reference allowing
  exactly one object has it as ``target_object`` (every allowed object's slug is in
  ``allowed_objects``); ``is_writable`` false is ``read_only`` (writes are refused up front).
- An option or status: ``Option(id, title, order=its place, active=not is_archived)``. Attio has
  no colours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crmdesk.model import MULTISELECT_TYPES, AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.values import READ_ONLY, TYPES, WIRE_TYPES
from crmdesk.remote.errors import PoisonedRow, ProtocolError
from crmdesk.remote.rows import clean, usable_identity

log = logging.getLogger(__name__)

#: Attio's standard objects (its docs): shown as built in.
STANDARD_OBJECTS = frozenset({"people", "companies", "deals", "users", "workspaces"})


def _text(row: Mapping[str, Any], key: str, owner: str) -> str | None:
    value = clean(row.get(key), None, key, owner)
    return value if isinstance(value, str) and value.strip() else None


def slug_of(row: Mapping[str, Any], what: str) -> str:
    """An object's, list's or attribute's ``api_slug``: ``ProtocolError`` when missing,
    ``PoisonedRow`` when unusable."""
    slug = row.get("api_slug")
    if not isinstance(slug, str) or not slug:
        raise PoisonedRow(f"{what} from the server has no api_slug: crmdesk cannot address it.")
    return usable_identity(slug, "api_slug", what)


def object_def(row: Mapping[str, Any], attributes: tuple[AttributeDef, ...]) -> ObjectDef:
    slug = slug_of(row, "An object")
    return ObjectDef(
        slug=slug,
        singular_name=_text(row, "singular_noun", f"object {slug}") or slug,
        plural_name=_text(row, "plural_noun", f"object {slug}") or slug,
        icon=None,
        id=ids.raw_inner(row, "object_id"),
        attributes=attributes,
        system=slug in STANDARD_OBJECTS,
    )


def _config(row: Mapping[str, Any], kind: AttributeType, object_slugs: Mapping[str, str]) -> dict[str, Any]:
    raw = row.get("config")
    raw = raw if isinstance(raw, Mapping) else {}
    config: dict[str, Any] = {}
    if kind is AttributeType.CURRENCY:
        currency = raw.get("currency")
        code = currency.get("default_currency_code") if isinstance(currency, Mapping) else None
        if isinstance(code, str) and code:
            config["currency_code"] = code
    elif kind is AttributeType.RECORD_REFERENCE:
        reference = raw.get("record_reference")
        allowed = reference.get("allowed_object_ids") if isinstance(reference, Mapping) else None
        slugs = [object_slugs[i] for i in allowed or () if isinstance(i, str) and i in object_slugs]
        if slugs:
            config["allowed_objects"] = slugs
        if len(slugs) == 1 and len(allowed or ()) == 1:
            config["target_object"] = slugs[0]
    if row.get("is_writable") is False or kind is AttributeType.INTERACTION:
        config[READ_ONLY] = True
    return config


def attribute(
    row: Mapping[str, Any], object_slugs: Mapping[str, str], order: int, choices: tuple[Option, ...] = (),
) -> AttributeDef | None:
    """An attribute; None (logged) for a type the model does not know. ``PoisonedRow`` for a
    poisoned slug."""
    slug = slug_of(row, "An attribute")
    kind = TYPES.get(str(row.get("type")))
    if kind is None:
        log.warning("leaving out attribute %.60r: its type %.40r is not one crmdesk knows", slug, row.get("type"))
        return None
    return AttributeDef(
        slug=slug,
        title=_text(row, "title", f"attribute {slug}") or slug,
        type=kind,
        id=ids.raw_inner(row, "attribute_id"),
        required=row.get("is_required") is True,
        unique=row.get("is_unique") is True,
        multiselect=row.get("is_multiselect") is True and kind in MULTISELECT_TYPES,
        config=_config(row, kind, object_slugs),
        options=choices,
        order=order,
        system=row.get("is_system_attribute") is True,
    )


def option(row: Mapping[str, Any], key: str, order: int) -> Option:
    """An option (``key`` ``option_id``) or status (``status_id``); ``PoisonedRow`` when its id or
    title is poisoned (an admin editing an option shown without its title would rename it)."""
    ident = ids.inner(row, key, "An option")
    title = row.get("title")
    if not isinstance(title, str):
        raise ProtocolError(f"Option {ident} from the server has no title.")
    if title:
        usable_identity(title, "title", f"Option {ident}")
    return Option(id=ident, title=title, order=order, active=row.get("is_archived") is not True)


def attribute_body(attr: AttributeDef) -> dict[str, Any]:
    """What ``POST …/attributes`` takes for ``attr`` (a ``ValueError`` when Attio cannot make it)."""
    kind = WIRE_TYPES[attr.type]
    if attr.type is AttributeType.INTERACTION:
        raise ValueError("Interaction attributes are Attio's own; they cannot be made through its API.")
    config: dict[str, Any] = {}
    if attr.type is AttributeType.CURRENCY:
        # One currency per attribute, and never an invented one: the user names it.
        if not attr.currency_code:
            raise ValueError("A currency attribute needs its currency (Attio keeps one per attribute).")
        config["currency"] = {"default_currency_code": attr.currency_code, "display_type": "symbol"}
    elif attr.type is AttributeType.RECORD_REFERENCE:
        if not attr.target_object:
            raise ValueError("A reference attribute needs the object its records are of.")
        config["record_reference"] = {"allowed_objects": [attr.target_object]}
    return {
        "title": attr.title, "description": None, "api_slug": attr.slug, "type": kind,
        "is_required": attr.required, "is_unique": attr.unique, "is_multiselect": attr.multiselect,
        "config": config,
    }


__all__ = ["STANDARD_OBJECTS", "attribute", "attribute_body", "object_def", "option", "slug_of"]
