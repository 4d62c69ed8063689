"""Times and ids as the core keeps them.

The core stores instants as fixed-width UTC text with microseconds
(``2026-11-24T05:09:18.921663Z``) so string order is time order in SQLite, and a
dialect can render either the millisecond ISO form or PostgreSQL's text form.
"""

from __future__ import annotations

import secrets
import string
import threading
import uuid
from datetime import UTC, datetime, timedelta

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_instant(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def iso(instant: str | None) -> str | None:
    """The millisecond ISO form both dialects answer with (``2026-11-24T05:09:18.921Z``) from
    the core's microsecond form; ``None`` stays ``None``."""
    return None if instant is None else instant[:23] + "Z"


def new_id() -> str:
    return str(uuid.uuid4())


_ALPHANUMERIC = string.ascii_letters + string.digits


def random_alnum(length: int) -> str:
    """``length`` random letters and digits: the real servers' user ids (better-auth's are 32
    long, not UUIDs), and the atomic facade's session and invite tokens."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


class Clock:
    """Strictly increasing instants: two writes in the same microsecond still order.

    Ordering by time (newest first, cursors) must be total, and a fast machine
    writes many records within one microsecond.
    """

    def __init__(self) -> None:
        self._last = datetime(1970, 1, 1, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            moment = datetime.now(UTC)
            if moment <= self._last:
                moment = self._last + timedelta(microseconds=1)
            self._last = moment
            return format_instant(moment)

    def observe(self, instant: str) -> None:
        """Never hand out an instant before one already stored (a reopened DB)."""
        with self._lock:
            moment = parse_instant(instant)
            if moment > self._last:
                self._last = moment
