"""Pick records offline, from the store: records of a list's parent object that are not in the
list yet (``RecordPicker``), and one record or member for a filter (``ReferenceSearch``).

The `available-records` idea of the Aria API, answered by the cache: the titles that
contain what was typed, minus the records the list already holds. Both search the whole
object in SQL (the value index), then show the first few hundred: typing narrows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
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


def matching_records(store: Store, object_slug: str | None, text: str,
                     limit: int = MAX_SHOWN) -> tuple[list[tuple[str, str]], int]:
    """(record id, title) of the object's records whose title contains ``text``, by title, at
    most ``limit`` of them; and how many match in all."""
    obj = store.schema.get_object(object_slug) if object_slug else None
    if obj is None:
        return [], 0
    title = obj.title_attribute
    group = None
    if text.strip() and title is not None:
        group = FilterGroup("and", (Condition(title.slug, Operator.CONTAINS, text.strip()),))
    rowids = store.records.query_ids(obj.slug, group, [Sort(title.slug)] if title else [])
    return [(row.id, row.title or "(untitled)") for row in store.records.rows(rowids[:limit])], len(rowids)


#: What the search field asks for: the (id, title) pairs to show, and how many match in all.
Search = Callable[[str], tuple[list[tuple[str, str]], int]]
_MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


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


class ReferenceSearch(QFrame):
    """A search panel laid over the window under a filter's value button: type to narrow, arrows
    to move, Enter or a click picks one (``picked``); Esc or a click elsewhere closes it unchanged.

    A child of the window rather than a popup window: it opens and takes the keys the same on
    every platform, and it closes when its field loses focus."""

    picked = Signal(str, str)

    def __init__(self, search: Search, noun: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.hide()
        self._anchor: QWidget | None = None
        self._search = search
        self._noun = noun
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setObjectName("referenceSearch")
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(f"Search {noun}…")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName(f"Search {noun}")
        self.model = _Choices()
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the field
        self.view.clicked.connect(self._pick_index)
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.field)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.field)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)
        self.field.textChanged.connect(lambda _text: self._debounce.start())
        self.field.returnPressed.connect(self._enter)
        self.field.installEventFilter(self)

    def show_below(self, anchor: QWidget, size: QSize = QSize(320, 340)) -> None:  # noqa: B008
        """Open under ``anchor`` (empty, listing from the start), kept inside the window, with the
        keys in the search field."""
        self._anchor = anchor
        self.field.blockSignals(True)
        self.field.clear()
        self.field.blockSignals(False)
        self.refresh()
        window = self.parentWidget()
        assert window is not None
        # As tall as a dozen rows at most: a few matches make a small panel.
        rows = max(3, min(12, self.model.rowCount()))
        content = self.field.sizeHint().height() + self.hint.sizeHint().height() + 22
        wanted = content + rows * max(self.view.sizeHintForRow(0), self.fontMetrics().height() + 4)
        width, height = min(size.width(), window.width()), min(size.height(), wanted, window.height())
        spot = anchor.mapTo(window, QPoint(0, anchor.height()))
        x = max(0, min(spot.x(), window.width() - width))
        y = spot.y() if spot.y() + height <= window.height() else max(0, spot.y() - anchor.height() - height)
        self.setGeometry(x, y, width, height)
        self.show()
        self.raise_()
        self.field.setFocus()

    def refresh(self) -> None:
        self._debounce.stop()
        items, total = self._search(self.field.text())
        self.model.set_items(items)
        if not items:
            self.hint.setText(f"No {self._noun} match" if self.field.text().strip() else f"No {self._noun} yet")
        elif total > len(items):
            self.hint.setText(f"{len(items):,} of {total:,} {self._noun} shown: type to narrow")
        else:
            self.hint.setText(f"{total:,} {self._noun}")
        if items:
            self.view.setCurrentIndex(self.model.index(0))

    def _enter(self) -> None:
        if self._debounce.isActive():
            self.refresh()  # Enter right after typing picks from what was typed, not from before
        self._pick_index(self.view.currentIndex())

    def _pick_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        record_id, title = self.model.items[index.row()]
        self.dismiss(back_to_anchor=True)
        self.picked.emit(record_id, title)

    def dismiss(self, *, back_to_anchor: bool = False) -> None:
        self._debounce.stop()
        self.hide()
        if back_to_anchor and self._anchor is not None:
            self._anchor.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field:
            if event.type() == QEvent.Type.KeyPress:
                key = event.key()  # type: ignore[attr-defined]
                if key in _MOVES:  # the arrows move through the results, as in a completer
                    self.view.keyPressEvent(event)  # type: ignore[arg-type]
                    return True
                if key == Qt.Key.Key_Escape:
                    self.dismiss(back_to_anchor=True)
                    return True
            elif event.type() == QEvent.Type.FocusOut:
                # A click elsewhere; clicks in the list keep the focus here (it takes none).
                QTimer.singleShot(0, self, self._closed_if_unfocused)
        return super().eventFilter(watched, event)

    def _closed_if_unfocused(self) -> None:
        if self.isVisible() and not self.field.hasFocus():
            self.dismiss()
