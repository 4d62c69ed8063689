"""The main window's ways to move around: Back and Forward (Alt+Left / Alt+Right, the Go menu,
a toolbar), and the sidebar that hides (View ▸ Hide sidebar, Ctrl+\\, or dragging the splitter
to the left) so a narrow window gives the view the whole width.

The steps themselves are ``crmdesk.ui.history``'s; this module only builds and updates the
controls. The sidebar is hidden by collapsing it in the splitter, so the splitter's saved state
(``crmdesk.ui.window_state``) brings a hidden sidebar back hidden.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSizePolicy, QSplitter, QStackedWidget, QToolBar, QWidget

from crmdesk.ui.history import History
from crmdesk.ui.icons import action_icon
from crmdesk.ui.navigation import split
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.view_focus import focus_view

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.ui.widgets.sidebar import Sidebar

#: The sidebar's width when it comes back and none was remembered.
SIDEBAR_WIDTH = 220
FIXED_TITLES = {"home": "Home", "dashboard": "Dashboard", "reminders": "Reminders", "tasks": "Tasks",
                "notes": "Notes", "notifications": "Notifications"}


def target_title(store: Store | None, target: str) -> str:
    """What Back or Forward would show, in words for their tooltips (“Back to Wilson Inc”)."""
    if target in FIXED_TITLES:
        return FIXED_TITLES[target]
    if target.startswith("dashboard:"):  # the dashboard over a saved view's or a table's deals
        return "Dashboard"
    kind, argument = split(target)
    found: str | None = None
    if store is not None:
        if kind == "object":
            obj = store.schema.get_object(argument)
            found = obj.plural_name if obj is not None else None
        elif kind == "list":
            list_def = store.schema.get_list(argument)
            found = list_def.name if list_def is not None else None
        elif kind == "record":
            row = store.records.get(argument)
            found = row.title if row is not None and row.title else None
        elif kind == "view":
            # A saved view (crmdesk.store.saved_views), by the name the user gave it.
            saved = store.saved_views.get(argument)
            found = saved.name if saved is not None else None
    return found or "another view"  # (gone, or not downloaded yet)


def follow_in_sidebar(sidebar: Sidebar, store: Store | None, target: str) -> None:
    """The sidebar marks where the user is: the view, or for a record page its object; nothing
    (rather than the last place) where the sidebar has no entry for it."""
    kind, argument = split(target)
    if kind == "record" and store is not None:
        row = store.records.get(argument)
        target = f"object:{row.object_slug}" if row is not None else target
    sidebar.select_target(target)
    if sidebar.current_target() != target:
        sidebar.clearSelection()
        sidebar.setCurrentIndex(QModelIndex())


def _shortcuts(alt_arrow: str, media_key: Qt.Key, mac: str) -> list[QKeySequence]:
    """Alt+arrow, the keyboard's Back/Forward key, and on macOS Cmd+[ / Cmd+] (Qt's "Ctrl" there).
    Not ``QKeySequence.StandardKey.Back``: some platforms bind Backspace to it, which would leave
    a table when a user means to clear a cell."""
    keys = [QKeySequence(alt_arrow), QKeySequence(media_key)]
    return [*keys, QKeySequence(mac)] if sys.platform == "darwin" else keys


class NavigationControls(QObject):
    """Back/Forward actions over ``history`` and the sidebar toggle over ``splitter``'s first pane.

    ``go_back`` and ``go_forward`` are the window's; ``store`` names targets in tooltips."""

    def __init__(self, window: QWidget, history: History, splitter: QSplitter,
                 go_back: Callable[[], None], go_forward: Callable[[], None],
                 store: Callable[[], Store | None]) -> None:
        super().__init__(window)
        self.history = history
        self.splitter = splitter
        sidebar, view_area = splitter.widget(0), splitter.widget(1)
        assert sidebar is not None and view_area is not None, "the splitter holds the sidebar and the views"
        self.sidebar: QWidget = sidebar
        self.view_area: QWidget = view_area
        self._store = store
        self._sidebar_width = SIDEBAR_WIDTH
        self.back_action = QAction(action_icon("back"), "Back", window)
        self.back_action.setShortcuts(_shortcuts("Alt+Left", Qt.Key.Key_Back, "Ctrl+["))
        self.back_action.triggered.connect(go_back)
        self.forward_action = QAction(action_icon("forward"), "Forward", window)
        self.forward_action.setShortcuts(_shortcuts("Alt+Right", Qt.Key.Key_Forward, "Ctrl+]"))
        self.forward_action.triggered.connect(go_forward)
        self.sidebar_action = QAction(action_icon("toggle_sidebar"), "Hide sidebar", window)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+\\"))
        self.sidebar_action.triggered.connect(self.toggle_sidebar)
        for action in (self.back_action, self.forward_action, self.sidebar_action):
            # Window-wide: they work whichever view or panel has the focus.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        self.toolbar = QToolBar("Navigation", window)
        self.toolbar.setObjectName("navigationToolbar")  # saveState()/restoreState() find it by name
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(16, 16))  # a slim strip: a 700 px high window keeps its rows
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.toolbar.addAction(self.back_action)
        self.toolbar.addAction(self.forward_action)
        # The sidebar can be dragged shut, but not the view.
        splitter.setCollapsible(0, True)
        splitter.setCollapsible(1, False)
        splitter.splitterMoved.connect(lambda *_: self.sidebar_state_changed())
        self.refresh()

    def add_trailing(self, actions: list[QAction]) -> None:
        """Actions at the toolbar's right end (Search, New record, Sync now): the strip the arrows
        need anyway carries the window's commonest commands instead of empty space."""
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        for action in actions:
            self.toolbar.addAction(action)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            # An icon alone says less than a word: the tooltip names it and its key.
            action.setToolTip(f"{action.text().rstrip('…')} ({shortcut})" if shortcut else action.text())

    # -- menus --------------------------------------------------------------------------------

    def fill_go_menu(self, menu: QMenu) -> None:
        """Back and Forward at the top of the Go menu, above what is there already."""
        if not menu.actions():
            menu.addActions([self.back_action, self.forward_action])
            return
        first = menu.actions()[0]
        menu.insertActions(first, [self.back_action, self.forward_action])
        menu.insertSeparator(first)

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.sidebar_action)
        toolbar_action = self.toolbar.toggleViewAction()
        toolbar_action.setText("Navigation toolbar")
        menu.addAction(toolbar_action)

    # -- back and forward ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Back and Forward are on where there is somewhere to go, and say where."""
        store = self._store()
        for action, where, label, keys in (
            (self.back_action, self.history.back_target(), "Back", "Alt+Left"),
            (self.forward_action, self.history.forward_target(), "Forward", "Alt+Right"),
        ):
            action.setEnabled(where is not None)
            place = f" to {target_title(store, where)}" if where is not None else ""
            action.setToolTip(plain_tooltip(f"{label}{place} ({keys})"))

    # -- the sidebar --------------------------------------------------------------------------

    def sidebar_hidden(self) -> bool:
        return self.splitter.sizes()[0] == 0

    def toggle_sidebar(self) -> None:
        self.set_sidebar_hidden(not self.sidebar_hidden())

    def set_sidebar_hidden(self, hidden: bool) -> None:
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if hidden and sizes[0] > 0:
            self._sidebar_width = sizes[0]
            focused = self.sidebar.focusWidget()
            if focused is not None and (focused is self.sidebar or self.sidebar.isAncestorOf(focused)):
                self._focus_view_area()  # the keyboard must not stay in a pane nobody can see
            self.splitter.setSizes([0, total])
        elif not hidden and sizes[0] == 0:
            width = min(self._sidebar_width, max(total // 3, 1))
            self.splitter.setSizes([width, max(total - width, 0)])
        self.sidebar_state_changed()

    def _focus_view_area(self) -> None:
        area = self.view_area
        view = area.currentWidget() if isinstance(area, QStackedWidget) else area
        if view is None or not focus_view(view):
            area.setFocus(Qt.FocusReason.OtherFocusReason)

    def sidebar_state_changed(self) -> None:
        hidden = self.sidebar_hidden()
        self.sidebar_action.setText("Show sidebar" if hidden else "Hide sidebar")
        # A collapsed pane keeps its widgets in the Tab order unless it says otherwise.
        self.sidebar.setEnabled(not hidden)
