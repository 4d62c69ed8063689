"""The focus ring: where the keyboard is, shown around the focused widget in light and dark.

One ``RingOverlay`` follows ``QApplication.focusChanged``. It is a sibling of the focused widget,
on top of it, a little larger, letting the mouse through, and paints a ``FOCUS_WIDTH`` px ring in
the focus colour over the widget's edge (over it, so a table or a field that fills its parent
still shows the ring). Nothing's size, border or style changes: a field that colours its own
border (an editor's red on a bad value) keeps it, and no style method is overridden in Python —
such an override is called for every table cell painted.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from crmdesk.ui.theme_ink import FOCUS_WIDTH, RADIUS, Ink

#: What the ring follows its widget through.
_FOLLOWED_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide,
                              QEvent.Type.ZOrderChange})


def framed(widget: QWidget | None) -> bool:
    """Whether the ring goes around ``widget``: not around windows, nor inside popups (a menu,
    a combo box's list), whose current row already shows where the keyboard is."""
    if widget is None or widget.isWindow() or widget.parentWidget() is None:
        return False
    window_type = widget.window().windowType()
    return window_type not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


class RingOverlay(QWidget):
    """The ring around one widget (``surround``)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("focusRing")
        for attribute in (Qt.WidgetAttribute.WA_TransparentForMouseEvents,
                          Qt.WidgetAttribute.WA_NoSystemBackground,
                          # Layouts and splitters do not take it for one of their own children.
                          Qt.WidgetAttribute.WA_NoChildEventsForParent):
            self.setAttribute(attribute, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._target: QWidget | None = None

    def target(self) -> QWidget | None:
        target = self._target
        return target if target is not None and shiboken6.isValid(target) else None

    def surround(self, target: QWidget | None) -> None:
        """Ring ``target`` (None: nothing)."""
        previous = self.target()
        if previous is not None:
            previous.removeEventFilter(self)
        self._target = target
        if target is None:
            self.hide()
            return
        if self.parentWidget() is not target.parentWidget():
            self.setParent(target.parentWidget())
        target.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        target = self.target()
        if target is None:
            self.hide()
            return
        grow = FOCUS_WIDTH // 2
        self.setGeometry(target.geometry().adjusted(-grow, -grow, grow, grow))
        self.setVisible(target.isVisible())
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self._target and event.type() in _FOLLOWED_EVENTS:
            self._place()
        return False

    def paintEvent(self, _event: Any) -> None:  # Qt override
        target = self.target()
        if target is None:
            return
        half = FOCUS_WIDTH / 2
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(Ink.of(target.palette()).focus, FOCUS_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), RADIUS - 2, RADIUS - 2)
        painter.end()


class FocusRing(QObject):
    """One ``RingOverlay`` that follows the application's focus widget. It lives among the focused
    widget's siblings, so when their parent goes it goes too: a new one is made then."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._overlay: RingOverlay | None = None
        app.focusChanged.connect(self.follow)
        self.follow(None, app.focusWidget())

    def overlay(self) -> RingOverlay | None:
        overlay = self._overlay
        return overlay if overlay is not None and shiboken6.isValid(overlay) else None

    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        overlay = self.overlay()
        if new is None or not framed(new):
            if overlay is not None:
                overlay.surround(None)
            return
        if overlay is None:
            overlay = RingOverlay()
            self._overlay = overlay
        overlay.surround(new)

    def stop(self, app: QApplication) -> None:
        app.focusChanged.disconnect(self.follow)
        overlay = self.overlay()
        if overlay is not None:
            overlay.surround(None)
            overlay.deleteLater()
        self._overlay = None
