"""An object's page: its record table and its board behind a Table | Board switch.

The table is the existing RecordTableView, embedded unchanged; the board is built
the first time it is shown (opening an object costs one view, not two).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from crmdesk.ui.held_notices import HeldNotices

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


class ModeSwitch(QWidget):
    """Two exclusive buttons: Table | Board."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_button = QPushButton("Table")
        self.board_button = QPushButton("Board")
        self.group = QButtonGroup(self)
        for number, button in enumerate((self.table_button, self.board_button)):
            button.setCheckable(True)
            self.group.addButton(button, number)
        self.table_button.setChecked(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.table_button)
        layout.addWidget(self.board_button)
        layout.addStretch(1)


class SwitchedView(QWidget):
    """A table and a lazily built board of the same records, remembered per target in QSettings."""

    def __init__(self, context: AppContext, settings_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._settings_key = settings_key
        self.switch = ModeSwitch()
        self.stack = QStackedWidget()
        self.board: QWidget | None = None
        self.held_notices = HeldNotices()
        self.header = QHBoxLayout()
        self.header.setContentsMargins(8, 6, 8, 0)
        self.header.addWidget(self.switch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.header)
        layout.addWidget(self.stack, 1)
        self.switch.group.idClicked.connect(self.show_mode)

    def _remembered_mode(self) -> int:
        settings = self.context.settings
        return 1 if settings is not None and str(settings.value(self._settings_key, "table")) == "board" else 0

    def make_board(self) -> QWidget:
        raise NotImplementedError

    def show_mode(self, mode: int) -> None:
        if mode == 1 and self.board is None:
            self.board = self.make_board()
            self.stack.addWidget(self.board)
        self.stack.setCurrentIndex(mode)
        self.held_notices.shown(self.stack.currentWidget())
        (self.switch.board_button if mode else self.switch.table_button).setChecked(True)
        if self.context.settings is not None:
            self.context.settings.setValue(self._settings_key, "board" if mode else "table")

    def show_board(self) -> None:
        self.show_mode(1)

    def show_table(self) -> None:
        self.show_mode(0)

    def forward_changes(self, changes: ChangeSet) -> None:
        """To the table or the board on screen; the other keeps them for when it is shown."""
        self.held_notices.deliver(changes, self.stack.currentWidget(), (self.stack.widget(0), self.board))


class ObjectView(SwitchedView):
    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None) -> None:
        super().__init__(context, f"view/object-{object_slug}/mode", parent)
        from crmdesk.ui.views.record_table_view import RecordTableView

        self.object_slug = object_slug
        self.table = RecordTableView(context, object_slug, self)
        self.stack.addWidget(self.table)
        # The board shows the same records the table's filter bar leaves.
        self.table.filter_bar.applied.connect(self._filter_board)
        self.show_mode(self._remembered_mode())

    def make_board(self) -> QWidget:
        from crmdesk.ui.models.board_source import RecordSource
        from crmdesk.ui.views.board_view import BoardView

        assert self.context.store is not None
        board = BoardView(self.context, RecordSource(self.context.store, self.object_slug), self)
        current = self.table.filter_bar.current_filter()
        if current is not None:
            board.set_filter(current)
        return board

    def _filter_board(self, _count: int = 0) -> None:
        if self.board is not None:
            self.board.set_filter(self.table.filter_bar.current_filter())  # type: ignore[attr-defined]

    def create_record(self) -> None:
        """"New record" from the menu or the palette: asked for in the table."""
        self.show_table()
        self.table.create_record()

    def on_changed(self, changes: ChangeSet) -> None:
        self.forward_changes(changes)
