"""Wire values → canonical values, the way the real Aria server accepts writes.

- select: only a single option UUID is kept; a title, or an array (even of UUIDs), is dropped;
- status: a title (case-insensitive) or a status UUID; anything else is dropped;
- record_reference: a bare UUID or ``{"id": …}`` (an array of them when multiselect);
  references to records that do not exist are dropped;
- everything else is read here (``stored_value``: the wire shapes the real server takes, then
  the model's validation, so the sandbox does not mirror the client's own wire mapping); a
  value it rejects is the real server's 500;
- unknown slugs are ignored; ``null``, ``""`` and ``[]`` clear.

Structured values (currency, personal name, location) are stored *as sent* (``as_sent``):
the real server keeps the JSON a client wrote — ``{amount, currencyCode}`` from its web app,
``{amount, currency}`` or a bare number from API clients, ``{firstName…}`` or
``{first_name…}`` — and answers it back unchanged (a single value for a multiselect attribute
comes back in an array), so what one client writes is exactly what another reads. Numbers,
times and text are answered in the server's own form (``"45"`` → 45, ``…Z`` → ``….000Z``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, ValidationError
from crmdesk.model.values import validate_value
from crmdesk.sandbox.core import Core, Unprocessable

#: Types whose JSON the real server keeps exactly as a client sent it (a JSONB column).
_KEPT_AS_SENT = frozenset({AttributeType.CURRENCY, AttributeType.PERSONAL_NAME, AttributeType.LOCATION})


def as_sent(obj: ObjectDef, raw: Mapping[str, Any], coerced: Mapping[str, Any]) -> dict[str, Any]:
    """The wire JSON of each value the server keeps as sent (``coerced`` says which were kept)."""
    out: dict[str, Any] = {}
    for slug, value in coerced.items():
        attr = obj.attribute(slug)
        if value is None or attr is None or attr.type not in _KEPT_AS_SENT:
            continue
        sent = raw[slug]
        out[slug] = [sent] if attr.multiselect and not isinstance(sent, list) else sent
    return out


def coerce_values(core: Core, obj: ObjectDef, raw: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for slug, value in raw.items():
        attr = obj.attribute(slug)
        if attr is None:
            continue
        if value is None or value == "" or value == []:
            out[slug] = None
            continue
        kind = attr.type
        if kind is AttributeType.SELECT:
            if isinstance(value, str) and attr.option_by_id(value):
                out[slug] = [value] if attr.multiselect else value
        elif kind is AttributeType.STATUS:
            if isinstance(value, str):
                option = attr.option_by_id(value) or attr.option_by_title(value)
                if option is not None:
                    out[slug] = option.id
        elif kind is AttributeType.RECORD_REFERENCE:
            items = value if isinstance(value, list) else [value]
            ids = [i.get("id") if isinstance(i, dict) else i for i in items]
            wanted = [i for i in ids if isinstance(i, str)]
            known = core.records.refs_of(wanted)
            kept = [i for i in wanted if i in known]
            if kept:
                out[slug] = kept if attr.multiselect else kept[0]
        else:
            try:
                out[slug] = stored_value(attr, value)
            except ValidationError as failure:
                raise Unprocessable(str(failure)) from None
    return out


def _element(attr: AttributeDef, raw: Any) -> Any:
    """One wire element in the model's shape; None for a shape that holds nothing."""
    if isinstance(raw, dict) and attr.type is AttributeType.CURRENCY:
        if raw.get("amount") in (None, ""):
            return None  # the web app clears an amount and keeps its code
        return {"amount": raw["amount"], "currency": raw.get("currency") or raw.get("currencyCode")}
    empty_name = attr.type is AttributeType.PERSONAL_NAME and isinstance(raw, dict) and not any(
        isinstance(v, str) and v.strip() for v in raw.values())
    return None if empty_name else raw


def stored_value(attr: AttributeDef, raw: Any) -> Any:
    """What the server keeps for a written value: a list for a single-value attribute keeps its
    first element; a single element for a multiselect one becomes a list of one."""
    items = [_element(attr, item) for item in (raw if isinstance(raw, list) else [raw]) if item not in (None, "")]
    items = [item for item in items if item is not None]
    if not items:
        return None
    return validate_value(attr, items if attr.multiselect else items[0])
