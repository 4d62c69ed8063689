"""One board column: a colored header (title, count, sum, add) over a lazy list of cards."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.models.board_model import BoardColumn, CardIdRole, RecordIdRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.board_delegate import CardDelegate, mix

COLUMN_WIDTH = 290
#: What the status bar says when focus comes to the cards (see crmdesk.ui.widgets.status_hint).
BOARD_HINT = "Enter or double-click opens the record · Ctrl+arrows move the card"
NO_VALUE_COLOR = "#94a3b8"

_ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


class CardList(QListView):
    """The cards; Ctrl+arrows ask the board to move the current card, Enter opens it."""

    move_requested = Signal(str, int, int)  # card id, columns to the right, rows down
    open_requested = Signal(str)  # record id

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        step = _ARROWS.get(Qt.Key(event.key()))
        if step and event.modifiers() & Qt.KeyboardModifier.ControlModifier and index.isValid():
            self.move_requested.emit(index.data(CardIdRole), *step)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self.open_requested.emit(index.data(RecordIdRole))
            event.accept()
            return
        super().keyPressEvent(event)


class BoardColumnWidget(QFrame):
    add_requested = Signal(object)  # the column's key (option id or None)

    def __init__(self, column: BoardColumn, delegate: CardDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self.setObjectName("boardColumn")
        self.setFixedWidth(COLUMN_WIDTH)
        self.setAutoFillBackground(True)
        self.stripe = QFrame()
        self.stripe.setFixedHeight(4)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title_label.setFont(font)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("boardCount")
        self.sum_label = QLabel()
        self.sum_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sum_label.setObjectName("boardSum")
        sum_font = self.sum_label.font()
        sum_font.setBold(True)
        self.sum_label.setFont(sum_font)
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setAutoRaise(True)
        self.add_button.setToolTip(plain_tooltip(f"Add a card to {column.title}"))
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.column.key))
        self.cards = CardList()
        # Uniform sizes: the view lays out any number of cards without asking for their data.
        # Both set before the model: changing the scroll mode of a view that has one lays every
        # row out there and then (it asks where the top row is); set first, the one layout waits
        # for the show. (That layout still asks the model for each row's index: ~2.7 s at
        # 1,000,000 cards, see issue 19's notes.)
        self.cards.setUniformItemSizes(True)
        self.cards.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.cards.setModel(column.model)
        self.cards.setItemDelegate(delegate)
        self.cards.verticalScrollBar().setSingleStep(24)
        self.cards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cards.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.cards.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.cards.setDropIndicatorShown(True)
        self.cards.setMouseTracking(True)
        self.cards.setFrameShape(QFrame.Shape.NoFrame)
        self.cards.setAccessibleName(f"{column.title} cards")
        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 4, 0)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.count_label)
        header.addWidget(self.add_button)
        sums = QHBoxLayout()
        sums.setContentsMargins(10, 0, 10, 4)
        sums.addWidget(self.sum_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.stripe)
        layout.addLayout(header)
        layout.addLayout(sums)
        layout.addWidget(self.cards, 1)
        self.refresh("")

    def refresh(self, sum_text: str) -> None:
        """Header text and colors from the column (after a move, a reload or a new sum)."""
        column = self.column
        color = QColor(column.color or NO_VALUE_COLOR)
        self.stripe.setStyleSheet(f"background: {color.name()}; border-radius: 2px;")
        self.title_label.setText(column.title)
        self.title_label.setToolTip(plain_tooltip(column.title))
        self.count_label.setText(f"{column.count:,}")
        self.sum_label.setText(sum_text)
        self.sum_label.setVisible(bool(sum_text))
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        tint = mix(window, color, 0.07)
        palette.setColor(QPalette.ColorRole.Window, tint)
        palette.setColor(QPalette.ColorRole.Base, tint)
        self.setPalette(palette)
        self.cards.setPalette(palette)

    def select_row(self, row: int) -> None:
        index = self.column.model.index(row)
        if index.isValid():
            self.cards.setCurrentIndex(index)
            self.cards.scrollTo(index)
            self.cards.setFocus()

    def current_row(self) -> int | None:
        index: QModelIndex = self.cards.currentIndex()
        return index.row() if index.isValid() else None
