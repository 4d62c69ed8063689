"""Where the user can go, as plain strings, and the one object that moves them there.

Targets: ``home``, ``dashboard`` (all deals), ``dashboard:view:<saved view id>`` and
``dashboard:filter:<filter JSON>`` (the deals a saved view or a table shows), ``reminders``,
``tasks``, ``notes``, ``notifications``, ``object:<slug>``, ``view:<saved view id>``,
``list:<id>``, ``record:<id>``. Views ask the navigator; only the main window
knows how to show a target.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Navigator(QObject):
    navigate_requested = Signal(str)
    #: The user asked to sync now / open the search palette / open a dialog by name.
    action_requested = Signal(str)

    def go(self, target: str) -> None:
        self.navigate_requested.emit(target)

    def request(self, action: str) -> None:
        self.action_requested.emit(action)


def split(target: str) -> tuple[str, str]:
    kind, _, argument = target.partition(":")
    return kind, argument
