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

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from crmdesk.store import Store

log = logging.getLogger(__name__)


class BackgroundQuery(QObject):
    _answered = Signal(int, object)  # generation, result (or the exception raised)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._generation = 0
        self._done: Callable[[Any], None] | None = None
        self._answered.connect(self._deliver)

    def ask(self, read: Callable[[Store], Any], done: Callable[[Any], None]) -> None:
        """Run ``read(store)`` in the background; ``done(result)`` runs in this object's thread,
        unless another ``ask`` (or ``forget``) came first."""
        self._generation += 1
        self._done = done
        generation = self._generation
        QThreadPool.globalInstance().start(lambda: self._run(generation, read))

    def forget(self) -> None:
        """Answers to requests made so far are not wanted any more."""
        self._generation += 1
        self._done = None

    @property
    def waiting(self) -> bool:
        return self._done is not None

    def _run(self, generation: int, read: Callable[[Store], Any]) -> None:
        if generation != self._generation:
            return  # a newer request was made meanwhile
        try:
            with Store.open(self._path, create=False) as store:
                result: Any = read(store)
        except Exception as error:  # told to the GUI thread, which logs it
            result = error
        # The table may have been closed meanwhile (its C++ side deleted): nobody to tell then.
        with contextlib.suppress(RuntimeError):
            self._answered.emit(generation, result)

    @Slot(int, object)
    def _deliver(self, generation: int, result: Any) -> None:
        if generation != self._generation or self._done is None:
            return
        done, self._done = self._done, None
        if isinstance(result, Exception):
            log.error("a background read of %s failed: %s", self._path, result)
            return
        done(result)
