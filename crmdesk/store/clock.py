"""UTC timestamps in the model's canonical text form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def canonical(moment: datetime) -> str:
    """A moment as canonical UTC text (milliseconds, ``Z``); a moment without a zone is UTC."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse(text: str | None) -> datetime | None:
    """Canonical (or any ISO 8601) time text → an aware UTC moment; text without a zone is UTC;
    None when empty or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_now() -> str:
    return canonical(datetime.now(UTC))


class EditClock:
    """The time of each edit made here: now, but always later than the edit before it. Two edits
    of one record within a millisecond must not share a time, or its timeline shows them as one
    change and Discard of the later one forgets the earlier one's lines of the same field too."""

    def __init__(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._now = now
        self._last: datetime | None = None

    def now(self) -> str:
        moment = self._now().astimezone(UTC)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # canonical: milliseconds
        if self._last is not None and moment <= self._last:
            moment = self._last + timedelta(milliseconds=1)
        self._last = moment
        return canonical(moment)


def minus(moment: str, delta: timedelta) -> str:
    """``moment`` (canonical) moved back by ``delta``, in canonical form."""
    return canonical(datetime.fromisoformat(moment.replace("Z", "+00:00")) - delta)


def older_than(moment: str | None, delta: timedelta, now: str) -> bool:
    """Whether ``moment`` lies more than ``delta`` before ``now`` (never seen: True)."""
    if moment is None:
        return True
    return minus(now, delta) > moment
