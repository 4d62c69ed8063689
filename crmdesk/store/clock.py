"""UTC timestamps in the model's canonical text form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utc_now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def minus(moment: str, delta: timedelta) -> str:
    """``moment`` (canonical) moved back by ``delta``, in canonical form."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00")) - delta
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}Z"


def older_than(moment: str | None, delta: timedelta, now: str) -> bool:
    """Whether ``moment`` lies more than ``delta`` before ``now`` (never seen: True)."""
    if moment is None:
        return True
    return minus(now, delta) > moment
