"""What a server can store, beyond what the model itself allows.

The model lets a select attribute hold several options; the real Aria server keeps only one
(it drops an array without a word). A server's limits are told by its dialect (as part of
its capabilities), kept in the workspace file, and checked when a value is typed — offline
too — so a value the server would lose is refused with the reason before it is queued,
instead of vanishing on the next sync.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.errors import ValidationError
from crmdesk.model.schema import AttributeDef


@dataclass(frozen=True, slots=True)
class ValueLimits:
    """``one_value``: types whose attributes the server keeps one element of, each with the
    reason a user is told (e.g. select → "This server keeps one option per select attribute")."""

    one_value: Mapping[AttributeType, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Shared as module constants (a dialect's limits): nobody may change them in place.
        object.__setattr__(self, "one_value", MappingProxyType(dict(self.one_value)))

    def multiselect_problem(self, kind: AttributeType) -> str | None:
        """Why an attribute of ``kind`` cannot allow several values on this server (None: it can)."""
        return self.one_value.get(kind)

    def value_problem(self, attr: AttributeDef, value: Any) -> str | None:
        """Why this server cannot hold ``value`` (canonical) for ``attr``; None when it can."""
        reason = self.one_value.get(attr.type)
        if reason is not None and isinstance(value, list) and len(value) > 1:
            return f"{reason}; choose one"
        return None

    def check(self, attr: AttributeDef, value: Any) -> None:
        """Raise ``ValidationError`` naming the attribute when this server cannot hold the value."""
        problem = self.value_problem(attr, value)
        if problem is not None:
            raise ValidationError(attr.title or attr.slug, problem)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object form (inside a workspace file's stored capabilities)."""
        return {"one_value": {kind.value: reason for kind, reason in self.one_value.items()}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def from_dict(cls, raw: Any) -> ValueLimits:
        """Limits read from a workspace file's JSON; anything unreadable means "no limits known"."""
        try:
            one_value = {AttributeType(k): str(v) for k, v in dict(raw.get("one_value") or {}).items()}
        except (ValueError, TypeError, AttributeError):
            return cls()
        return cls(one_value=one_value)

    @classmethod
    def from_json(cls, text: str | None) -> ValueLimits:
        """Limits kept in a workspace file; anything unreadable means "no limits known"."""
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            return cls()
        return cls.from_dict(raw)


NO_LIMITS = ValueLimits()
