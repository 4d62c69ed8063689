"""The contract every attribute type's codec fulfils.

A codec works on one *element*: a single value of its type. Multiselect
attributes hold lists of elements; ``crmdesk.model.values`` applies a codec to
each element and handles emptiness, so codecs never see ``None`` or lists.

Canonical elements are plain JSON values (str, int, float, bool, dict) so the
store can keep them as JSON and every dialect maps to and from them.
Codec methods raise ``ValueError`` with a user-facing message; the caller adds
the attribute's name by wrapping it in ``ValidationError``.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, Protocol

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.schema import AttributeDef

#: Comparable key used for equals/in and the ordering operators.
MatchKey = str | int | float
#: Key used to order rows: numbers and strings, never mixed within one attribute.
SortKey = str | int | float


def describe(value: Any) -> str:
    """A wrong-typed value in words a user understands (never a Python type name)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    return "a value of another kind"


class DisplayContext(Protocol):
    """What formatting needs from outside the value: titles of other things."""

    def record_title(self, record_id: str) -> str | None: ...

    def member_name(self, member_id: str) -> str | None: ...

    @property
    def tz(self) -> tzinfo | None: ...


class NullContext:
    """A context that knows nothing: references show as unknown, times in UTC."""

    def record_title(self, record_id: str) -> str | None:
        return None

    def member_name(self, member_id: str) -> str | None:
        return None

    @property
    def tz(self) -> tzinfo | None:
        return None


class Codec:
    """Base codec: text-ish defaults that concrete types override."""

    type: AttributeType

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        """A value from what a user typed (already stripped, never empty)."""
        raise NotImplementedError

    def parse_edit(self, text: str, attr: AttributeDef, previous: Any) -> Any:
        """What a user typed over ``previous`` (an element, or None): most types ignore it."""
        return self.parse_text(text, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        """Check an element in canonical form; return it normalised."""
        raise NotImplementedError

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        """Text that ``parse_text`` turns back into the same element."""
        return self.display(element, attr, ctx)

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return self.display(element, attr, ctx).lower()

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element)

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        """Lower-cased text that contains/starts_with/ends_with look into."""
        return self.display(element, attr, ctx).lower()

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        """Turn a filter operand into the form ``match_key`` produces."""
        if isinstance(operand, bool) or not isinstance(operand, (str, int, float)):
            raise ValueError(f"expects a single value to compare with, got {describe(operand)}")
        return str(operand)

    @property
    def ordered(self) -> bool:
        """Whether gt/gte/lt/lte make sense for this type."""
        return False
