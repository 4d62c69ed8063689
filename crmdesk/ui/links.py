"""Opening a link from a note: only web and mail addresses, and only after the user says yes.

A note's link text can say anything ("seen here"), and its address comes from whoever wrote the
note, so the address is shown in full and confirmed before the browser gets it. Tests hand a
``LinkOpener`` their own ``confirm`` and ``open_url`` instead of a blocking dialog and a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(href: str) -> bool:
    url = QUrl(href)
    return url.isValid() and url.scheme().lower() in SAFE_LINK_SCHEMES


def ask_before_opening(parent: QWidget | None, url: QUrl) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Open link", "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # an address is never markup
    box.setText(f"Open {url.toString()} in your browser?")
    open_button = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is open_button


@dataclass
class LinkOpener:
    confirm: Callable[[QWidget | None, QUrl], bool] = ask_before_opening
    open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl

    def open(self, url: QUrl, parent: QWidget | None = None) -> bool:
        """True when the address went to the browser."""
        if not is_safe_link(url.toString()) or not self.confirm(parent, url):
            return False
        return bool(self.open_url(url))
