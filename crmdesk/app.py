"""Wiring: build the application context and start the GUI."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass

from crmdesk.paths import Paths

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """Everything a view needs, passed in instead of reached through globals."""

    paths: Paths


def run_gui(options: argparse.Namespace) -> int:
    if options.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = Paths.resolve(options.data_dir)
    paths.ensure()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from crmdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("crmdesk")
    app.setOrganizationName("crmdesk")
    context = AppContext(paths=paths)
    window = MainWindow(context)
    window.show()
    if options.screenshot:
        def save() -> None:
            window.grab().save(options.screenshot)
            app.quit()

        QTimer.singleShot(0, save)
    return app.exec()
