"""A store read run off the GUI thread, its answer handed back to it.

Re-running a table's query over 100,000 records costs 30–400 ms (more while the sync worker
writes), too long to stall the window on for every change notice of a first pull. The read
runs on the application's thread pool with a connection of its own, opened for it (~1 ms;
SQLite connections belong to the thread that made them, and WAL lets it read while others
write); its answer comes back through a queued signal. Only the latest request is answered: a
newer one makes the older ones moot. On quit the window waits for the pool
(``MainWindow.finish_background_work``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

from crmdesk.store import Store

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries an answer from the pool thread to the GUI thread. It belongs to the application,
    not to the table: a table closed while its read runs is deleted in the GUI thread, and the
    pool thread must never emit on an object being deleted (a crash, not an error). Qt drops
    the connection to the deleted table's slot; the relay lives on, idle."""

    answered = Signal(int, object)  # generation, result (or the exception raised)


class BackgroundQuery(QObject):
    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._generation = 0
        self._done: Callable[[Any], None] | None = None
        self._relay: _Relay | None = None  # made at the first request: most tables never ask

    def ask(self, read: Callable[[Store], Any], done: Callable[[Any], None]) -> None:
        """Run ``read(store)`` in the background; ``done(result)`` runs in this object's thread,
        unless another ``ask`` (or ``forget``) came first."""
        self._generation += 1
        self._done = done
        if self._relay is None:
            self._relay = _Relay(QCoreApplication.instance())
            self._relay.answered.connect(self._deliver)
        generation, relay = self._generation, self._relay
        QThreadPool.globalInstance().start(lambda: self._run(generation, read, relay))

    def forget(self) -> None:
        """Answers to requests made so far are not wanted any more."""
        self._generation += 1
        self._done = None

    @property
    def waiting(self) -> bool:
        return self._done is not None

    def _run(self, generation: int, read: Callable[[Store], Any], relay: _Relay) -> None:
        if generation != self._generation:
            return  # a newer request was made meanwhile
        try:
            with Store.open(self._path, create=False) as store:
                result: Any = read(store)
        except Exception as error:  # told to the GUI thread, which logs it
            result = error
        relay.answered.emit(generation, result)

    @Slot(int, object)
    def _deliver(self, generation: int, result: Any) -> None:
        if generation != self._generation or self._done is None:
            return
        done, self._done = self._done, None
        if isinstance(result, Exception):
            log.error("a background read of %s failed: %s", self._path, result)
            return
        done(result)
