"""Client-side rate limiting: a token bucket per kind of request (reads, writes).

Servers that publish limits (Attio: 100 reads/s, 25 writes/s; Atomic: 180/min) answer
429 once they are exceeded; staying under them keeps a large initial sync from being
throttled into long waits. Aria publishes none, so it gets no limiter by default.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import MappingProxyType

from crmdesk.remote.clock import Clock


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Requests per second for reads and for writes; ``None`` means unlimited."""

    reads_per_second: float | None = None
    writes_per_second: float | None = None


#: Per-dialect defaults (DESIGN §4). Read-only: a workspace passes its own to override.
DIALECT_RATE_LIMITS = MappingProxyType(
    {
        "aria": RateLimits(),
        "attio": RateLimits(reads_per_second=100.0, writes_per_second=25.0),
        # 180 requests a minute per client and path (README 17 of the recordings), 429 past it. A
        # bucket saves up as many requests as its rate, so any 60 s can see at most 2.95 × 61 < 180:
        # a full scan (one path) stays under the limit, where 3.0/s would allow 183.
        "atomic": RateLimits(reads_per_second=2.95, writes_per_second=2.95),
        "atlas": RateLimits(),
    }
)


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; ``acquire`` waits for one.

    Thread-safe: the pusher's threads share their transport's buckets. ``acquire`` takes its
    token under the lock (running into debt when there is none) and waits the debt off outside
    it, so threads queue one token apart at the rate, and none holds the lock while it sleeps.
    """

    def __init__(self, rate: float, clock: Clock, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def acquire(self) -> float:
        """Take one token, sleeping (on the injected clock) until there is one.

        Returns how long it waited, for logging and tests.
        """
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            debt = -self._tokens
        if debt <= 0:
            return 0.0
        wait = debt / self.rate
        self._clock.sleep(wait)
        return wait


class RateLimiter:
    """One bucket for reads and one for writes, from ``RateLimits``."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._reads = TokenBucket(limits.reads_per_second, clock) if limits.reads_per_second else None
        self._writes = TokenBucket(limits.writes_per_second, clock) if limits.writes_per_second else None

    def acquire(self, *, write: bool) -> float:
        bucket = self._writes if write else self._reads
        return bucket.acquire() if bucket is not None else 0.0
