"""Help ▸ Open log folder and Help ▸ About crmdesk."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow

from crmdesk import __version__
from crmdesk.logs import install_logging
from crmdesk.paths import Paths
from crmdesk.ui.dialogs.about_dialog import AboutDialog
from crmdesk.ui.help_menu import HelpMenu
from tests.ui._desktop import OpenedUrls


@pytest.fixture
def menu(qtbot: Any, tmp_path: Path) -> HelpMenu:
    window = QMainWindow()
    qtbot.addWidget(window)
    return HelpMenu(window, Paths.resolve(tmp_path / "data"))


def test_open_log_folder_shows_the_folder_even_before_anything_was_logged(
    menu: HelpMenu, opened_urls: OpenedUrls
) -> None:
    log_dir = menu.paths.log_dir
    assert not log_dir.exists()
    menu.open_logs_action.trigger()
    assert [url.toLocalFile() for url in opened_urls.urls] == [str(log_dir)]
    assert log_dir.is_dir()


def test_about_names_the_version_the_platform_and_where_things_are(qtbot: Any, menu: HelpMenu) -> None:
    installed = install_logging(menu.paths, console_level=None)
    try:
        menu.about_action.trigger()
    finally:
        installed.remove()
    dialog = menu.about_dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    shown = {label: value.text() for label, value in dialog.values.items()}
    assert shown["Version"] == __version__
    assert shown["Qt"].startswith(qVersion())
    assert shown["Python"] == platform.python_version()
    assert shown["Data folder"] == str(menu.paths.data_dir)
    assert shown["Log file"] == str(menu.paths.log_file)
    assert shown["Licence"] == "MIT licence"
    titles = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"crmdesk {__version__}" in titles
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == f"Version: {__version__}"
    assert f"Data folder: {menu.paths.data_dir}" in copied and f"Log file: {menu.paths.log_file}" in copied
    menu.about_action.trigger()
    assert menu.about_dialog is dialog  # one dialog, brought back


def test_about_says_when_there_is_no_log_file(qtbot: Any, tmp_path: Path) -> None:
    dialog = AboutDialog(tmp_path, None)
    qtbot.addWidget(dialog)
    assert dialog.values["Log file"].text() == "none (the log folder cannot be written)"
