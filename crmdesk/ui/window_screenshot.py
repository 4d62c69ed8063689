"""``crmdesk --screenshot PATH``: render the main window to a PNG once it shows what it should,
then quit (``MainWindow.save_screenshot_when_ready``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from crmdesk.ui.main_window import MainWindow


#: How often the picture checks whether the view has settled, and how long it waits at most.
SETTLE_STEP_MS = 50
SETTLE_LIMIT_MS = 10_000


class WindowScreenshot(QObject):
    def __init__(self, window: MainWindow, path: str, size: tuple[int, int] = (1280, 800)) -> None:
        # A child of the window, so it lives in the GUI thread: the worker's signal reaches
        # ``_save`` as a queued call.
        super().__init__(window)
        self.window = window
        self.path = path
        self.size = size

    def when_ready(self, *, wait_for_sync: bool, looking_up_token: bool) -> None:
        """After the first sync round (``wait_for_sync``), else once the start-up keyring
        look-up is over, else now."""
        window = self.window
        # The size asked for, whatever geometry was saved: pictures of a data dir stay comparable,
        # and a restored geometry is squeezed to the offscreen platform's 800×800 screen.
        window.resize(*self.size)
        if wait_for_sync and window.context.sync is not None:
            window.context.sync.worker.finished.connect(self._save)
        elif looking_up_token:
            window.token_looked_up.connect(self._save)
        else:
            QTimer.singleShot(0, self._save)

    @Slot()
    def _save(self, *_: object) -> None:
        # What the sync round changed reaches the views now, not after the feed's interval:
        # the picture shows the tasks and notifications the round brought, not the moment before.
        self.window.change_feed.flush()
        self._waited_ms = 0
        QTimer.singleShot(SETTLE_STEP_MS, self._grab_when_settled)

    def _grab_when_settled(self) -> None:
        """A view that counts in the background (the dashboard) says when it has its numbers
        (``is_settled()``); the picture waits for that, up to ``SETTLE_LIMIT_MS``."""
        view = self.window.current_view()
        settled = getattr(view, "is_settled", None)
        if callable(settled) and not settled() and self._waited_ms < SETTLE_LIMIT_MS:
            self._waited_ms += SETTLE_STEP_MS
            QTimer.singleShot(SETTLE_STEP_MS, self._grab_when_settled)
            return
        self._grab_and_quit()

    def _grab_and_quit(self) -> None:
        window = self.window
        window.grab().save(self.path)
        # What the picture shows, for scripts and tests: the view (its class tells a table from a
        # placeholder) and the sync state in the status bar.
        view = window.current_view()
        shown = type(view).__name__ if view is not None else "nothing"
        # painted_at is CLOCK_MONOTONIC, shared by every process: a benchmark that started this one
        # reads how long the window took to paint, apart from what the picture waited for after.
        print(f"{self.path}: {getattr(window, 'current_target', '')} ({shown}); "
              f"sync: {window.sync_status.status}; painted_at={window.first_painted_at}", flush=True)
        QApplication.quit()
