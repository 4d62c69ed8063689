"""Client-side rate limiting: a token bucket per kind of request (reads, writes), and a
sliding window for servers that count requests a minute.

Servers that publish limits (Attio: 100 reads/s, 25 writes/s; Atomic: 180/min) answer
429 once they are exceeded; staying under them keeps a large initial sync from being
throttled into long waits. Aria publishes none, so it gets no limiter by default.

A per-minute limit is kept with a window, not a bucket: a bucket that may never exceed 180 in
any minute must refill at 3/s with almost no savings, so a sync of 60 requests would wait
20 s for nothing; the window lets the first 180 go at once and paces only what comes after.
Reads may fill only part of it (``READS_SHARE``): a user's edit made while a long scan has used
the minute up still goes at once, as the push-first promise wants (DESIGN §5.10).

Waits end at once when the caller's cancel event is set (Cancel, Quit): a window's wait can
last a minute, which a user closing the window must not sit through.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from crmdesk.remote.clock import Clock, pause

#: The share of a per-minute limit reads may use; the rest is kept for writes.
READS_SHARE = 0.9


class LimitWaitCancelled(Exception):
    """The cancel event was set while a request waited for its turn."""


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Requests per second for reads and for writes, and requests (of any kind) in any minute;
    ``None`` means unlimited."""

    reads_per_second: float | None = None
    writes_per_second: float | None = None
    requests_per_minute: int | None = None



class _Limit:
    """A limit books each request's turn under its lock (``book``: how long until it) and the
    caller waits for it outside, so threads queue one turn apart and none sleeps holding it."""

    _clock: Clock

    def book(self) -> float:
        raise NotImplementedError

    def acquire(self, cancel: threading.Event | None = None) -> float:
        """Take a turn, waiting (on the injected clock) until it comes; how long it waited.
        ``LimitWaitCancelled`` when ``cancel`` is set meanwhile (the turn is spent: a request that
        does not go costs the server nothing, and the limit only errs on the safe side)."""
        wait = self.book()
        if wait > 0 and pause(self._clock, wait, cancel):
            raise LimitWaitCancelled()
        return wait


class TokenBucket(_Limit):
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

    def book(self) -> float:
        """Take one token; how long the caller must wait before using it."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            debt = -self._tokens
        return debt / self.rate if debt > 0 else 0.0

class SlidingWindow(_Limit):
    """At most ``count`` requests in any ``seconds``; ``acquire`` waits for a free place.

    Thread-safe like ``TokenBucket``: each caller's turn is booked under the lock (the time the
    oldest of the last ``count`` turns leaves the window) and waited for outside it."""

    def __init__(self, count: int, seconds: float, clock: Clock) -> None:
        if count < 1 or seconds <= 0:
            raise ValueError("a window holds at least one request over a positive time")
        self.count = count
        self.seconds = seconds
        self._clock = clock
        self._turns: deque[float] = deque()
        self._lock = threading.Lock()

    def book(self) -> float:
        """Take a place; how long the caller must wait before it is its turn."""
        with self._lock:
            now = self._clock.monotonic()
            turn = now
            if len(self._turns) >= self.count:
                turn = max(now, self._turns.popleft() + self.seconds)
            self._turns.append(turn)
        return max(0.0, turn - now)



class RateLimiter:
    """One bucket for reads and one for writes, and a per-minute window (reads in their share of
    it), from ``RateLimits``."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._reads = TokenBucket(limits.reads_per_second, clock) if limits.reads_per_second else None
        self._writes = TokenBucket(limits.writes_per_second, clock) if limits.writes_per_second else None
        per_minute = limits.requests_per_minute
        self._minute = SlidingWindow(per_minute, 60.0, clock) if per_minute else None
        self._reads_minute = SlidingWindow(max(1, int(per_minute * READS_SHARE)), 60.0, clock) if per_minute else None

    def acquire(self, *, write: bool, cancel: threading.Event | None = None) -> float:
        """Wait for this request's turn under every limit; how long it waited in all
        (``LimitWaitCancelled`` when ``cancel`` is set meanwhile)."""
        limits = (self._writes, self._minute) if write else (self._reads, self._reads_minute, self._minute)
        return sum(limit.acquire(cancel) for limit in limits if limit is not None)
