"""Run one blocking call (network, opening a file) on Qt's thread pool and hand its result
back on the GUI thread, so no dialog ever freezes while a server answers.

Who owns what, so that a call may outlive the widget that started it (the window closed, the
app quit) without touching freed memory:

- the pool thread emits only on the job's own ``_Emitter``: parentless, referenced by the job
  alone, so nothing else can delete it while the job runs;
- the ``_Receiver`` that calls back is a child of the ``Background`` (so of its widget) and
  lives on the GUI thread. The emitter reaches it through queued connections: Qt removes them,
  and drops calls already queued, when the receiver is deleted, in the receiver's own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


class _Emitter(QObject):
    """What a job reports through. It receives no events (queued calls are posted to the
    receiver), so the pool thread may destroy it with the job."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Receiver(QObject):
    """Created on the GUI thread, owned by the Background; calls back there."""

    def __init__(self, owner: Background, on_done: Callable[[Any], None],
                 on_error: Callable[[Exception], None]) -> None:
        super().__init__(owner)
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error

    @Slot(object)
    def deliver_result(self, result: Any) -> None:
        self._owner.forget(self)
        self._on_done(result)

    @Slot(object)
    def deliver_error(self, error: Any) -> None:
        self._owner.forget(self)
        self._on_error(error)


class _Job(QRunnable):
    def __init__(self, call: Callable[[], Any], receiver: _Receiver) -> None:
        super().__init__()
        self._call = call
        # Connected here, on the GUI thread, while the receiver surely exists; from then on Qt
        # alone knows whether it still does.
        self._emitter = _Emitter()
        queued = Qt.ConnectionType.QueuedConnection
        self._emitter.succeeded.connect(receiver.deliver_result, queued)
        self._emitter.failed.connect(receiver.deliver_error, queued)

    def run(self) -> None:
        try:
            result = self._call()
        except Exception as error:  # every failure goes back to the GUI thread to be shown
            self._emitter.failed.emit(error)
            return
        self._emitter.succeeded.emit(result)


class Background(QObject):
    """Owned by a widget; ``run`` starts a call, the callbacks run on the GUI thread."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._receivers: set[_Receiver] = set()

    def run(self, call: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        receiver = _Receiver(self, on_done, on_error)
        self._receivers.add(receiver)
        self._pool.start(_Job(call, receiver))

    def forget(self, receiver: _Receiver) -> None:
        self._receivers.discard(receiver)
        receiver.deleteLater()

    def busy(self) -> bool:
        return bool(self._receivers)
