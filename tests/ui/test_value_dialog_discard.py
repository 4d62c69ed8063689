"""Bulk edit's value dialog keeps a typed value: Esc asks before dropping it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from crmdesk.ui.editors.value_dialog import ValueDialog
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._answers import answering


def _dialog(view: RecordTableView, qtbot) -> ValueDialog:  # type: ignore[no-untyped-def]
    name = view.model.object_def.attribute("name")
    assert name is not None
    dialog = ValueDialog("Edit selected", "Set one attribute:", [name], view.model.store, view.model.context, view)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_esc_with_a_typed_value_asks_and_keeping_it_keeps_the_dialog(
        qtbot, open_view: Callable[[str], RecordTableView]) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(open_view("deals"), qtbot)
    asked: list[bool] = []
    dialog.discard_guard.confirm = answering(False, asked, note=lambda: True)  # "Keep editing"
    qtbot.keyClicks(dialog.editor, "Renamed deal")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert asked == [True]
    assert dialog.isVisible()
    assert dialog.editor.text() == "Renamed deal"


def test_esc_without_typing_closes_at_once(qtbot, open_view: Callable[[str], RecordTableView]) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(open_view("deals"), qtbot)
    dialog.discard_guard.confirm = lambda: False
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
