"""Bulk edit (Ctrl+E on selected rows) starts with no attribute chosen: the user picks one from a
"Choose an attribute…" placeholder, and OK waits until they have."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from crmdesk.ui.editors.value_dialog import ValueDialog
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._modal import answer_modal
from tests.ui._table_keys import cell, column, focus_table


def select_rows(qtbot: Any, view: RecordTableView, rows: list[int]) -> None:
    """Click the first row, Ctrl+click the others; the current cell ends in the Value column."""
    value = column(view, "value")
    for number, row in enumerate(rows):
        modifier = Qt.KeyboardModifier.ControlModifier if number else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier,
                         view.table.visualRect(view.model.index(row, value)).center())


def test_bulk_edit_waits_for_the_user_to_choose_an_attribute(
        qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    before_values = [cell(view, r, "value") for r in range(2)]
    select_rows(qtbot, view, [0, 1])
    seen: dict[str, Any] = {}

    def choose_stage_then_lost(dialog: QWidget) -> None:
        assert isinstance(dialog, ValueDialog)
        combo = dialog.attribute
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        # What the user sees first: nothing chosen (not the column they happened to click in).
        seen["start"] = (combo.currentIndex(), combo.currentText(), combo.placeholderText(), ok.isEnabled(),
                         dialog.editor is None)
        combo.setFocus()
        qtbot.keyClicks(combo, "Stage")  # type to pick, as in any combo box
        seen["picked"] = (combo.currentText(), ok.isEnabled())
        editor = dialog.editor
        editor.setCurrentIndex(editor.findText("Lost"))
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    answer_modal(qtbot, choose_stage_then_lost, ValueDialog)
    focus_table(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert seen["start"] == (-1, "", "Choose an attribute…", False, True)
    assert seen["picked"] == ("Stage", True)
    assert [cell(view, r, "stage") for r in range(2)] == ["Lost", "Lost"]
    assert [cell(view, r, "value") for r in range(2)] == before_values  # the clicked column is untouched


def test_ok_stays_off_and_nothing_changes_without_a_choice(
        qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    before = [cell(view, r, "value") for r in range(2)]
    select_rows(qtbot, view, [0, 1])
    seen: list[bool] = []

    def press_enter_at_once(dialog: QWidget) -> None:
        assert isinstance(dialog, ValueDialog)
        qtbot.keyClick(dialog.attribute, Qt.Key.Key_Return)  # Enter without choosing: nothing to apply
        seen.append(dialog.isVisible())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    answer_modal(qtbot, press_enter_at_once, ValueDialog)
    focus_table(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert seen == [True]
    assert [cell(view, r, "value") for r in range(2)] == before
    assert view.context.undo_stack.count() == 0  # type: ignore[union-attr]
