"""Opening a link from a note: only web and mail addresses, and only after the user says yes.

A note's link text can say anything ("seen here"), and its address comes from whoever wrote the
note, so the address is shown in full and confirmed before the browser gets it. A host spelt
with look-alike letters from another script ("exаmple.com" with a Cyrillic "а") reads like the
real one, so the confirmation also shows its ASCII (punycode) form whenever that differs. Tests
hand a ``LinkOpener`` their own ``confirm`` and ``open_url`` instead of a blocking dialog and a
browser. Which schemes are links at all is the model's rule (``rich_text.is_safe_link``), shared
with what crmdesk writes to the web app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk.model.rich_text import is_safe_link


def _ascii_host(url: QUrl) -> str:
    """The host (a mail address's domain) as DNS sees it, when that differs from how it shows."""
    host = url.host()
    if not host and url.scheme().lower() == "mailto":
        host = url.path().rpartition("@")[2]
    ascii_host = bytes(QUrl.toAce(host).data()).decode("ascii", "replace") if host else ""
    return ascii_host if ascii_host and ascii_host.lower() != host.lower() else ""


def confirmation_text(url: QUrl) -> str:
    """What the user is asked before ``url`` goes to the browser."""
    ascii_host = _ascii_host(url)
    return f"Open {url.toString()}{f' ({ascii_host})' if ascii_host else ''} in your browser?"


def ask_before_opening(parent: QWidget | None, url: QUrl) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Open link", "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # an address is never markup
    box.setText(confirmation_text(url))
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
        if not url.isValid() or not is_safe_link(url.toString()) or not self.confirm(parent, url):
            return False
        return bool(self.open_url(url))
