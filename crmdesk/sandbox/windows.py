"""Fixed-window request counting, as the real servers' rate limits count: a window per key,
started by its first request; past the limit, the time the window ends. Each facade says what a
key is (a token and whether it writes; a client and a path) and how the wait is spelled (seconds;
an HTTP date). The clock is injectable so tests need no sleeps."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class FixedWindows:
    def __init__(self, window_seconds: float, prune_at: int, now: Callable[[], float] = time.monotonic) -> None:
        self.window_seconds = window_seconds
        #: Windows kept before expired ones are dropped (keys with ids in them are many).
        self.prune_at = prune_at
        self.now = now
        self._windows: dict[Hashable, list[float]] = {}
        self._lock = threading.Lock()

    def over(self, key: Hashable, limit: float) -> tuple[float, float] | None:
        """Counts a request under ``key``: None while within ``limit`` in its window, else (now,
        when the window ends)."""
        with self._lock:
            now = self.now()
            if len(self._windows) > self.prune_at:
                self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self.window_seconds}
            window = self._windows.get(key)
            if window is None or now - window[0] >= self.window_seconds:
                self._windows[key] = [now, 1.0]
                return None
            window[1] += 1
            return None if window[1] <= limit else (now, window[0] + self.window_seconds)
