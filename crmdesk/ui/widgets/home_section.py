"""One section of Home: a small-caps title with a muted line beside it, and either its list or a
sentence saying why it is empty and what to do next.

Every section's list is one tab stop (Tab goes from section to section, arrows move within a
list), so the lists never take Tab for themselves. Each row names what it stands for with
``KeyRole`` (a task id, a record id, a target), so a refresh can put the current row back.

Rows look like the Tasks view's: the work lists (tasks, deals) use its row heights (a task row,
a taller group title with the air above its words) and indent the rows under a group title as
its tree does; the short lists below them (recent, counts) are a little tighter so the page fits
a 1024×700 window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.models.tasks_model import GROUP_ROW_HEIGHT, TASK_ROW_HEIGHT
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate, row_background
from crmdesk.ui.widgets.section import muted, section_title

Index = QModelIndex | QPersistentModelIndex

#: What a row stands for: a task id, a record id or a navigation target.
KeyRole = Qt.ItemDataRole.UserRole + 1
#: True on a group title's row ("Overdue  ·  3"): taller, its words at the bottom, not indented.
TitleRole = Qt.ItemDataRole.UserRole + 3
#: The rows of the work lists (tasks, deals): the Tasks view's height.
WORK_ROW_HEIGHT = TASK_ROW_HEIGHT
#: The rows of the short lists below them (recent, counts): tighter, so the page fits 1024×700.
SHORT_ROW_HEIGHT = 22
#: How far rows under a group title are set in (the Tasks view's tree indentation).
GROUP_INDENT = 8
#: The least height of a list: a header and about four rows, so a section never shrinks to a sliver.
LIST_MIN_HEIGHT = 4 * WORK_ROW_HEIGHT + 28
#: The overdue red of the Tasks view, readable on light and dark bases alike (a past due day,
#: a past close date).
OVERDUE_INK = QColor("#d9534f")


def title_words(title: str, count: int) -> str:
    """A group title as the Tasks view writes it: "Overdue  ·  19"."""
    return f"{title}  ·  {count}"


class HomeRowDelegate(VisibleCheckDelegate):
    """Rows of a fixed height (group titles taller), the rows under a group title set in like the
    Tasks view's tree, and its check boxes (they show in dark palettes too)."""

    def __init__(self, row_height: int, indent: int, parent: QTreeWidget) -> None:
        super().__init__(parent)
        self._row_height = row_height
        self._indent = indent

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), GROUP_ROW_HEIGHT if index.data(TitleRole) else self._row_height)

    def _set_in(self, option: QStyleOptionViewItem, index: Index) -> QStyleOptionViewItem:
        if not self._indent or index.column() != 0 or index.data(TitleRole):
            return option
        moved = QStyleOptionViewItem(option)
        moved.rect = option.rect.adjusted(self._indent, 0, 0, 0)
        return moved

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        moved = self._set_in(option, index)
        if moved is not option:
            # The strip left of the row's first cell carries the row's colour (selected, alternate).
            strip = option.rect.adjusted(0, 0, self._indent - option.rect.width(), 0)
            painter.fillRect(strip, row_background(option))
        super().paint(painter, moved, index)

    def editorEvent(self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        # A click on the check box where it is drawn (set in) ticks it.
        return super().editorEvent(event, model, self._set_in(option, index), index)


class HomeList(QTreeWidget):
    """A flat, read-only list with columns; ``activated`` (Enter, double click) opens its row."""

    def __init__(self, name: str, columns: Sequence[str], *, header: bool = True,
                 shares: Mapping[int, float] | None = None, row_height: int = WORK_ROW_HEIGHT,
                 grouped: bool = False, parent: QWidget | None = None) -> None:
        """``shares``: columns as wide as their text but at most this share of the width (a long
        record title elides rather than squeeze the first column). ``grouped``: the list has group
        titles (``TitleRole``), taller than its rows, and the rows under them are set in."""
        super().__init__(parent)
        self._shares = dict(shares or {})
        #: How far the list was scrolled when it was last cleared for a refill.
        self._scrolled = 0
        self.setAccessibleName(name)
        self.setColumnCount(len(columns))
        self.setHeaderLabels(list(columns))
        self.setHeaderHidden(not header)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setIndentation(0)
        self.setUniformRowHeights(not grouped)
        self.setItemDelegate(HomeRowDelegate(row_height, GROUP_INDENT if grouped else 0, self))
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves for the next section
        # Long words elide: a list never scrolls sideways (a bar would also hide a fitted list's last row).
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(LIST_MIN_HEIGHT)
        head = self.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(columns)):
            elastic = column in self._shares
            head.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Interactive if elastic else QHeaderView.ResizeMode.ResizeToContents)

    def fit_columns(self) -> None:
        """The shared columns as wide as their text, within their share of the width."""
        width = self.viewport().width()
        for column, share in self._shares.items():
            wanted = max(self.sizeHintForColumn(column), self.header().sectionSizeHint(column))
            self.header().resizeSection(column, min(wanted, int(width * share)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_height(self) -> None:
        """As tall as its rows (three at least): a short list leaves no empty box below it."""
        rows = max(3, sum(1 for _ in self._items()))
        row_height = self.sizeHintForRow(0) if self.topLevelItemCount() else SHORT_ROW_HEIGHT
        header = 0 if self.isHeaderHidden() else self.header().sizeHint().height()
        self.setMinimumHeight(0)
        self.setFixedHeight(rows * row_height + header + 2 * self.frameWidth())

    def current_key(self) -> str | None:
        """The key of the row the user chose (selected), not of one merely placed for the keyboard."""
        item = self.currentItem()
        key = item.data(0, KeyRole) if item is not None and item.isSelected() else None
        return key if isinstance(key, str) else None

    def row_keys(self) -> list[str]:
        """The keys of the rows that stand for something, top to bottom."""
        return [key for item in self._items() if isinstance(key := item.data(0, KeyRole), str)]

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        return next((item for item in self._items() if item.data(0, KeyRole) == key), None)

    def clear(self) -> None:
        """Empty the list for a refill, noting how far it was scrolled (``put_back`` returns there)."""
        self._scrolled = self.verticalScrollBar().value()
        super().clear()

    def put_back(self, key: str | None, row: int) -> None:
        """After a refill: make ``key``'s row current again, else the row now at ``row`` (the next
        one down), so the keyboard stays where the user was working; and scroll back to where the
        list was (DESIGN §5.11: a refresh keeps selection and scroll), only moving as far as it
        takes to show the chosen row."""
        self.fit_columns()
        item = self.item_for(key) if key is not None else None
        if item is None:
            items = [i for i in self._items() if i.flags() & Qt.ItemFlag.ItemIsSelectable]
            item = items[min(row, len(items) - 1)] if items else None
        if item is not None:
            if key is not None:
                self.setCurrentItem(item)
            else:
                # Where the keyboard starts, without a highlighted row in every list on the page.
                self.selectionModel().setCurrentIndex(self.indexFromItem(item),
                                                      QItemSelectionModel.SelectionFlag.NoUpdate)
        # Setting the current row scrolled to it: back to where the user was, the rows laid out
        # first so the scroll range is the new one.
        self.executeDelayedItemsLayout()
        self.verticalScrollBar().setValue(self._scrolled)
        if item is not None and key is not None:
            self.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)

    def current_row(self) -> int:
        """The current row among the selectable ones (-1: none)."""
        current = self.currentItem()
        items = [i for i in self._items() if i.flags() & Qt.ItemFlag.ItemIsSelectable]
        return items.index(current) if current in items else -1

    def _items(self) -> list[QTreeWidgetItem]:
        """Every row, top to bottom (Home's lists are flat: group titles are rows too)."""
        rows = (self.topLevelItem(row) for row in range(self.topLevelItemCount()))
        return [item for item in rows if item is not None]


class HomeSection(QWidget):
    """A title, a muted note beside it ("3 overdue"), and the list or what to do instead."""

    def __init__(self, title: str, home_list: HomeList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._compact = False
        self.list = home_list
        self.title = section_title(title)
        self.note = muted("")
        self.note.setWordWrap(False)
        self.note.setContentsMargins(0, 14, 0, 4)  # on the title's baseline
        self.empty = muted("")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(2, 6, 2, 6)
        self.empty.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.stack = QStackedWidget()
        self.stack.addWidget(home_list)
        self.stack.addWidget(self.empty)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.title)
        top.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

    def keep_to_its_height(self) -> None:
        """The section takes no more height than its list or sentence needs (the short lists)."""
        self._compact = True
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self._compact:
            # A stack asks for its tallest page's usual height; a fitted list needs its own only.
            hint.setHeight(self.minimumSizeHint().height())
        return hint

    def show_list(self, note: str = "") -> None:
        self.note.setText(note)
        self.stack.setCurrentWidget(self.list)

    def show_empty(self, text: str, note: str = "") -> None:
        """No rows: ``text`` says why and what to do next; the list leaves the tab order."""
        had_focus = self.list.hasFocus()
        self.note.setText(note)
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        if had_focus:
            self.focusNextChild()

    def showing_list(self) -> bool:
        return self.stack.currentWidget() is self.list


def plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
