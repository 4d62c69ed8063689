"""Where the keyboard lands when a view is shown, and how small the view area may get.

**Focus.** A view's shortcuts (New, Filter, Delete, ...) are bound to the view and its children
(``Qt.WidgetWithChildrenShortcut``), so they only work while the focus is inside it. After the
user goes to a view (sidebar, palette, Back/Forward) the main window puts the focus in the
view's main widget, found by this convention:

1. the view's own ``focus_target() -> QWidget | None``, when it has one;
2. else its first visible item view (a table, a board column, the task tree, a list);
3. else its first widget that takes typing (not a button, not a scroll area) and Tab focus;
4. else its first widget that takes Tab focus at all.

An item view given the focus this way (not by a mouse click) makes its first row current, so
the focus shows on a row and the arrow keys start from the top.

**Width.** A stack of pages is as wide as its widest page ever shown, which holds the window
wide long after that page is gone from the screen. ``ViewStack`` asks only the page on screen,
and never more than ``MAX_MINIMUM`` (a view whose header would want more is clipped at its end,
rather than the window refusing to fit a 1.5× laptop screen).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QScrollArea, QStackedWidget, QWidget

#: The most a view may ask for: with the sidebar's 180 px, the window still fits in 900 px.
MAX_MINIMUM = QSize(680, 440)


def _takes_tab(widget: QWidget, view: QWidget) -> bool:
    return (bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isEnabled()
            and widget.isVisibleTo(view) and view.isAncestorOf(widget))


def _focusable_children(view: QWidget) -> list[QWidget]:
    """The widgets in ``view`` that take Tab focus, in the order they were built (which is the
    Tab order unless the view set another). Only the view's own children are looked at: walking
    the window's whole focus chain would reach into menus and other views."""
    return [widget for widget in view.findChildren(QWidget) if _takes_tab(widget, view)]


def focus_target(view: QWidget) -> QWidget | None:
    """The widget that should have the keyboard when ``view`` is shown (see the module's notes)."""
    own = getattr(view, "focus_target", None)
    if callable(own):
        chosen = own()
        if isinstance(chosen, QWidget):
            return chosen
    for item_view in view.findChildren(QAbstractItemView):
        if _takes_tab(item_view, view):
            return item_view
    reachable = _focusable_children(view)
    # A scroll area takes the focus only to scroll; a button only to be pressed.
    typing = [w for w in reachable if not isinstance(w, QAbstractButton | QScrollArea)]
    if typing:
        return typing[0]
    return reachable[0] if reachable else None


def focus_view(view: QWidget) -> bool:
    """Put the keyboard in ``view``'s main widget; False when nothing in it takes the focus."""
    target = focus_target(view)
    if target is None:
        return False
    # Not a Tab reason: a line edit given the focus this way keeps its text unselected, so a
    # stray key does not replace it.
    target.setFocus(Qt.FocusReason.OtherFocusReason)
    return True


class ViewStack(QStackedWidget):
    """The main window's stack of views, as small as the view on screen allows (at most
    ``MAX_MINIMUM``) rather than as its largest page ever shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # Qt override
        page = self.currentWidget()
        if page is None:
            return QSize(0, 0)
        wanted = page.minimumSizeHint().expandedTo(page.minimumSize())
        return wanted.boundedTo(MAX_MINIMUM)

    def sizeHint(self) -> QSize:  # Qt override
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()
