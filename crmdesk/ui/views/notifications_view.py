"""Notifications: newest first, unread in bold; opening one marks it read and shows its record.

Read state is kept in the local cache only: no backend call sends it to the server yet,
so the next pull of notifications may bring an item back as unread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from crmdesk.model import Notification
from crmdesk.store import Store, StoreError
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.models.notes_model import DetailRole, EmphasisRole, RecordIdRole, SubtitleRole, one_line, short_date
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.notes_view import empty_state, heading, two_line_list

if TYPE_CHECKING:
    from crmdesk.context import AppContext

Index = QModelIndex | QPersistentModelIndex
NotificationIdRole = Qt.ItemDataRole.UserRole + 40


class NotificationsModel(QAbstractListModel):
    """A workspace keeps a few hundred notifications at most, so they are all held."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._items: list[Notification] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self.store.notifications.all()
        self.endResetModel()

    def unread_count(self) -> int:
        return sum(1 for n in self._items if not n.read)

    def mark_read(self, rows: list[int]) -> int:
        """Mark these rows read in the store; returns how many changed."""
        changed = [r for r in rows if 0 <= r < len(self._items) and not self._items[r].read]
        if not changed:
            return 0
        self.store.edits.mark_notifications_read([self._items[row].id for row in changed])
        for row in changed:
            self._items[row].read = True
            index = self.index(row)
            self.dataChanged.emit(index, index, [EmphasisRole, Qt.ItemDataRole.FontRole])
        return len(changed)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(item.title, 200) or "Notification"
        if role == SubtitleRole:
            return one_line(item.body) or " "  # keeps every row two lines tall
        if role == DetailRole:
            return ("Unread  ·  " if not item.read else "") + short_date(item.created_at)
        if role == EmphasisRole:
            return not item.read
        if role == RecordIdRole:
            return item.record_id
        if role == NotificationIdRole:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{item.title}\n\n{item.body}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{'Unread: ' if not item.read else ''}{item.title}. {one_line(item.body, 120)}"
        return None


class NotificationsView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self._announcing = False
        self.model = NotificationsModel(context.store)
        self.model.modelReset.connect(self._update_state)
        self.model.dataChanged.connect(self._update_state)
        self.list = two_line_list(self.model, "Notifications", self)
        self.list.activated.connect(self._open)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setObjectName("error")
        self.message_label.hide()
        self.mark_button = QPushButton("Mark read")
        self.mark_button.clicked.connect(self._mark_selected)
        self.mark_all_button = QPushButton("Mark all read")
        self.mark_all_button.clicked.connect(self._mark_all)
        self.empty_label = empty_state("No notifications — you're all caught up.")
        top = QHBoxLayout()
        top.addWidget(heading("Notifications"))
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.mark_button)
        top.addWidget(self.mark_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.list, 1)
        self._update_state()

    def _update_state(self, *_: object) -> None:
        rows, unread = self.model.rowCount(), self.model.unread_count()
        self.empty_label.setVisible(rows == 0)
        self.list.setVisible(rows > 0)
        self.count_label.setText(f"{unread} unread" if unread else "")
        self.mark_all_button.setEnabled(unread > 0)
        self.mark_button.setEnabled(unread > 0)

    def _mark(self, rows: list[int]) -> None:
        try:
            changed = self.model.mark_read(rows)
        except StoreError as error:
            self.message_label.setText(str(error))
            self.message_label.show()
            return
        self.message_label.hide()
        if changed:
            self._announce()
            if self.context.sync is not None:
                self.context.sync.local_edit()  # the server hears it on the next sync

    def _announce(self) -> None:
        # The sidebar's unread count is the window's; tell it the way a sync would. Our own
        # on_changed then sees only a flag and the model is already up to date.
        window: Any = self.window()
        handler = getattr(window, "on_changed", None)
        if handler is not None and window is not self:
            self._announcing = True
            try:
                handler(ChangeSet(notifications=True))
            finally:
                self._announcing = False

    def _mark_selected(self) -> None:
        self._mark([i.row() for i in self.list.selectionModel().selectedRows()])

    def _mark_all(self) -> None:
        self._mark(list(range(self.model.rowCount())))

    def _open(self, index: QModelIndex) -> None:
        self._mark([index.row()])
        record_id = index.data(RecordIdRole)
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def on_changed(self, changes: ChangeSet) -> None:
        if self._announcing:
            return
        if changes.notifications or changes.full_reset:
            self.model.reload()
