"""What a token may do, from its scopes (``GET /v2/self``'s ``scope``), as ``Capabilities``. Pure.

Each capability needs scopes (the spec's ``security`` of the operations behind it); one missing
turns it off, the reason naming the scope, so the user knows what to grant the token. A
``read-write`` scope includes its ``read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from crmdesk.remote.backend import Capabilities

#: Capability → the scopes it needs (what the user is told to grant).
NEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "schema_admin": ("object_configuration:read-write",),
    "lists": ("list_configuration:read", "list_entry:read"),
    "notes": ("note:read",),
    "tasks": ("task:read",),
    "comments": ("comment:read",),
    "timeline": ("record_permission:read",),
})


def has(scopes: Iterable[str], needed: str) -> bool:
    """Whether ``needed`` is granted (a ``…:read`` by its ``…:read-write`` too)."""
    granted = set(scopes)
    return needed in granted or (needed.endswith(":read") and f"{needed}-write" in granted)


def missing(scopes: Iterable[str], capability: str) -> list[str]:
    granted = list(scopes)
    return [scope for scope in NEEDS[capability] if not has(granted, scope)]


def capabilities_for(defaults: Capabilities, scope: str) -> Capabilities:
    """``defaults`` with each capability the token's ``scope`` (space separated) does not allow off."""
    scopes = scope.split()
    reasons = dict(defaults.reasons)
    changes: dict[str, Any] = {}
    for capability in NEEDS:
        lacking = missing(scopes, capability)
        if lacking:
            changes[capability] = False
            names = " and ".join(f"“{name}”" for name in lacking)
            reasons[capability] = f"This token lacks the scope {names}: grant it to the token in Attio's settings."
        else:
            changes[capability] = True
            reasons.pop(capability, None)
    return replace(defaults, **changes, reasons=reasons)


__all__ = ["NEEDS", "capabilities_for", "has", "missing"]
