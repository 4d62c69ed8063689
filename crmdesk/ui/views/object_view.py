"""An object's page: its record table and its board behind a Table | Board switch.

The table is the existing RecordTableView, embedded unchanged; the board is built
the first time it is shown (opening an object costs one view, not two). "Save view…"
keeps what the page shows (filters, sort, columns, grouping) under a name, in the
workspace file; a saved view opens as ``SavedViewPage`` (``view:<id>``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from crmdesk.model import ValidationError
from crmdesk.model.filters import filter_to_json
from crmdesk.model.pipeline import deals_pipeline
from crmdesk.store import StoreError
from crmdesk.ui.held_notices import HeldNotices
from crmdesk.ui.icons import FOR_VIEW, icon
from crmdesk.ui.views.view_state import board_state, table_state
from crmdesk.ui.widgets.view_name_dialog import ViewNameDialog

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet
    from crmdesk.ui.models.board_source import RecordSource
    from crmdesk.ui.views.board_view import BoardView
    from crmdesk.ui.views.record_table_view import RecordTableView


class ModeSwitch(QWidget):
    """Two exclusive buttons: Table | Board."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_button = QPushButton(icon(FOR_VIEW["table"]), "Table")
        self.board_button = QPushButton(icon(FOR_VIEW["board"]), "Board")
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
    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None,
                 settings_key: str | None = None) -> None:
        super().__init__(context, settings_key or f"view/object-{object_slug}/mode", parent)
        self.object_slug = object_slug
        self.table = self.make_table()
        self.stack.addWidget(self.table)
        # The board shows the same records the table's filter bar leaves.
        self.table.filter_bar.applied.connect(self._filter_board)
        self.save_button = QPushButton("Save view…")
        self.save_button.setToolTip("Keep these filters, sort, columns and grouping as a view in the sidebar")
        self.save_button.clicked.connect(self.save_view)
        self.header.addWidget(self.save_button)
        self._add_charts_button()
        self.show_mode(self._remembered_mode())

    def make_table(self) -> RecordTableView:
        from crmdesk.ui.views.record_table_view import RecordTableView

        return RecordTableView(self.context, self.object_slug, self)

    def make_board_view(self, source: RecordSource) -> BoardView:
        from crmdesk.ui.views.board_view import BoardView

        return BoardView(self.context, source, self)

    def make_board(self) -> QWidget:
        from crmdesk.ui.models.board_source import RecordSource

        assert self.context.store is not None
        board = self.make_board_view(RecordSource(self.context.store, self.object_slug))
        current = self.table.model.filter  # as the table runs it: "me" already the member
        if current is not None:
            board.set_filter(current)
        return board

    def _filter_board(self, _count: int = 0) -> None:
        if self.board is not None:
            self.board.set_filter(self.table.model.filter)  # type: ignore[attr-defined]

    # -- charts ---------------------------------------------------------------------------------

    def _add_charts_button(self) -> None:
        """Deals (the workspace's pipeline object) get "Charts": the dashboard over these rows."""
        store = self.context.store
        shape = deals_pipeline(store.schema.objects()) if store is not None else None
        if shape is None or shape.obj.slug != self.object_slug:
            return
        self.charts_button = QPushButton("Charts")
        self.charts_button.setToolTip("The pipeline dashboard for the deals this table's filter leaves")
        self.charts_button.clicked.connect(self.open_charts)
        self.header.addWidget(self.charts_button)

    def charts_target(self) -> str:
        """``dashboard:filter:<JSON>`` of the filter as the table runs it ("me" already the member);
        ``dashboard`` when nothing is filtered."""
        current = self.table.model.filter
        if current is None or current.is_empty():
            return "dashboard"
        return "dashboard:filter:" + json.dumps(filter_to_json(current), separators=(",", ":"))

    def open_charts(self) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(self.charts_target())

    # -- saved views ----------------------------------------------------------------------------

    def current_mode(self) -> str:
        return "board" if self.stack.currentIndex() == 1 else "table"

    def view_state(self) -> dict[str, Any]:
        """What a saved view keeps of this page (the board's part once the board was built)."""
        state = table_state(self.table)
        if self.board is not None:
            state["board"] = board_state(self.board)  # type: ignore[arg-type]
        return state

    def save_view(self) -> ViewNameDialog:
        """Ask for a name (a window-modal dialog); the view is saved and opened when given."""
        plural = self.table.model.object_def.plural_name
        dialog = ViewNameDialog("Save view", f"A name for this view of {plural}:", parent=self)
        dialog.named.connect(self._save_new)
        dialog.open()
        return dialog

    def _save_new(self, name: str) -> None:
        store = self.context.store
        assert store is not None
        try:
            saved = store.saved_views.create(self.object_slug, name, self.current_mode(), self.view_state())
        except (ValidationError, StoreError) as error:
            self.table._refused(str(error))
            return
        if self.context.navigator is not None:
            self.context.navigator.go(saved.target)

    def create_record(self) -> None:
        """Ctrl+N, "New record" from the menu or the palette: the quick create form, from the
        board when it is on screen (the new card shows there), else from the table."""
        if self.board is not None and self.stack.currentWidget() is self.board:
            add = getattr(self.board, "add_card_interactively", None)
            if add is not None:
                add(None)
                return
        self.show_table()
        self.table.create_record()

    def on_changed(self, changes: ChangeSet) -> None:
        self.forward_changes(changes)
