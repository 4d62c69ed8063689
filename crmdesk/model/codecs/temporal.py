"""Date (a calendar day) and timestamp (an instant, kept in UTC).

A time a user types without an offset is their local time; one that does not exist there
(skipped when the clocks go forward) is refused, never moved. A time that happens twice
(when the clocks go back) is the first of the two.
"""

from __future__ import annotations

import re
from calendar import isleap
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import (
    NO_PARSE_CONTEXT,
    Codec,
    DisplayContext,
    MatchKey,
    ParseContext,
    SortKey,
    describe,
    quote,
)
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
            day = date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            raise ValueError(f"“{quote(text)}” is not a real calendar date") from None
        if len(text) > 10:
            # A timestamp's date part counts, when the rest is a real time ("T25:00" is not).
            try:
                _read_iso(text)
            except ValueError:
                raise ValueError(
                    f"“{quote(text)}” is not a date like 2026-01-31: its time of day does not exist"
                ) from None
        return day
    for fmt in _USER_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"“{quote(text)}” is not a date like 2026-01-31")


def _read_iso(text: str) -> datetime:
    """``datetime.fromisoformat`` for the ISO forms servers write (``Z``, seven fraction digits)."""
    if _DATE_ONLY.fullmatch(text):
        text += "T00:00:00"
    text = _ZULU_SUFFIX.sub("+00:00", text)
    # Python < 3.11 quirks aside, fromisoformat wants at most 6 fraction digits.
    text = _EXTRA_FRACTION.sub(r"\1", text)
    return datetime.fromisoformat(text)


def parse_timestamp(value: Any, *, naive_is_local: bool = False, tz: tzinfo | None = None) -> str:
    """Canonical UTC text ``YYYY-MM-DDTHH:MM:SS.mmmZ`` from ISO forms, with or without a zone.

    Servers write ``2026-11-24T05:09:18.921Z`` and ``2026-11-24 05:09:18.921663`` (no zone:
    UTC). A user's text without a zone is their local time when ``naive_is_local``: in ``tz``,
    or the machine's zone when it is None; a local time that does not exist is refused.
    """
    if type(value) is str and _is_canonical_timestamp(value):
        return value
    return _parse_timestamp_general(value, naive_is_local=naive_is_local, tz=tz)


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


def _parse_timestamp_general(value: Any, *, naive_is_local: bool = False, tz: tzinfo | None = None) -> str:
    """``parse_timestamp`` for any input: the slow path, and the reference the fast path must agree with."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = _read_iso(value.strip())
        except ValueError:
            raise ValueError(f"“{quote(value)}” is not a date and time like 2026-01-31 14:30") from None
    else:
        raise ValueError(f"expects a date and time, got {describe(value)}")
    out_of_range = f"“{quote(str(value))}” is outside the range of dates that can be stored"
    if moment.tzinfo is None and naive_is_local:
        moment = _local_moment(moment, tz, out_of_range)
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        # Year 1 in a zone east of UTC, year 9999 west of it: no UTC instant to keep.
        raise ValueError(out_of_range) from None
    # strftime("%Y") does not pad years before 1000; the canonical text must sort as text.
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _local_moment(wall: datetime, tz: tzinfo | None, out_of_range: str) -> datetime:
    """The instant a naive wall-clock time names in ``tz`` (None: the machine's zone).

    A time the clocks skip (02:30 on the night summer time starts in Berlin) names no instant:
    converted there and back it comes out as another time, and it is refused rather than
    moved an hour. A time that happens twice is the first (``fold=0``).
    """
    try:
        if tz is None:
            moment = wall.astimezone()
            back = moment.replace(tzinfo=None)
        else:
            moment = wall.replace(tzinfo=tz)
            back = moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise ValueError(out_of_range) from None
    if back != wall:
        raise ValueError(
            f"{wall:%Y-%m-%d %H:%M} does not exist in your time zone: the clocks skip that time "
            f"on {wall:%b} {wall.day}, {wall.year}"
        )
    return moment


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

    def parse_edit(
        self, text: str, attr: AttributeDef, previous: Any, context: ParseContext = NO_PARSE_CONTEXT
    ) -> Any:
        return parse_timestamp(text, naive_is_local=True, tz=context.tz)

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
