"""What every step of a sync round works with: the store, the backend, what the server can do,
the cancel check and the progress report. ``Puller``, ``Pusher`` and ``PushRound`` are steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crmdesk.remote import Backend, Capabilities
from crmdesk.store import Store

#: (phase, done, total or None): what the status bar and ``crmdesk sync`` show.
Progress = Callable[[str, int, int | None], None]


def no_progress(phase: str, done: int, total: int | None) -> None:
    return None


def never_cancelled() -> None:
    return None


@dataclass(eq=False)
class SyncStep:
    store: Store
    backend: Backend
    caps: Capabilities
    #: Raises ``status.Cancelled`` once Cancel or Quit was asked for.
    check_cancel: Callable[[], None] = never_cancelled
    progress: Progress = no_progress
