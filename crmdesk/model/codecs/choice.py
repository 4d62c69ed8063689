"""Checkbox, select and status.

Select and status elements are option ids. A user may type a title; it is
resolved against the attribute's options, so a value always names an option
that exists (or one the server knows and we have not pulled yet).
"""

from __future__ import annotations

from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, DisplayContext, MatchKey, SortKey, describe, quote, require_storable
from crmdesk.model.schema import AttributeDef

_TRUE = frozenset({"true", "yes", "y", "1", "on", "checked", "✓", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "unchecked"})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"expects yes or no, got {describe(value)}")
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
    raise ValueError(f"“{quote(str(value))}” is not yes or no")


class CheckboxCodec(Codec):
    type = AttributeType.CHECKBOX

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return parse_bool(text)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        return parse_bool(element)

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return "Yes" if element else "No"

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return 1 if element else 0

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return 1 if element else 0

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        return 1 if parse_bool(operand) else 0


class SelectCodec(Codec):
    type = AttributeType.SELECT

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        option = attr.option_by_title(text) or attr.option_by_id(text)
        if option is None:
            choices = ", ".join(o.title for o in attr.options[:8]) or "none yet"
            raise ValueError(f"has no option “{quote(text)}” (choose from: {choices})")
        return option.id

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if not isinstance(element, str) or not element.strip():
            raise ValueError("expects one of its options")
        require_storable(element)
        # An id we have not pulled yet is kept: the server knows it, and dropping it
        # would silently change the value.
        return element

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        option = attr.option_by_id(element)
        return option.title if option else "(unknown option)"

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        option = attr.option_by_id(element)
        return option.order if option else 1_000_000

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element)

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        if not isinstance(operand, str):
            raise ValueError("expects an option")
        if attr.option_by_id(operand):
            return operand
        option = attr.option_by_title(operand)
        if option is None:
            raise ValueError(f"has no option “{quote(operand)}”")
        return option.id


class StatusCodec(SelectCodec):
    type = AttributeType.STATUS
