"""The window's Help menu: Open log folder, About crmdesk, and — with ``CRMDESK_DEBUG`` set — a
way to prove the crash reporter works (``ui/crash_reporter.py``)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMenu

from crmdesk.logs import DEBUG_ENV, installed_file
from crmdesk.ui.crash_reporter import raise_crash_test
from crmdesk.ui.folders import open_folder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from crmdesk.paths import Paths


class HelpMenu:
    """Builds the menu on ``window``'s menu bar; the dialog is made when first asked for."""

    def __init__(self, window: QMainWindow, paths: Paths) -> None:
        self.window = window
        self.paths = paths
        self.about_dialog: QDialog | None = None
        self.menu: QMenu = window.menuBar().addMenu("&Help")
        self.open_logs_action = self.menu.addAction("Open log folder")
        self.open_logs_action.triggered.connect(lambda: open_folder(self.paths.log_dir))
        self.crash_test_action = None
        if os.environ.get(DEBUG_ENV):
            self.crash_test_action = self.menu.addAction("Test the crash reporter")
            self.crash_test_action.triggered.connect(raise_crash_test)
        self.menu.addSeparator()
        self.about_action = self.menu.addAction("About crmdesk")
        self.about_action.triggered.connect(self.show_about)

    def show_about(self) -> None:
        from crmdesk.ui.dialogs.about_dialog import AboutDialog

        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.paths.data_dir, installed_file(), self.window)
        self.about_dialog.show()
        self.about_dialog.raise_()
