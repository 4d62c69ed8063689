"""Amounts written to a server that keeps a currency's code on the field, not on the value (Attio,
Atlas): an amount is sent bare, so one in another code would change its value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef


def bare_amount(element: Mapping[str, Any], attr: AttributeDef, without_code: str) -> Any:
    """The amount of a canonical currency element, which must be in the field's code;
    ``ValueError`` for another code, or for a code where the field keeps none (``without_code``
    says what to do then, in parentheses at the end of the message)."""
    code, held = element.get("currency"), attr.currency_code
    if code and held and code != held:
        raise ValueError(f"is kept in {held} on this server; an amount in {code} cannot be stored "
                         f"(type it in {held})")
    if code and not held:
        raise ValueError(f"has no currency of its own on this server, so an amount in {code} would be stored "
                         f"without its code ({without_code})")
    return element["amount"]


__all__ = ["bare_amount"]
