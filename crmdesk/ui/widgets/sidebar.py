"""The sidebar: Home, Dashboard, Tasks, Notes, Notifications, one entry per object with its saved views
under it, then the lists.

Saved views are renamed (F2, or the context menu) and deleted (Delete, or the context menu)
here. They are not in the store's change notices (they are the user's own, never synced):
the sidebar listens to ``store.saved_views`` and rebuilds when one changes.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import Store, StoreError
from crmdesk.store.saved_views import SavedView
from crmdesk.ui.icons import target_icon
from crmdesk.ui.text import action_text, plain_message_box, plain_tooltip
from crmdesk.ui.widgets.section import ask, question
from crmdesk.ui.widgets.view_name_dialog import ViewNameDialog

TargetRole = Qt.ItemDataRole.UserRole + 1
#: Answers "Delete the saved view “…”?" (tests answer without a message box).
Confirm = Callable[[str], bool]


class Sidebar(QTreeWidget):
    target_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.setObjectName("sidebar")
        self.setAccessibleName("Navigation")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._saved: dict[str, SavedView] = {}
        self._store: Store | None = None
        self._unread = 0
        #: Asks before a saved view is deleted; replaced in tests.
        self.confirm_delete: Confirm = self._ask_delete
        #: The last context menu shown (tests pick from it as a user does).
        self.context_menu: QMenu | None = None

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TargetRole)
        if target:
            self.target_chosen.emit(target)

    def _add(self, parent: QTreeWidget | QTreeWidgetItem, text: str, target: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        if target:
            item.setData(0, TargetRole, target)
            item.setIcon(0, target_icon(target))
            self._items[target] = item
        else:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def rebuild(self, store: Store | None, unread: int = 0) -> None:
        self._watch(store)
        self._unread = unread
        current = self.current_target()
        self.clear()
        self._items.clear()
        self._saved.clear()
        self._add(self, "Home", "home")
        self._add(self, "Dashboard", "dashboard")
        self._add(self, "Tasks", "tasks")
        self._add(self, "Notes", "notes")
        self._add(self, f"Notifications ({unread})" if unread else "Notifications", "notifications")
        if store is not None:
            saved_views = store.saved_views.all()
            objects = self._add(self, "Records", None)
            for obj in store.schema.objects().values():
                object_item = self._add(objects, obj.plural_name, f"object:{obj.slug}")
                for view in (v for v in saved_views if v.object_slug == obj.slug):
                    self._add_saved(object_item, view, obj.plural_name)
            lists = store.schema.lists()
            if lists:
                section = self._add(self, "Lists", None)
                for list_def in lists.values():
                    self._add(section, list_def.name, f"list:{list_def.id}")
        self.expandAll()
        if current:
            self.select_target(current)

    def _add_saved(self, parent: QTreeWidgetItem, view: SavedView, plural: str) -> None:
        item = self._add(parent, view.name, view.target)
        item.setToolTip(0, plain_tooltip(f"{view.name}\nA saved view of {plural}: F2 renames it, Delete deletes it."))
        self._saved[view.target] = view

    def current_target(self) -> str | None:
        item = self.currentItem()
        return item.data(0, TargetRole) if item is not None else None

    def select_target(self, target: str) -> None:
        item = self._items.get(target)
        if item is not None:
            self.setCurrentItem(item)

    # -- saved views ----------------------------------------------------------------------------

    def _watch(self, store: Store | None) -> None:
        if store is self._store:
            return
        if self._store is not None:
            self._store.saved_views.remove_listener(self._saved_views_changed)
        self._store = store
        if store is not None:
            store.saved_views.add_listener(self._saved_views_changed)
            self.destroyed.connect(lambda *_: store.saved_views.remove_listener(self._saved_views_changed))

    def _saved_views_changed(self) -> None:
        if shiboken6.isValid(self):
            self.rebuild(self._store, self._unread)

    def saved_view_at(self, item: QTreeWidgetItem | None) -> SavedView | None:
        return self._saved.get(item.data(0, TargetRole)) if item is not None else None

    def _context_menu(self, position: QPoint) -> None:
        view = self.saved_view_at(self.itemAt(position))
        if view is None:
            return
        menu = QMenu(self)
        menu.addAction(action_text("Rename view…"), lambda: self.rename_view(view))
        menu.addAction(action_text("Delete view"), lambda: self.delete_view(view))
        self.context_menu = menu
        menu.popup(self.viewport().mapToGlobal(position))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        view = self.saved_view_at(self.currentItem())
        if view is not None and event.key() == Qt.Key.Key_F2:
            self.rename_view(view)
            return
        if view is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_view(view)
            return
        super().keyPressEvent(event)

    def rename_view(self, view: SavedView) -> ViewNameDialog:
        dialog = ViewNameDialog("Rename view", "A new name for this view:", view.name, "Rename", self)
        dialog.named.connect(lambda name: self._rename(view, name))
        dialog.open()
        return dialog

    def _rename(self, view: SavedView, name: str) -> None:
        if self._store is None:
            return
        try:
            self._store.saved_views.rename(view.id, name)
        except (ValidationError, StoreError) as error:
            plain_message_box(self, "Rename view", str(error)).open()
            return
        self.select_target(view.target)

    def delete_view(self, view: SavedView) -> None:
        if self._store is None or not self.confirm_delete(view.name):
            return
        was_current = self.current_target() == view.target
        try:
            self._store.saved_views.delete(view.id)
        except StoreError as error:
            plain_message_box(self, "Delete view", str(error)).open()
            return
        if was_current:
            self.target_chosen.emit(f"object:{view.object_slug}")  # off the page that is gone

    def _ask_delete(self, name: str) -> bool:
        return ask(question("Delete view", f"Delete the saved view “{name}”? Its records stay.", "Delete", self))
