"""UTC timestamps in the model's canonical text form."""

from __future__ import annotations

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


def minus(moment: str, delta: timedelta) -> str:
    """``moment`` (canonical) moved back by ``delta``, in canonical form."""
    return canonical(datetime.fromisoformat(moment.replace("Z", "+00:00")) - delta)


def older_than(moment: str | None, delta: timedelta, now: str) -> bool:
    """Whether ``moment`` lies more than ``delta`` before ``now`` (never seen: True)."""
    if moment is None:
        return True
    return minus(now, delta) > moment
