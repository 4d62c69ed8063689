"""UTC timestamps in the model's canonical text form."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
