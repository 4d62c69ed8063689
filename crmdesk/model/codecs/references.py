"""Record references (to another record) and actor references (to a workspace member)."""

from __future__ import annotations

import re
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, DisplayContext, MatchKey, require_storable
from crmdesk.model.schema import AttributeDef

#: Non-empty, no whitespace anywhere: ``\s`` in a str pattern is exactly ``str.isspace``.
_ID = re.compile(r"\S+")


def _require_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise ValueError(f"expects the id of {what}")
    if len(value) > 200:
        raise ValueError(f"expects the id of {what}, got something far too long")
    return require_storable(value)


class RecordReferenceCodec(Codec):
    type = AttributeType.RECORD_REFERENCE

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return _require_id(text, "a record")

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if isinstance(element, dict):
            element = element.get("id") or element.get("target_record_id")
        return _require_id(element, "a record")

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return ctx.record_title(element) or "(unknown record)"

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element)


class ActorReferenceCodec(Codec):
    type = AttributeType.ACTOR_REFERENCE

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return _require_id(text, "a workspace member")

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if isinstance(element, dict):
            element = element.get("id") or element.get("referenced_actor_id")
        return _require_id(element, "a workspace member")

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return ctx.member_name(element) or "(unknown member)"

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element)
