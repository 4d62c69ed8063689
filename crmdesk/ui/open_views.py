"""The main window's views by target, built on first use into its stack, and what keeps them and
Back/Forward true to the workspace.

A view is built the first time its target is shown (``view_for``) and kept. Ids change under
them: a list or record made offline gets its server id with a sync (``follow_new_ids``): its step
in the history, its key here and the sidebar's mark follow (a record page follows its id itself;
a list's page is built again under the new id when shown). Only what is really gone is dropped
and forgotten by Back and Forward: a deleted list (``lists_changed``), a deleted saved view
(``store.saved_views``' listener). Placeholders ("Downloading…") are dropped on every change, so
the real view replaces them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.store.saved_views import TARGET_KIND as SAVED_VIEW_KIND
from crmdesk.ui.held_notices import HeldNotices
from crmdesk.ui.nav_controls import follow_in_sidebar
from crmdesk.ui.navigation import split
from crmdesk.ui.views.registry import view_class

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.ui.main_window import MainWindow

#: Targets whose id a sync can change (a list or record made offline).
RENAMED_KINDS = ("list", "record")


class OpenViews:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.views: dict[str, QWidget] = {}
        #: Change notices for views not on screen, delivered when they are shown.
        self.held_notices = HeldNotices()
        self._store: Store | None = None
        window.destroyed.connect(lambda *_: self.watch(None))  # the store may outlive the window

    # -- building and dropping -----------------------------------------------------------------

    def view_for(self, target: str) -> QWidget:
        """The view of ``target``, built and added to the window's stack the first time."""
        view = self.views.get(target)
        if view is None:
            view = self.make_view(target)
            self.views[target] = view
            self.window.stack.addWidget(view)
        return view

    def drop(self, target: str) -> None:
        """The view of ``target`` goes (it is built again if shown)."""
        gone = self.views.pop(target, None)
        if gone is not None:
            self.held_notices.forget(gone)
            self.window.stack.removeWidget(gone)
            gone.deleteLater()

    def clear(self, store: Store | None) -> None:
        """Another workspace opened: every view goes; its saved views are watched."""
        for target in list(self.views):
            self.drop(target)
        self.held_notices = HeldNotices()
        self.watch(store)

    def drop_placeholders(self) -> list[str]:
        """The placeholders' targets, dropped: the next show builds the real view."""
        placeholders = [t for t, v in self.views.items() if v.property("placeholder")]
        for target in placeholders:
            self.drop(target)
        return placeholders

    def make_view(self, target: str) -> QWidget:
        kind, argument = split(target)
        cls = view_class(kind)
        store = self.window.context.store
        if cls is None:
            return placeholder(f"The {kind} view is not built yet.")
        if kind != "home" and store is None:
            return placeholder("Connect a workspace to see this.")
        if store is not None and (
            (kind == "object" and store.schema.get_object(argument) is None)
            or (kind == "list" and store.schema.get_list(argument) is None)
        ):
            # Not downloaded yet (a first sync is running) or gone: shown again after the next change.
            return placeholder("Downloading… this appears as soon as the workspace has synced.")
        widget: QWidget = cls(self.window.context, argument, self.window)
        return widget

    # -- following the workspace ---------------------------------------------------------------

    def follow_new_ids(self, id_changes: dict[str, str]) -> None:
        """Lists and records made offline got their server ids: steps, views and marks follow."""
        window = self.window
        renamed = {f"{kind}:{old}": f"{kind}:{new}" for old, new in id_changes.items() for kind in RENAMED_KINDS}
        window.history.replace_all(renamed)
        current = getattr(window, "current_target", "")
        for old in [t for t in self.views if t in renamed]:
            new = renamed[old]
            if old.startswith("list:") or new in self.views:
                self.drop(old)  # a list's page reads by its id: built again under the new one
            else:
                self.views[new] = self.views.pop(old)  # a record page follows its new id itself
        if current in renamed:
            window.current_target = renamed[current]
            if renamed[current] not in self.views:
                window.show_target(renamed[current], take_focus=window.focus_in_views())
            follow_in_sidebar(window.sidebar, window.context.store, window.current_target)
        window.navigation.refresh()

    def lists_changed(self, id_changes: dict[str, str] | None = None) -> None:
        """A list was made, renamed, deleted or given its server id: the sidebar follows, views
        and steps of lists that are gone go, and the current one follows its new id."""
        window = self.window
        store = window.context.store
        if store is None:
            return
        store.schema.invalidate()
        window.sidebar.rebuild(store, window.unread())
        if id_changes:
            self.follow_new_ids(id_changes)
        gone = [t for t in self.views if t.startswith("list:") and store.schema.get_list(split(t)[1]) is None]
        self._forget(gone)

    def watch(self, store: Store | None) -> None:
        """Hear of saved views deleted in ``store`` (the sidebar deletes them)."""
        if self._store is not None:
            self._store.saved_views.remove_listener(self._saved_views_changed)
        self._store = store
        if store is not None:
            store.saved_views.add_listener(self._saved_views_changed)

    def _saved_views_changed(self) -> None:
        store = self._store
        if store is None or not shiboken6.isValid(self.window):
            return
        prefix = f"{SAVED_VIEW_KIND}:"
        self._forget([t for t in self.views if t.startswith(prefix)
                      and store.saved_views.get(t.removeprefix(prefix)) is None])

    def _forget(self, targets: list[str]) -> None:
        """``targets`` are gone: their views close, Back and Forward skip them, and the window
        leaves one that was on screen for the step the history now stands on."""
        window = self.window
        for target in targets:
            window.history.forget(target)
            self.drop(target)
        if getattr(window, "current_target", "") in targets:
            if window.history.current is None:
                window.navigate("home")
            else:
                window.show_target(window.history.current, take_focus=window.focus_in_views())
        elif targets:
            window.navigation.refresh()


def placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setProperty("placeholder", True)
    return label
