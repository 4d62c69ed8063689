"""Run one blocking call (network, opening a file) on Qt's thread pool and hand its result
back on the GUI thread, so no dialog ever freezes while a server answers.

A call may outlive the widget that started it (the window closed, the app quit). The pool
thread never creates, deletes or holds a QObject: it posts the outcome through a ``_Mailbox``,
a plain Python object with a lock. The ``Background`` (a child of its widget, on the GUI thread)
closes its mailbox as it is destroyed, under the same lock, so a post either happens wholly
before the destruction starts — and Qt drops the queued call with the object — or not at all.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


class _Mailbox:
    """Where pool threads post outcomes: to the Background while it lives, else nowhere."""

    def __init__(self, inbox: Background) -> None:
        self._lock = threading.Lock()
        self._inbox: Background | None = inbox

    def post(self, outcome: tuple[int, bool, Any]) -> None:
        with self._lock:
            if self._inbox is not None:
                self._inbox.arrived.emit(outcome)  # queued: the GUI thread delivers it

    def close(self, *_: object) -> None:
        with self._lock:
            self._inbox = None


class _Job(QRunnable):
    """Runs on a pool thread; holds no QObject, only the call and the mailbox."""

    def __init__(self, key: int, call: Callable[[], Any], mailbox: _Mailbox) -> None:
        super().__init__()
        self._key = key
        self._call = call
        self._mailbox = mailbox

    def run(self) -> None:
        try:
            outcome: tuple[int, bool, Any] = (self._key, True, self._call())
        except Exception as error:  # every failure goes back to the GUI thread to be shown
            outcome = (self._key, False, error)
        self._mailbox.post(outcome)


class Background(QObject):
    """Owned by a widget; ``run`` starts a call, the callbacks run on the GUI thread."""

    arrived = Signal(object)  # (key, succeeded, result or error), from a pool thread

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._pending: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._keys = itertools.count()
        self._mailbox = _Mailbox(self)
        self.arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # Emitted on the GUI thread as this object is being destroyed: no post may start after.
        self.destroyed.connect(self._mailbox.close)

    def run(self, call: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        key = next(self._keys)
        self._pending[key] = (on_done, on_error)
        self._pool.start(_Job(key, call, self._mailbox))

    @Slot(object)
    def _deliver(self, outcome: tuple[int, bool, Any]) -> None:
        key, succeeded, value = outcome
        callbacks = self._pending.pop(key, None)
        if callbacks is not None:
            (callbacks[0] if succeeded else callbacks[1])(value)

    def busy(self) -> bool:
        return bool(self._pending)
