"""The contract every attribute type's codec fulfils.

A codec works on one *element*: a single value of its type. Multiselect
attributes hold lists of elements; ``crmdesk.model.values`` applies a codec to
each element and handles emptiness, so codecs never see ``None`` or lists.

Canonical elements are plain JSON values (str, int, float, bool, dict) so the
store can keep them as JSON and every dialect maps to and from them.
Codec methods raise ``ValueError`` with a user-facing message; the caller adds
the attribute's name by wrapping it in ``ValidationError``.

Text no store or server can keep — NUL and lone surrogates — is refused by every type that
holds text (``require_storable``), typed or received. Other control characters are refused
only when typed (``typed_text_problem``): a server's value that holds one is kept as it came.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Protocol

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.schema import AttributeDef

#: Comparable key used for equals/in and the ordering operators.
MatchKey = str | int | float
#: Key used to order rows: numbers and strings, never mixed within one attribute.
SortKey = str | int | float


#: What no store or server can keep: NUL (C strings and PostgreSQL text end there) and lone
#: surrogates (they have no UTF-8 form, so SQLite, JSON writers and log files fail on them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Controls nobody means to type: C0 but tab, line feed and carriage return (pasted Windows
#: line ends), and DEL. They can be stored, so they are refused only in typed text.
_TYPED_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unstorable_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL or a lone surrogate), or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which cannot be stored"
    return f"contains a broken character (an unpaired surrogate, U+{ord(found.group()):04X}), which cannot be stored"


def require_storable(text: str, part: str | None = None) -> str:
    """``text`` unchanged, or ``ValueError`` saying which character cannot be stored (in ``part``)."""
    problem = unstorable_problem(text)
    if problem is not None:
        raise ValueError(problem if part is None else f"has a {part} that {problem}")
    return text


def typed_text_problem(text: str) -> str | None:
    """Why text a user typed is refused whatever the type: unstorable or invisible control characters."""
    problem = unstorable_problem(text)
    if problem is not None:
        return problem
    found = _TYPED_CONTROL.search(text)
    if found is not None:
        return f"contains an invisible control character (U+{ord(found.group()):04X}); remove it"
    return None


def quote(text: str, limit: int = 40) -> str:
    """``text`` clipped for a message, with characters that cannot be shown or logged replaced."""
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return _UNSTORABLE.sub("\ufffd", clipped)


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


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What reading typed text needs from outside the text: where the user is.

    ``region``: ISO 3166 alpha-2 code of the user's country; phone numbers typed without a
    country code are numbers there (None: they must be typed in international form, +…).
    ``tz``: the zone a typed time without an offset is in (None: the machine's local zone).
    """

    region: str | None = None
    tz: tzinfo | None = None


NO_PARSE_CONTEXT = ParseContext()


class Codec:
    """Base codec: text-ish defaults that concrete types override."""

    type: AttributeType

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        """A value from what a user typed (already stripped, never empty)."""
        raise NotImplementedError

    def parse_edit(
        self, text: str, attr: AttributeDef, previous: Any, context: ParseContext = NO_PARSE_CONTEXT
    ) -> Any:
        """What a user typed over ``previous`` (an element, or None): most types ignore it, and
        ``context`` (the user's region and zone) too."""
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
