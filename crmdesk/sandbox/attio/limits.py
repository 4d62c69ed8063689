"""Attio's rate limit (its guide, not the spec): 100 reads and 25 writes a second, per token.

Past it the answer is 429 with ``Retry-After`` as an HTTP date (Attio sends a date, not
seconds) and the usual error body. Windows are fixed one-second buckets per token and kind,
started by their first request; the clock is injectable so tests need no sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate

from crmdesk.sandbox.windows import FixedWindows


@dataclass(frozen=True)
class RateLimits:
    reads_per_second: int = 100
    writes_per_second: int = 25
    window_seconds: float = 1.0


class RateLimiter:
    def __init__(self, limits: RateLimits, now: Callable[[], float] = time.time) -> None:
        self.limits = limits
        self._windows = FixedWindows(limits.window_seconds, prune_at=1_000, now=now)

    def retry_after(self, token: str, write: bool) -> str | None:
        """The HTTP date to come back at when this request is over the limit, else None (it counts)."""
        limit = self.limits.writes_per_second if write else self.limits.reads_per_second
        over = self._windows.over((token, write), limit)
        # An HTTP date has whole seconds: round up so a client waiting until it is past the window.
        return None if over is None else formatdate(int(over[1]) + 1, usegmt=True)


def limits_of(option: object) -> RateLimits | None:
    """``FacadeOptions.rate_limit``: False off, True Attio's figures, or a ``RateLimits``."""
    if option is True:
        return RateLimits()
    return option if isinstance(option, RateLimits) else None
