"""Time, made injectable: tests pass a fake clock whose ``sleep`` only moves time on."""

from __future__ import annotations

import threading
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

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Sleep until ``event`` is set or ``seconds`` passed; whether it was set."""
        return event.wait(seconds) if seconds > 0 else event.is_set()


def pause(clock: Clock, seconds: float, cancel: threading.Event | None) -> bool:
    """Wait ``seconds`` on ``clock``, or less when ``cancel`` is set; True when it was (cancelled).

    A clock with a ``wait(event, seconds)`` method (the real one) wakes up the moment the event is
    set; any other clock sleeps the whole time and then looks at the event.
    """
    if cancel is None:
        clock.sleep(seconds)
        return False
    if cancel.is_set():
        return True
    wait = getattr(clock, "wait", None)
    if wait is not None:
        return bool(wait(cancel, seconds))
    clock.sleep(seconds)
    return cancel.is_set()
