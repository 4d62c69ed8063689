"""Pick records offline, from the store: records of a list's parent object that are not in the
list yet (``RecordPicker``). (One record or member, for a reference value or a filter, is picked
in ``crmdesk.ui.editors.reference.ReferencePicker``.)

The `available-records` idea of the Aria API, answered by the cache: the titles that
contain what was typed, minus the records the list already holds. It searches the whole
object in SQL (the value index), then shows the first few hundred: typing narrows.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import Condition, FilterGroup, ListDef, Operator, Sort
from crmdesk.store import Store
from crmdesk.ui.text import plain_tooltip

MAX_SHOWN = 200
RecordIdRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def available_records(store: Store, list_def: ListDef, text: str, limit: int = MAX_SHOWN) -> list[tuple[str, str]]:
    """(record id, title) of parent records not in the list whose title contains ``text``."""
    obj = store.schema.get_object(list_def.parent_object)
    if obj is None:
        return []
    title = obj.title_attribute
    group = None
    if text.strip() and title is not None:
        group = FilterGroup("and", (Condition(title.slug, Operator.CONTAINS, text.strip()),))
    rowids = store.records.query_ids(obj.slug, group, [Sort(title.slug)] if title else [])
    taken = {row.record_id for row in store.entries.rows(store.entries.query_ids(list_def.id))}
    found: list[tuple[str, str]] = []
    # Read titles in blocks until enough are free: a list holding most records still answers fast.
    for start in range(0, len(rowids), 500):
        for row in store.records.rows(rowids[start : start + 500]):
            if row.id not in taken:
                found.append((row.id, row.title or "(untitled)"))
                if len(found) >= limit:
                    return found
    return found


class _Choices(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str]] = []

    def set_items(self, items: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        record_id, title = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title  # a QListView shows DisplayRole as plain text
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(title)
        if role == RecordIdRole:
            return record_id
        return None


class RecordPicker(QDialog):
    """A modal picker: type to search, choose one or more records, OK adds them."""

    def __init__(self, store: Store, list_def: ListDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list_def = list_def
        self.setWindowTitle(f"Add to {list_def.name}")
        self.resize(420, 480)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name…")
        self.search.setClearButtonEnabled(True)
        self.model = _Choices()
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(lambda _index: self.accept())
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        # Typing fast runs one query when it pauses, not one per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self._enter)
        self.refresh()

    def refresh(self) -> None:
        self._debounce.stop()  # asked directly: a pending search would only repeat it
        items = available_records(self.store, self.list_def, self.search.text())
        self.model.set_items(items)
        more = " (showing the first 200)" if len(items) >= MAX_SHOWN else ""
        self.hint.setText(f"{len(items)} not in this list yet{more}" if items else "Nothing to add")
        if items:
            self.view.setCurrentIndex(self.model.index(0))

    def done(self, result: int) -> None:
        self._debounce.stop()
        super().done(result)

    def _enter(self) -> None:
        self.refresh()
        if self.model.items:
            self.accept()

    def chosen_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [self.model.items[r][0] for r in rows]
