"""One source value as the target attribute holds it (``AttributeMap`` says which, and how).

Options travel by the plan's option map, references by the copy's id map, members by e-mail;
a value the target cannot hold is dropped with the reason, never sent to be refused: one bad
value must not cost a record its other values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ValidationError
from crmdesk.model.codecs.base import DisplayContext
from crmdesk.model.limits import ValueLimits
from crmdesk.model.values import display_text, elements, validate_value
from crmdesk.sync.copy.plan import AttributeMap

T = AttributeType


class ValueConverter:
    """``resolve``: a source record id → its target id (None: not copied, or not yet)."""

    def __init__(self, members: Mapping[str, str], resolve: Callable[[str], str | None], ctx: DisplayContext,
                 limits: ValueLimits) -> None:
        self.members = members
        self.resolve = resolve
        self.ctx = ctx
        self.limits = limits

    def convert(self, am: AttributeMap, value: Any) -> tuple[Any, str | None]:
        """(the target's value or None, why some or all of it was left out or None)."""
        target = am.target
        if target is None or value is None or value == [] or value == "":
            return None, None
        source = am.source
        problems: list[str] = []
        if target.type == T.TEXT and source.type != T.TEXT:
            text = display_text(source, value, self.ctx).strip()
            items: list[Any] = [text] if text else []
        else:
            items = [converted for element in elements(value)
                     if (converted := self._element(source, target, am, element, problems)) is not None]
        if not items:
            return None, problems[0] if problems else None
        if not target.multiselect:
            items = items[:1]
        packed: Any = items if target.multiselect else items[0]
        try:
            packed = validate_value(target, packed)
        except ValidationError as error:
            return None, f"{target.title} {error.message}"
        if self.limits.value_problem(target, packed) is not None and isinstance(packed, list):
            packed = packed[:1]
            problems.append(f"{target.title} there keeps one value: only the first was copied")
        return packed, problems[0] if problems else None

    def _element(self, source: AttributeDef, target: AttributeDef, am: AttributeMap, element: Any,
                 problems: list[str]) -> Any:
        kind = (source.type, target.type)
        if source.type in (T.SELECT, T.STATUS) and target.type in (T.SELECT, T.STATUS):
            option = am.options.get(str(element))
            if option is None:
                title = source.option_by_id(str(element))
                problems.append(f"the option “{title.title if title else element}” has no match there")
            return option
        if source.type == T.RECORD_REFERENCE:
            found = self.resolve(str(element))
            if found is None:
                problems.append("it refers to a record that is not copied")
            return found
        if source.type == T.ACTOR_REFERENCE:
            found = self.members.get(str(element))
            if found is None:
                problems.append("it names a member with no account there")
            return found
        if source.type == T.CURRENCY:
            amount, code = element.get("amount"), element.get("currency")
            if target.type == T.NUMBER:
                return amount
            if target.currency_code and code and code != target.currency_code:
                problems.append(f"the amount is in {code}; {target.title} holds {target.currency_code} only")
                return None
            return {"amount": amount, "currency": code or target.currency_code}
        if kind == (T.NUMBER, T.CURRENCY):
            return {"amount": element, "currency": target.currency_code}
        if kind == (T.TIMESTAMP, T.DATE):
            return str(element)[:10]
        return element
