"""Python's cycle collector runs only in the GUI thread while the window is up.

The collector runs in whichever thread happens to allocate past its threshold: the sync worker,
a thread-pool job (a keyring look-up), the demo's server thread. A cycle it frees there may
hold a Qt wrapper (a dialog with a slot that refers back to it); PySide then deletes the C++
object from the GUI thread at the next pending call, in the middle of whatever runs there —
and a widget already deleted by its parent crashes the process (seen as a segfault in
``Shiboken::BindingManager::runDeletionInMainThread``).

So automatic collection is switched off and a timer in the GUI thread collects instead, each
generation when its count passes the threshold Python itself would have used. Reference
counting still frees everything that is not in a cycle at once, in any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks at the collector's counts (ms): cheap (three integers), and
#: cycles wait at most this long.
CHECK_MS = 500


class MainThreadCollector(QObject):
    """Collects cycles from the GUI thread only, while it lives (``stop`` gives it back)."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the oldest generation whose count passed its threshold; how many objects went."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if self._thresholds[generation] and counts[generation] > self._thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Automatic collection as it was before (a test's end, the application's)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
