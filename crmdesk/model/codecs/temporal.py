"""Date (a calendar day) and timestamp (an instant, kept in UTC)."""

from __future__ import annotations

import re
from calendar import isleap
from datetime import UTC, date, datetime
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, DisplayContext, MatchKey, SortKey, describe
from crmdesk.model.schema import AttributeDef

_USER_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")
_ISO_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ZULU_SUFFIX = re.compile(r"[zZ]$")
_EXTRA_FRACTION = re.compile(r"(\.\d{6})\d+")
_MONTHS_OF_31 = frozenset({"01", "03", "05", "07", "08", "10", "12"})
#: Already canonical (what servers and the store write): ``YYYY-MM-DDTHH:MM:SS.mmmZ``, ASCII digits,
#: fields in range. Day 29-31 and year 0000 still take the general path, which knows the calendar.
_CANONICAL_TIMESTAMP = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z"
)


def parse_date(value: Any) -> str:
    """An ISO calendar date ``YYYY-MM-DD`` from ISO text (a timestamp's date part counts)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expects a date like 2026-01-31, got {describe(value)}")
    text = value.strip()
    match = _ISO_DATE_PREFIX.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            raise ValueError(f"“{text[:40]}” is not a real calendar date") from None
    for fmt in _USER_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"“{text[:40]}” is not a date like 2026-01-31")


def parse_timestamp(value: Any, *, naive_is_local: bool = False) -> str:
    """Canonical UTC text ``YYYY-MM-DDTHH:MM:SS.mmmZ`` from ISO forms, with or without a zone.

    Servers write ``2026-11-24T05:09:18.921Z`` and ``2026-11-24 05:09:18.921663`` (no zone:
    UTC). A user's text without a zone is their local time when ``naive_is_local``.
    """
    if type(value) is str and _is_canonical_timestamp(value):
        return value
    return _parse_timestamp_general(value, naive_is_local=naive_is_local)


def _is_canonical_timestamp(text: str) -> bool:
    """Whether ``text`` is a real instant already in canonical form (so parsing returns it unchanged)."""
    if _CANONICAL_TIMESTAMP.fullmatch(text) is None:
        return False
    # The pattern bounds every field but the year 0 and month lengths (leap years among them).
    if text[:4] == "0000":
        return False
    day = text[8:10]
    if day < "29":
        return True
    month = text[5:7]
    if month != "02":
        return day != "31" or month in _MONTHS_OF_31
    return day == "29" and isleap(int(text[:4]))


def _parse_timestamp_general(value: Any, *, naive_is_local: bool = False) -> str:
    """``parse_timestamp`` for any input: the slow path, and the reference the fast path must agree with."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.fullmatch(text):
            text += "T00:00:00"
        text = _ZULU_SUFFIX.sub("+00:00", text)
        # Python < 3.11 quirks aside, fromisoformat wants at most 6 fraction digits.
        text = _EXTRA_FRACTION.sub(r"\1", text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"“{value[:40]}” is not a date and time like 2026-01-31 14:30") from None
    else:
        raise ValueError(f"expects a date and time, got {describe(value)}")
    try:
        if moment.tzinfo is None:
            moment = moment.astimezone() if naive_is_local else moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        # Year 1 in a zone east of UTC, year 9999 west of it: no UTC instant to keep.
        raise ValueError(f"“{str(value)[:40]}” is outside the range of dates that can be stored") from None
    # strftime("%Y") does not pad years before 1000; the canonical text must sort as text.
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class DateCodec(Codec):
    type = AttributeType.DATE

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return parse_date(text)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        return parse_date(element)

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        day = date.fromisoformat(element)
        return f"{day:%b} {day.day}, {day.year}"

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return str(element)

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        return parse_date(operand)

    @property
    def ordered(self) -> bool:
        return True


class TimestampCodec(Codec):
    type = AttributeType.TIMESTAMP

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return parse_timestamp(text, naive_is_local=True)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        return parse_timestamp(element)

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        moment = datetime.fromisoformat(element.replace("Z", "+00:00")).astimezone(ctx.tz or UTC)
        zone = "" if ctx.tz is not None else " UTC"
        return f"{moment:%b} {moment.day}, {moment.year} {moment:%H:%M}{zone}"

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        moment = datetime.fromisoformat(element.replace("Z", "+00:00"))
        if ctx.tz is not None:
            return moment.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
        return moment.strftime("%Y-%m-%dT%H:%MZ")

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return str(element)

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element).lower()

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        return parse_timestamp(operand)

    @property
    def ordered(self) -> bool:
        return True
