"""Run one blocking call (network, opening a file) on Qt's thread pool and hand its result
back on the GUI thread, so no dialog ever freezes while a server answers."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Created on the GUI thread. Its signals, emitted from the pool, reach its own slots
    through queued connections (the receiver lives on the GUI thread), which then call back."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: Background, on_done: Callable[[Any], None],
                 on_error: Callable[[Exception], None]) -> None:
        super().__init__(owner)
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        self._owner.forget(self)
        self._on_done(result)

    @Slot(object)
    def _deliver_error(self, error: Any) -> None:
        self._owner.forget(self)
        self._on_error(error)


class _Job(QRunnable):
    def __init__(self, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._call = call
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._call()
        except Exception as error:  # every failure goes back to the GUI thread to be shown
            self._report(self._relay.failed, error)
            return
        self._report(self._relay.succeeded, result)

    @staticmethod
    def _report(signal: Any, value: Any) -> None:
        # RuntimeError: the owner was deleted while the call ran (the window closed, the app
        # quit); there is no one left to tell, and nothing to undo.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class Background(QObject):
    """Owned by a widget; ``run`` starts a call, the callbacks run on the GUI thread."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def run(self, call: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        relay = _Relay(self, on_done, on_error)
        self._relays.add(relay)
        self._pool.start(_Job(call, relay))

    def forget(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    def busy(self) -> bool:
        return bool(self._relays)
