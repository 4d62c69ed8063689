"""``Capabilities`` as a JSON object, the form a workspace file keeps them in.

The sync engine stores the last probed capabilities (``store.schema.set_capabilities_json``),
so the UI knows them offline and before a probe answers. The file outlives crmdesk versions:
reading is tolerant. A key this version does not know is ignored (a newer crmdesk wrote it);
a key missing or of the wrong type takes the dialect's default (an older one did not write it).
What a dialect cannot do is never guessed "on" from a damaged file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from crmdesk.model import AttributeType
from crmdesk.model.limits import ValueLimits
from crmdesk.remote.backend import Capabilities


def capabilities_to_json(caps: Capabilities) -> dict[str, Any]:
    """Every field, as JSON values: sets as sorted lists, ``value_limits`` as its object."""
    data: dict[str, Any] = {}
    for spec in fields(Capabilities):
        value = getattr(caps, spec.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif spec.name == "value_limits":
            value = value.as_dict()
        elif spec.name == "reasons":
            value = dict(value)
        data[spec.name] = value
    return data


def capabilities_from_json(data: Any, defaults: Capabilities) -> Capabilities:
    """The capabilities ``data`` holds, each field that is missing or unreadable taken from
    ``defaults`` (the dialect's). Data written for another dialect is not believed: ``defaults``."""
    if not isinstance(data, Mapping) or data.get("dialect", defaults.dialect) != defaults.dialect:
        return defaults
    read: dict[str, Any] = {}
    for spec in fields(Capabilities):
        if spec.name == "dialect" or spec.name not in data:
            continue
        value = _field(spec.name, data[spec.name], getattr(defaults, spec.name))
        if value is not None:
            read[spec.name] = value
    return replace(defaults, **read)


def kept_capabilities(text: str | None, defaults: Capabilities) -> Capabilities:
    """The capabilities a workspace file keeps as ``text`` (the raw JSON of its capabilities
    meta; None before a probe), read as ``capabilities_from_json`` reads them: ``defaults``
    when there is nothing, or nothing readable."""
    try:
        data = json.loads(text or "null")
    except ValueError:
        data = None
    return capabilities_from_json(data, defaults)


def _field(name: str, raw: Any, default: Any) -> Any:
    """``raw`` read as the field ``name`` (shaped like ``default``), or None when it is not one.
    Each field's shape is its default's: a new field needs no entry here unless it is a new kind."""
    if isinstance(default, frozenset):
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            return frozenset(raw)
        return None
    if isinstance(default, int) and not isinstance(default, bool):
        # bool is an int to Python; a page size of True is damage, not a number.
        return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1 else None
    if name == "value_limits":
        return _limits(raw)
    if name == "reasons":
        if isinstance(raw, Mapping):
            return {str(key): text for key, text in raw.items() if isinstance(text, str)}
        return None
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else None
    return None


def _limits(raw: Any) -> ValueLimits | None:
    """Limits as kept, or None (the dialect's own) when damaged: "no limits" is never guessed from
    a damaged file, since it would let values through that the server drops."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("one_value", {}), Mapping):
        return None
    try:
        kept = {AttributeType(kind): text for kind, text in raw.get("one_value", {}).items() if isinstance(text, str)}
    except ValueError:
        return None  # a type this crmdesk does not know
    return ValueLimits(one_value=kept) if len(kept) == len(raw.get("one_value", {})) else None


__all__ = ["capabilities_from_json", "capabilities_to_json", "kept_capabilities"]
