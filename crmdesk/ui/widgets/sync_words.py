"""The words the status bar uses for sync, in a salesperson's terms.

Pure functions, no Qt and no store: the table in docs/architecture.md ("Status bar") is this
module, and the widget (``sync_status.py``) only decides *when* to show which words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

#: What each state of the worker (``SyncStatus`` values, plus the window's own "connecting")
#: reads as when nothing more is known.
STATE_WORDS = MappingProxyType({
    "idle": "Not synced yet",
    "connecting": "Connecting…",
    "syncing": "Syncing…",
    "synced": "Up to date",
    "offline": "Offline — your changes are kept",
    "auth_needed": "Sign-in needed",
    "error": "Sync problem",
    "cancelled": "Sync stopped",
})

#: The states after which the worker retries on its own (with backoff): their words stay the
#: first part of what the bar shows while it waits and while it tries again.
RETRYING_STATES = frozenset({"offline", "error"})
_RETRY_PREFIX = MappingProxyType({"offline": "Offline", "error": "Sync problem"})

#: Phases whose data is re-read whole (no counts by object); ``entries:<list id>`` counts too.
_COLLECTIONS = MappingProxyType({
    "notes": "notes",
    "tasks": "tasks",
    "entries": "list entries",
    "notifications": "notifications",
})


def counted(count: int, one: str, many: str) -> str:
    """``counted(1, "change", "changes")`` → "1 change"; thousands get separators."""
    return f"{count:,} {one if count == 1 else many}"


def state_words(status: str) -> str:
    return STATE_WORDS.get(status, STATE_WORDS["syncing"])


def state_tooltip(status: str, message: str) -> str:
    """The plain text of the state's tooltip: the reason the worker gave, said kindly."""
    if status == "offline":
        kept = "Your changes are kept on this computer and sent when the server answers again."
        return f"{kept}\n\n{message}" if message else kept
    return message


def retry_words(status: str, seconds_left: float) -> str:
    """While the worker waits to try again: "Offline — retrying in 20 s". The nearest whole
    second: a once-a-second timer firing a little early or late still shows 20, 19, 18 …;
    under half a second left it is the attempt's words, never "0 s"."""
    seconds = round(seconds_left)
    if seconds <= 0:
        return attempt_words(status)
    return f"{_RETRY_PREFIX.get(status, 'Offline')} — retrying in {seconds} s"


def attempt_words(status: str) -> str:
    """During a background retry after ``status``: the same first word, not "Syncing…"."""
    return f"{_RETRY_PREFIX.get(status, 'Offline')} — trying again…"


def proves_server_answers(phase: str) -> bool:
    """"schema" is reported before the first request; every later phase comes after answers."""
    return phase != "schema"


def activity_words(phase: str, done: int, total: int, plural_name: Callable[[str], str | None]) -> str | None:
    """What a ``progress(phase, done, total)`` report means; None when it names no activity
    (a push with nothing to send, a phase this table does not know).

    ``total`` is -1 when unknown. ``plural_name(slug)`` is the object's plural title, or None.
    """
    if phase == "schema":
        return "Checking for changes"
    if phase == "push":
        return f"Sending {counted(total, 'change', 'changes')}" if total > 0 else None
    kind, _, rest = phase.partition(":")
    if kind == "records" and rest:
        what = _lower_first(plural_name(rest) or rest.replace("_", " "))
    elif kind in _COLLECTIONS:
        what = _COLLECTIONS[kind]
    else:
        return None
    if total > 0:
        return f"Receiving {what} — {done:,} of {total:,}"
    return f"Receiving {what} — {done:,}" if done > 0 else f"Receiving {what}"


def _lower_first(title: str) -> str:
    """"People" reads "people" mid-sentence; "VIP Accounts" keeps its capitals."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


@dataclass(frozen=True, slots=True)
class Waiting:
    """What the outbox and the conflicts table hold: nothing of it is on the server yet."""

    #: Queued or sent without an answer yet (pending, in flight, held by a conflict).
    waiting: int = 0
    #: Refused by the server: waits for the user in Pending changes.
    refused: int = 0
    conflicts: int = 0

    @property
    def all_saved(self) -> bool:
        return not (self.waiting or self.refused or self.conflicts)

    def waiting_words(self) -> str:
        return "All saved" if self.all_saved else f"{counted(self.waiting, 'change', 'changes')} waiting"

    def refused_words(self) -> str:
        return f"{counted(self.refused, 'change', 'changes')} refused"

    def conflicts_words(self) -> str:
        return counted(self.conflicts, "conflict", "conflicts")
