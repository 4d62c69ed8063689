"""The window's part in reminders: the scheduler runs while a workspace is open, a bell in the
status bar counts the reminders waiting (a click shows them), a click on a desktop notification
brings the window forward on the list it is about, and the preferences dialog re-arms the
scheduler when it saves.

Kept out of ``main_window.py``, which only makes this, starts it with each workspace and stops it
on close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QToolButton

from crmdesk.ui.desktop_notifier import DesktopNotifier
from crmdesk.ui.icons import icon
from crmdesk.ui.reminders import ReminderScheduler

if TYPE_CHECKING:
    from crmdesk.ui.dialogs.preferences_dialog import PreferencesDialog
    from crmdesk.ui.main_window import MainWindow


class WindowReminders(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notifier = DesktopNotifier(self)
        self.scheduler = ReminderScheduler(window.context, self.notifier, self)
        self.preferences: PreferencesDialog | None = None
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
        """A workspace is open (or another one opened): look once the window has had its turn to
        paint (missed reminders then come together, over the first view), then keep looking."""
        self.scheduler.stop()
        if self.preferences is not None:
            self.preferences.close()
        self._show_count(0)
        opened = self.window.context.store
        QTimer.singleShot(0, self, lambda: self._start_if_still_open(opened))

    def _start_if_still_open(self, opened: object) -> None:
        # Another workspace may have opened (or this one closed) before the turn came.
        if opened is not None and self.window.context.store is opened and not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()
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
