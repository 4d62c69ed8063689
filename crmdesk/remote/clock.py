"""Time, made injectable: tests pass a fake clock whose ``sleep`` only moves time on."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (waits, token buckets)."""
        ...

    def time(self) -> float:
        """Wall-clock seconds since the epoch (HTTP dates, ``X-RateLimit-Reset``)."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
