"""Desktop notifications through the system tray (``QSystemTrayIcon.showMessage``).

Qt's tray messages carry a title and a line of text, and tell only that one was clicked: no
buttons. So a notification says what is due and a click on it brings the window forward on its
in-app list (``clicked``), where Snooze and Done act. Where no tray exists (some Linux desktops,
the offscreen platform) nothing is posted and the in-app reminder stands alone.

Every message is also told through ``posted`` (title, text, whether the desktop showed it), which
the window's status bar and the tests read.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QSystemTrayIcon

#: How long the desktop shows a message (a hint: most desktops keep their own time).
MESSAGE_MS = 10_000
#: Qt platforms whose tray messages go to org.freedesktop.Notifications over D-Bus, where a body is
#: markup on servers that say "body-markup" (KDE, ...) and Qt passes it on unescaped.
#: ("wayland-egl" and the like count as "wayland".)
MARKUP_BODY_PLATFORMS = frozenset({"xcb", "wayland"})


def desktop_body(text: str, platform: str) -> str:
    """``text`` as the desktop must be given it to show these very characters: a task called
    ``<b>x</b>`` reads so, not bold, and a server notification's body carries no live link or image
    (DESIGN §6). Shorten before this: escaping first could cut an entity in two."""
    markup = platform.split("-")[0] in MARKUP_BODY_PLATFORMS
    return html.escape(text, quote=False) if markup else text



class DesktopNotifier(QObject):
    #: The user clicked a notification (or the tray icon): the navigation target of the last
    #: message ("reminders", "notifications"), which the window shows.
    clicked = Signal(str)
    #: Every message as it was told: (title, text, shown on the desktop).
    posted = Signal(str, str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray: QSystemTrayIcon | None = None
        self._last_target = "reminders"

    @staticmethod
    def desktop_available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def _tray_icon(self) -> QSystemTrayIcon:
        """The tray icon, made on the first message: crmdesk puts no icon in the tray until it
        has something to say (a message needs a visible icon on Windows and macOS)."""
        if self._tray is None:
            icon = QGuiApplication.windowIcon()
            self._tray = QSystemTrayIcon(icon if not icon.isNull() else QIcon(), self)
            self._tray.setToolTip("crmdesk")
            self._tray.messageClicked.connect(lambda: self.clicked.emit(self._last_target))
            self._tray.activated.connect(lambda _reason: self.clicked.emit(self._last_target))
        if not self._tray.isVisible():
            self._tray.show()
        return self._tray

    def notify(self, title: str, text: str, target: str = "reminders") -> bool:
        """Post ``title``/``text`` to the desktop if it can show it; True when it was posted. A
        click on it leads to ``target``."""
        self._last_target = target
        shown = self.desktop_available()
        if shown:
            body = desktop_body(text, QGuiApplication.platformName())
            self._tray_icon().showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        self.posted.emit(title, text, shown)
        return shown

    def close(self) -> None:
        """The window closes: the tray icon goes with it (a tray icon left behind outlives the app on Windows)."""
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
