"""What a saved view keeps of a table and a board, and putting it back.

The state is plain JSON (the store keeps it whole): the filter as the filter bar holds it
("me" stays "me"), the sorts, the columns (order, width, hidden, by attribute slug, as the
column chooser saves them) and the board's grouping, sum, card fields and hidden empty
columns. Attributes removed since are skipped when it is applied, never an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmdesk.model import InvalidFilter, Sort
from crmdesk.model.filters import filter_from_json, filter_to_json
from crmdesk.ui.widgets import column_chooser

if TYPE_CHECKING:
    from crmdesk.ui.views.board_view import BoardView
    from crmdesk.ui.views.record_table_view import RecordTableView


def table_state(view: RecordTableView) -> dict[str, Any]:
    group = view.filter_bar.current_filter()
    return {
        "filter": filter_to_json(group) if group is not None else None,
        "sorts": [{"attribute": s.attribute, "descending": s.descending} for s in view.model.sorts],
        "columns": column_chooser.header_layout(view.table.horizontalHeader(), view.model),
    }


def apply_table_state(view: RecordTableView, state: dict[str, Any]) -> None:
    columns = [c for c in state.get("columns") or [] if isinstance(c, dict)]
    if columns:
        column_chooser.apply_layout(view.table.horizontalHeader(), view.model, columns)
    known = {a.slug for a in view.model.columns}
    sorts = [Sort(str(s.get("attribute")), bool(s.get("descending"))) for s in state.get("sorts") or []
             if isinstance(s, dict) and s.get("attribute") in known]
    view.model.set_sorts(sorts)
    view._show_sort_indicator()  # the header's arrow follows the sort put back
    group = None
    raw = state.get("filter")
    if isinstance(raw, dict):
        try:
            group = filter_from_json(raw)
        except InvalidFilter:
            group = None  # a damaged filter opens the view unfiltered rather than not at all
    view.filter_bar.set_filter(group)
    shown = group is not None and not group.is_empty()
    if shown != view.filter_bar.isVisible():
        view.toggle_filter()  # a filtered view shows what filters it


def board_state(board: BoardView) -> dict[str, Any]:
    return {
        "group": board.model.group_slug,
        "sum": board.model.sum_slug,
        "fields": list(board.model.card_slugs),
        "hide_empty": board.hide_empty.isChecked(),
    }


def apply_board_state(board: BoardView, state: dict[str, Any]) -> None:
    group = board.group_combo.findData(state.get("group"))
    if group >= 0:
        board.group_combo.setCurrentIndex(group)
    if "sum" in state:
        board.sum_combo.setCurrentIndex(max(0, board.sum_combo.findData(state.get("sum"))))
    fields = state.get("fields")
    if isinstance(fields, list):
        board.set_card_fields([str(f) for f in fields if board.source.attribute(str(f)) is not None])
        for action in board.fields_menu.actions():
            action.blockSignals(True)
            action.setChecked(action.data() in board.model.card_slugs)
            action.blockSignals(False)
    board.hide_empty.setChecked(bool(state.get("hide_empty")))
