"""The window's part in reminders: the scheduler runs while a workspace is open, a bell in the
status bar counts the reminders waiting (a click shows them), a click on a desktop notification
brings the window forward on the list it is about, and the preferences dialog re-arms the
scheduler when it saves.

The first look of a session (where reminders missed while crmdesk was closed come, together) waits
for the first sync round to end, whatever its outcome (synced, offline, an error): a task done,
moved or given to someone else while crmdesk was closed is then already so in the cache, and is
not announced. With no sync at all (no sign-in) it waits ``START_GRACE_MS``; while the keyring is
still asked for the sign-in, it waits for that answer first.

Kept out of ``main_window.py``, which only makes this, starts it with each workspace, pauses it
when the workspace closes and stops it when the window closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QToolButton

from crmdesk.ui.desktop_notifier import DesktopNotifier
from crmdesk.ui.icons import icon
from crmdesk.ui.reminders import ReminderScheduler

if TYPE_CHECKING:
    from crmdesk.sync.worker import SyncController
    from crmdesk.ui.dialogs.preferences_dialog import PreferencesDialog
    from crmdesk.ui.main_window import MainWindow

#: With no sync to wait for, the first look comes this long after the workspace opened.
START_GRACE_MS = 3_000


class FirstSyncWait(QObject):
    """Calls ``then`` once the workspace's first sync round of the session has ended (any outcome),
    or ``grace_ms()`` after it opened when it has no sync; never sooner. Deleting it cancels."""

    def __init__(self, window: MainWindow, grace_ms: Callable[[], int], then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._grace_ms = grace_ms
        self._then = then
        self._over = False
        #: The wait when there is no sync: one timer, so what it waits for can be read (and tested).
        self.grace_timer = QTimer(self)
        self.grace_timer.setSingleShot(True)
        self.grace_timer.timeout.connect(self._end)
        if window.context.sync is not None:
            # At once: the round may end before the event loop's next turn.
            self._watch(window.context.sync)
        else:
            # The start-up sign-in (``startup_access``) begins right after the window is built.
            QTimer.singleShot(0, self, self._decide)

    @Slot()
    def _decide(self) -> None:
        window = self._window
        if self._over:
            return
        if window.context.sync is not None:
            self._watch(window.context.sync)
        elif getattr(window, "_looking_up_token", False):
            window.token_looked_up.connect(self._decide)  # a sync may come with the answer
        else:
            self.grace_timer.start(self._grace_ms())

    def _watch(self, sync: SyncController) -> None:
        # Queued from the worker's thread to this one (this object lives in the GUI thread).
        sync.worker.finished.connect(self._end)
        sync.worker.state_changed.connect(self._state)

    @Slot(str, str)
    def _state(self, status: str, _message: str) -> None:
        # Imported here: the sync package (its engine, the remote layer) loads with the first
        # worker, after the window's first paint, not with the window.
        from crmdesk.sync.status import SyncStatus

        # A worker that could not open the file says so and runs no round.
        if status == SyncStatus.ERROR.value:
            self._end()

    @Slot()
    @Slot(object)
    def _end(self, *_: object) -> None:
        if not self._over:
            self._over = True
            self._then()

    def cancel(self) -> None:
        self._over = True
        self.deleteLater()


class WindowReminders(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notifier = DesktopNotifier(self)
        self.scheduler = ReminderScheduler(window.context, self.notifier, self)
        self.preferences: PreferencesDialog | None = None
        #: How long the first look waits when there is no sync (tests make it short).
        self.grace_ms = START_GRACE_MS
        self._first_sync: FirstSyncWait | None = None
        self.bell = QToolButton()
        self.bell.setObjectName("reminders_bell")
        self.bell.setAutoRaise(True)
        self.bell.setIcon(icon("bell"))
        self.bell.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.bell.setToolTip("Task reminders waiting for you (Go ▸ Reminders)")
        self.bell.setAccessibleName("Reminders waiting")
        self.bell.clicked.connect(lambda: self.window.navigate("reminders"))
        self.bell.hide()
        window.statusBar().addPermanentWidget(self.bell)
        self.scheduler.active_count_changed.connect(self._show_count)
        self.notifier.clicked.connect(self._bring_forward)
        window.change_feed.dispatched.connect(self.scheduler.on_changed)

    def start(self) -> None:
        """A workspace is open (or another one opened): the first look comes after its first sync
        round (missed reminders then come together, without those done elsewhere meanwhile), then
        the scheduler keeps looking."""
        self.pause()
        if self.preferences is not None:
            self.preferences.close()
        opened = self.window.context.store
        if opened is not None:
            # Before the first sync: the mentions it brings from overnight are new, not known.
            self.scheduler.note_known_notifications()
            self._first_sync = FirstSyncWait(self.window, lambda: self.grace_ms,
                                             lambda: self._start_if_still_open(opened))

    def _start_if_still_open(self, opened: object) -> None:
        # Another workspace may have opened (or this one closed) meanwhile.
        if opened is not None and self.window.context.store is opened and not self.scheduler.running:
            self.scheduler.start()

    @property
    def waiting_for_first_sync(self) -> bool:
        return self._first_sync is not None and not self.scheduler.running

    @property
    def grace_timer(self) -> QTimer | None:
        """The first look's wait with no sync, while it runs (None: no such wait now)."""
        timer = self._first_sync.grace_timer if self._first_sync is not None else None
        return timer if timer is not None and timer.isActive() else None

    def pause(self) -> None:
        """The workspace closed (or another is about to open): no looks, and the bell goes."""
        if self._first_sync is not None:
            self._first_sync.cancel()
            self._first_sync = None
        self.scheduler.stop()
        self._show_count(0)

    def stop(self) -> None:
        """The window closes."""
        self.pause()
        self.notifier.close()

    def _show_count(self, count: int) -> None:
        self.bell.setText(f"{count} reminder{'s' if count != 1 else ''}")
        self.bell.setVisible(count > 0)

    def _bring_forward(self, target: str) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        if window.context.store is not None:
            window.navigate(target)

    def open_preferences(self) -> None:
        """Workspace ▸ Settings ▸ Home, history and reminders… (one dialog, kept, re-read on opening)."""
        from crmdesk.ui.dialogs.preferences_dialog import PreferencesDialog

        if self.window.context.store is None:
            self.window.statusBar().showMessage("Open a workspace first.", 4000)
            return
        if self.preferences is None:
            self.preferences = PreferencesDialog(self.window.context, self.window)
            self.preferences.saved.connect(self.scheduler.settings_changed)
        self.preferences.open_for_user()
