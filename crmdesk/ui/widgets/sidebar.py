"""The sidebar: Home, Tasks, Notes, Notifications, one entry per object, then the lists."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from crmdesk.store import Store

TargetRole = Qt.ItemDataRole.UserRole + 1


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
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self._items: dict[str, QTreeWidgetItem] = {}

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TargetRole)
        if target:
            self.target_chosen.emit(target)

    def _add(self, parent: QTreeWidget | QTreeWidgetItem, text: str, target: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        if target:
            item.setData(0, TargetRole, target)
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
        current = self.current_target()
        self.clear()
        self._items.clear()
        self._add(self, "Home", "home")
        self._add(self, "Tasks", "tasks")
        self._add(self, "Notes", "notes")
        self._add(self, f"Notifications ({unread})" if unread else "Notifications", "notifications")
        if store is not None:
            objects = self._add(self, "Records", None)
            for obj in store.schema.objects().values():
                self._add(objects, obj.plural_name, f"object:{obj.slug}")
            lists = store.schema.lists()
            if lists:
                section = self._add(self, "Lists", None)
                for list_def in lists.values():
                    self._add(section, list_def.name, f"list:{list_def.id}")
        self.expandAll()
        if current:
            self.select_target(current)

    def current_target(self) -> str | None:
        item = self.currentItem()
        return item.data(0, TargetRole) if item is not None else None

    def select_target(self, target: str) -> None:
        item = self._items.get(target)
        if item is not None:
            self.setCurrentItem(item)
