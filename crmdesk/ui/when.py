"""Stored timestamps shown short ("Today 14:05"): the status bar's "Last synced …", reminders,
the timeline. A module of its own, free of widgets, so the main window can say when it last
synced without loading the timeline (its rich text and markdown) before the first paint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["EPOCH", "format_when", "parse_when"]

#: What a timestamp that does not parse stands for: it sorts last.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_when(text: str | None) -> datetime:
    """A stored timestamp → an aware datetime (the epoch for what does not parse: it sorts last)."""
    if not text:
        return EPOCH
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_when(text: str | None, now: datetime | None = None) -> str:
    """"Today 14:05", "Yesterday 09:12", "3 Nov 14:05", "3 Nov 2025": short, in local time."""
    moment = parse_when(text)
    if moment == EPOCH:
        return ""
    local = moment.astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()  # "today" where the user is, whatever zone ``now`` is in
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"Today {clock}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if local.year == today.year:
        return f"{local.day} {local.strftime('%b')} {clock}"
    return f"{local.day} {local.strftime('%b %Y')}"
