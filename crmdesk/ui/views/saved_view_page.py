"""A saved view opened from the sidebar (``view:<id>``): its object's page with the view's
filters, sort, columns, grouping and mode put back.

What the user changes here is not saved by itself: "Save view" keeps it in this view,
"Save as new view…" under another name. The layout Qt remembers between sessions (column
widths, the board's toolbar) is kept per saved view, never over the object's own page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtWidgets import QPushButton, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.saved_views import SavedView
from crmdesk.ui.open_views import placeholder
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.views.view_state import apply_board_state, apply_table_state
from crmdesk.ui.widgets.elided_label import ElidedLabel
from crmdesk.ui.widgets.view_name_dialog import ViewNameDialog

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.models.board_source import RecordSource


class SavedViewTable(RecordTableView):
    """The record table, remembering its columns under the saved view's key."""

    def __init__(self, context: AppContext, object_slug: str, view_id: str, parent: QWidget | None = None) -> None:
        self._view_id = view_id  # read by _settings_key while the table is being built
        super().__init__(context, object_slug, parent)

    def _settings_key(self) -> str:
        return f"{super()._settings_key()}/view-{self._view_id}"


class SavedViewBoard(BoardView):
    """The board, remembering its toolbar under the saved view's key."""

    def __init__(self, context: AppContext, source: RecordSource, view_id: str, parent: QWidget | None = None) -> None:
        self._view_prefix = f"board/view-{view_id}"  # read by the settings calls in BoardView's __init__
        super().__init__(context, source, parent)

    def _setting(self, name: str, default: str | None = None) -> str | None:
        settings = self.context.settings
        value = settings.value(f"{self._view_prefix}/{name}", default) if settings is not None else default
        return None if value is None else str(value)

    def _save_setting(self, name: str, value: str) -> None:
        if self.context.settings is not None:
            self.context.settings.setValue(f"{self._view_prefix}/{name}", value)


def open_saved_view(context: AppContext, view_id: str, parent: QWidget | None = None) -> QWidget:
    """What ``view:<id>`` shows: the saved view, or a line saying it is gone (deleted, or its
    object no longer in the workspace)."""
    store = context.store
    saved = store.saved_views.get(view_id) if store is not None else None
    if store is None or saved is None or store.schema.get_object(saved.object_slug) is None:
        return placeholder("This saved view is no longer here." if saved is None
                           else "This saved view's object is no longer in the workspace.")
    return SavedViewPage(context, view_id, parent)


class SavedViewPage(ObjectView):
    def __init__(self, context: AppContext, view_id: str, parent: QWidget | None = None) -> None:
        assert context.store is not None
        saved = context.store.saved_views.get(view_id)
        self.view_id = view_id
        self.saved: SavedView | None = saved
        super().__init__(context, saved.object_slug if saved else "", parent, f"view/saved-{view_id}/mode")
        self.save_button.setText("Save as new view…")
        self.update_button = QPushButton("Save view")
        self.update_button.setToolTip("Keep what this view shows now in it")
        self.update_button.clicked.connect(self.update_view)
        self.header.insertWidget(self.header.indexOf(self.save_button), self.update_button)
        # The view's name beside the Table | Board switch: the table's own heading stays the
        # object's, so a long name never squeezes the table's buttons at 1024 px.
        self.name_label = ElidedLabel()
        self.name_label.setObjectName("savedViewName")
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.header.insertWidget(1, self.name_label, 1)
        if saved is not None:
            apply_table_state(self.table, saved.state)
            self.show_mode(1 if saved.mode == "board" else 0)
            self._show_name()
        store = context.store
        listener = self._saved_views_changed
        store.saved_views.add_listener(listener)
        self.destroyed.connect(lambda *_: store.saved_views.remove_listener(listener))

    def make_table(self) -> RecordTableView:
        return SavedViewTable(self.context, self.object_slug, self.view_id, self)

    def make_board_view(self, source: RecordSource) -> BoardView:
        board = SavedViewBoard(self.context, source, self.view_id, self)
        if self.saved is not None and isinstance(self.saved.state.get("board"), dict):
            apply_board_state(board, self.saved.state["board"])
        return board

    def _show_name(self) -> None:
        if self.saved is not None:
            self.name_label.set_full_text(self.saved.name)
            self.name_label.setToolTip(plain_tooltip(
                f"{self.saved.name}\nA saved view of {self.table.model.object_def.plural_name}"))

    def _saved_views_changed(self) -> None:
        """Renamed: the heading follows. (Deleted, the window closes the page: ``OpenViews``.)"""
        if not shiboken6.isValid(self) or self.context.store is None:
            return
        self.saved = self.context.store.saved_views.get(self.view_id)
        self._show_name()

    def update_view(self) -> None:
        store = self.context.store
        assert store is not None
        try:
            self.saved = store.saved_views.update(self.view_id, self.current_mode(), self.view_state())
        except (ValidationError, StoreError) as error:
            self.table._refused(str(error))

    def save_view(self) -> ViewNameDialog:
        dialog = super().save_view()
        if self.saved is not None:
            dialog.field.setText(f"{self.saved.name} (copy)")
            dialog.field.selectAll()
        return dialog

    def view_state(self) -> dict[str, Any]:
        state = super().view_state()
        if self.board is None and self.saved is not None and "board" in self.saved.state:
            state["board"] = self.saved.state["board"]  # the board not opened this time: kept as it was
        return state
