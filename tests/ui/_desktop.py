"""What the tests see instead of the desktop: the URLs crmdesk asked it to open."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Slot


class OpenedUrls(QObject):
    """Receives what ``QDesktopServices.openUrl`` would hand the desktop (Qt's own URL handler hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)
