"""The record table driven like a user, against a store the sandbox filled: inline edits with
undo/redo, refusal of invalid input, the filter bar, remembered columns and sort, bulk edit,
bulk delete, new record and CSV export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp
from crmdesk.store import Store
from crmdesk.ui.dialogs.quick_create_dialog import QuickCreateDialog
from crmdesk.ui.editors.reference import ReferencePicker
from crmdesk.ui.editors.value_dialog import ValueDialog
from crmdesk.ui.models.record_table_model import ValueRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._modal import answer_modal
from tests.ui._table_keys import drag_edge

HOSTILE = "<b>x</b><img src=http://x>"


def column(view: RecordTableView, slug: str) -> int:
    return [a.slug for a in view.model.columns].index(slug)


def cell(view: RecordTableView, row: int, slug: str) -> str:
    return view.model.index(row, column(view, slug)).data()


def start_edit(qtbot: Any, view: RecordTableView, row: int, slug: str) -> QWidget:
    index = view.model.index(row, column(view, slug))
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    editor = view.table.findChild(QWidget, f"editor_{slug}")
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    return editor


def commit(qtbot: Any, view: RecordTableView, editor: QWidget) -> None:
    """Enter, then wait for the delegate's queued commit-and-close."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.state() != QAbstractItemView.State.EditingState)


def focus_table(qtbot: Any, view: RecordTableView) -> None:
    """Keyboard shortcuts of the table act only while it has focus, as for a user."""
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)


def test_model_passes_qmodeltester(qtmodeltester: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    qtmodeltester.check(view.model)


def test_edit_text_then_undo_and_redo(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                      context: AppContext, store: Store) -> None:
    view = open_view("deals")
    before = cell(view, 0, "name")
    record_id = view.model.record_at(0).id  # type: ignore[union-attr]
    editor = start_edit(qtbot, view, 0, "name")
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Renewal 2027")
    commit(qtbot, view, editor)
    assert cell(view, 0, "name") == "Renewal 2027"
    mutation = store.outbox.for_target(record_id, entity=EntityKind.RECORD)[-1]
    assert (mutation.op, mutation.changes, mutation.base) == (MutationOp.UPDATE, {"name": "Renewal 2027"},
                                                              {"name": before})
    assert context.sync.local_edits == 1  # type: ignore[union-attr]
    assert context.undo_stack.undoText() == "Edit Name"
    context.undo_stack.undo()
    assert cell(view, 0, "name") == before
    assert store.outbox.for_target(record_id, entity=EntityKind.RECORD)[-1].changes == {"name": before}
    context.undo_stack.redo()
    assert cell(view, 0, "name") == "Renewal 2027"
    assert context.sync.local_edits == 3  # type: ignore[union-attr]


def test_typing_an_amount_over_a_euro_value_keeps_euros(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                                        store: Store) -> None:
    view = open_view("deals")
    values = [view.model.index(r, column(view, "value")).data(ValueRole) for r in range(view.model.rowCount())]
    row = next(r for r, v in enumerate(values) if v and v["currency"] == "EUR")
    record_id = view.model.record_at(row).id  # type: ignore[union-attr]
    editor = start_edit(qtbot, view, row, "value")
    amount = editor.amount  # type: ignore[attr-defined]
    amount.selectAll()
    qtbot.keyClicks(amount, "31,500")
    commit(qtbot, view, amount)
    assert cell(view, row, "value") == "€31,500.00"
    assert store.outbox.for_target(record_id, entity=EntityKind.RECORD)[-1].changes == {
        "value": {"amount": 31500, "currency": "EUR"}}


def test_text_typed_over_a_euro_value_keeps_euros(open_view: Callable[[str], RecordTableView], store: Store) -> None:
    """The plain text path (a paste, a text editor): what was not typed is kept from the value."""
    view = open_view("deals")
    values = [view.model.index(r, column(view, "value")).data(ValueRole) for r in range(view.model.rowCount())]
    row = next(r for r, v in enumerate(values) if v and v["currency"] == "EUR")
    assert view.model.setData(view.model.index(row, column(view, "value")), "12,000", Qt.ItemDataRole.EditRole)
    assert cell(view, row, "value") == "€12,000.00"


def test_a_value_this_server_cannot_hold_is_refused_when_chosen(
        qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store) -> None:
    view = open_view("companies")
    categories = store.schema.get_object("companies").attribute("categories")  # type: ignore[union-attr]
    assert categories is not None and categories.multiselect
    two = [o.id for o in categories.options[:2]]
    index = view.model.index(0, column(view, "categories"))
    with qtbot.waitSignal(view.model.edit_refused) as refused:
        assert not view.model.setData(index, two, ValueRole)
    assert "keeps one option per select attribute" in refused.args[0]
    assert store.outbox.count() == 0


def test_invalid_email_is_refused_with_the_message(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                                   store: Store) -> None:
    view = open_view("people")
    before = cell(view, 0, "email_addresses")
    pending = store.outbox.count()
    editor = start_edit(qtbot, view, 0, "email_addresses")
    qtbot.keyClicks(editor, "not an email")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The editor stays open with the text, the reason is on screen, nothing was stored.
    assert editor.isVisible() and editor.text() == "not an email"  # type: ignore[attr-defined]
    assert view.message_label.isVisible()
    assert "is not an email address" in view.message_label.text()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert cell(view, 0, "email_addresses") == before
    assert store.outbox.count() == pending


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # the stage list is a popup
def test_status_combo_and_reference_picker(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                           store: Store) -> None:
    view = open_view("deals")
    combo = start_edit(qtbot, view, 0, "stage")
    assert isinstance(combo, QComboBox)
    qtbot.waitUntil(combo.view().isVisible)  # the list opens with the editor; a click picks and saves
    rect = combo.view().visualRect(combo.model().index(combo.findText("Won"), 0))
    qtbot.mouseClick(combo.view().viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.table.state() != QAbstractItemView.State.EditingState)
    assert cell(view, 0, "stage") == "Won"

    company = store.records.rows(store.records.query_ids("companies"))[5]
    picker = start_edit(qtbot, view, 1, "company")
    assert isinstance(picker, ReferencePicker)
    word = company.title.split()[0]
    qtbot.keyClicks(picker.search, word)
    titles = [picker.results.item(i).text() for i in range(picker.results.count())]
    assert company.title in titles and all(word.lower() in t.lower() for t in titles if t != "— none —")
    while picker.results.currentItem().text() != company.title:
        qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    commit(qtbot, view, picker.search)
    assert cell(view, 1, "company") == company.title


def test_hostile_titles_show_as_plain_text(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                           store: Store) -> None:
    view = open_view("deals")
    editor = start_edit(qtbot, view, 0, "name")
    editor.setText(HOSTILE)  # type: ignore[attr-defined]
    commit(qtbot, view, editor)
    index = view.model.index(0, column(view, "name"))
    assert index.data() == HOSTILE
    # The edit waits to be sent: the tooltip says so under the value.
    assert index.data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(f"{HOSTILE}\nWaiting to be sent")
    assert "&lt;b&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_filter_bar_builds_nested_conditions(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                             store: Store) -> None:
    view = open_view("deals")
    assert view.count_label.text() == "50 deals"
    qtbot.mouseClick(view.buttons[1], Qt.MouseButton.LeftButton)  # Filter
    root = view.filter_bar.root
    row = root.children_widgets()[0]
    row.attribute.setCurrentIndex(row.attribute.findData("stage"))
    row.operand.combo.setCurrentIndex(row.operand.combo.findText("Won"))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "of 50" in view.count_label.text())
    won = view.model.rowCount()
    assert view.count_label.text() == f"{won} of 50 deals" and 0 < won < 50
    assert {cell(view, r, "stage") for r in range(won)} == {"Won"}
    # (stage is Won) AND (value > 100000 OR name contains "renewal")
    group = root.add_group()
    group.conjunction.setCurrentIndex(1)
    inner = group.children_widgets()[0]
    inner.attribute.setCurrentIndex(inner.attribute.findData("value"))
    inner.operator.setCurrentIndex(inner.operator.findData("gt"))
    qtbot.keyClicks(inner.operand.edit, "100000")  # type: ignore[union-attr]
    qtbot.keyClick(inner.operand.edit, Qt.Key.Key_Return)  # type: ignore[union-attr]
    second = group.add_condition()
    second.operator.setCurrentIndex(second.operator.findData("contains"))
    qtbot.keyClicks(second.operand.edit, "renewal")  # type: ignore[union-attr]
    qtbot.keyClick(second.operand.edit, Qt.Key.Key_Return)  # type: ignore[union-attr]
    expected = [r for r in store.records.rows(store.records.query_ids("deals"))
                if view.model.object_def.attribute("stage").option_by_id(r.values["stage"]).title == "Won"  # type: ignore
                and ((r.values.get("value") or {}).get("amount", 0) > 100000 or "renewal" in r.title.lower())]
    assert view.model.rowCount() == len(expected)
    assert view.filter_action.text() == "Filter (3)"
    # A broken operand: the message shows, the table keeps the previous filter.
    shown = view.model.rowCount()
    inner.operand.edit.setText("lots")  # type: ignore[union-attr]
    qtbot.keyClick(inner.operand.edit, Qt.Key.Key_Return)  # type: ignore[union-attr]
    assert view.filter_bar.message.isVisible() and "not a number" in view.filter_bar.message.text()
    assert view.model.rowCount() == shown
    qtbot.mouseClick(view.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    assert view.count_label.text() == "50 deals" and not view.filter_bar.message.isVisible()


def test_columns_and_sort_are_remembered(qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    header = view.table.horizontalHeader()
    stage, value, owner = column(view, "stage"), column(view, "value"), column(view, "owner")
    header.moveSection(header.visualIndex(stage), 0)
    drag_edge(qtbot, header, value, 60)  # only a width the user sets is remembered
    dragged = header.sectionSize(value)
    view._hide_column(owner)
    for _ in range(2):  # first click: ascending, second: descending
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(value) + 20, 5))
    assert view.model.sorts[0].attribute == "value" and view.model.sorts[0].descending
    first_value = cell(view, 0, "value")
    view.close()

    again = open_view("deals")
    header = again.table.horizontalHeader()
    assert header.logicalIndex(0) == stage
    assert header.sectionSize(value) == dragged
    assert header.isSectionHidden(owner)
    assert header.sortIndicatorSection() == value
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert cell(again, 0, "value") == first_value
    assert again.visible_columns()[0] == stage and owner not in again.visible_columns()


def test_bulk_edit_is_one_undo_step(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                    context: AppContext) -> None:
    view = open_view("deals")
    before = [cell(view, r, "stage") for r in range(3)]
    view.table.setCurrentIndex(view.model.index(0, column(view, "stage")))
    view.table.selectionModel().select(
        view.model.index(2, 0), view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows)
    view.table.selectRow(0)
    for r in (1, 2):
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                         view.table.visualRect(view.model.index(r, 0)).center())
    assert view.selected_rows() == [0, 1, 2]

    def choose_lost(dialog: QWidget) -> None:
        dialog.attribute.setCurrentIndex(dialog.attribute.findText("Stage"))  # type: ignore[attr-defined]
        combo = dialog.editor  # type: ignore[attr-defined]
        assert "3 deals" in dialog.prompt.text()  # type: ignore[attr-defined]
        combo.setCurrentIndex(combo.findText("Lost"))
        qtbot.keyClick(combo, Qt.Key.Key_Return)

    answer_modal(qtbot, choose_lost, ValueDialog)
    focus_table(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert [cell(view, r, "stage") for r in range(3)] == ["Lost"] * 3
    assert context.undo_stack.count() == 1 and context.undo_stack.undoText() == "Edit Stage of 3 records"
    context.undo_stack.undo()
    assert [cell(view, r, "stage") for r in range(3)] == before


def test_bulk_delete_asks_first(qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store) -> None:
    view = open_view("deals")
    view.table.selectRow(0)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     view.table.visualRect(view.model.index(1, 0)).center())
    doomed = {view.model.record_at(r).id for r in (0, 1)}  # type: ignore[union-attr]
    seen: list[str] = []

    def press(label: str) -> Callable[[QWidget], None]:
        def handle(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            button = next(b for b in box.buttons() if b.text().replace("&", "") == label)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return handle

    answer_modal(qtbot, press("Cancel"), QMessageBox)
    focus_table(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert seen == ["Delete 2 deals? This cannot be undone, and the server deletes them too at the next sync."]
    assert view.model.rowCount() == 50
    answer_modal(qtbot, press("Delete 2"), QMessageBox)
    focus_table(qtbot, view)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.rowCount() == 48 and view.count_label.text() == "48 deals"
    deletes = [m for m in store.outbox.all() if m.op is MutationOp.DELETE]
    assert {m.target_id for m in deletes} == doomed


def test_new_record_button(qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store) -> None:
    view = open_view("companies")

    def type_name(dialog: QWidget) -> None:
        name = dialog.field_widget("name")  # type: ignore[attr-defined]
        qtbot.keyClicks(name, "Zeta Robotics")
        qtbot.keyClick(name, Qt.Key.Key_Return)

    answer_modal(qtbot, type_name, QuickCreateDialog)
    qtbot.mouseClick(view.buttons[0], Qt.MouseButton.LeftButton)  # "New company"
    assert view.count_label.text() == "41 companies"
    row = view.selected_rows()[0]
    assert cell(view, row, "name") == "Zeta Robotics"
    created = store.outbox.all()[-1]
    assert (created.entity, created.op, created.changes) == (EntityKind.RECORD, MutationOp.CREATE,
                                                             {"name": "Zeta Robotics"})


def test_new_record_requires_its_title(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                       store: Store) -> None:
    view = open_view("companies")
    messages: list[str] = []

    def submit_empty(dialog: QWidget) -> None:
        qtbot.keyClick(dialog.field_widget("name"), Qt.Key.Key_Return)  # type: ignore[attr-defined]
        messages.append(dialog.error_text("name"))  # type: ignore[attr-defined]
        dialog.reject()  # type: ignore[attr-defined]

    answer_modal(qtbot, submit_empty, QuickCreateDialog)
    view.create_record()
    assert messages == ["Name is required"]
    assert store.outbox.count() == 0


def test_export_visible_rows_and_columns(qtbot: Any, open_view: Callable[[str], RecordTableView],
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_view("deals")
    first = view.model.index(0, column(view, "name"))
    view.model.setData(first, HOSTILE)
    view.model.setData(view.model.index(1, column(view, "name")), "=HYPERLINK(\"http://x\")")
    view._hide_column(column(view, "owner"))
    view.filter_bar.set_filter(None)
    target = tmp_path / "deals.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)"))
    view.export()
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    titles = [view.model.columns[c].title for c in view.visible_columns()]
    # An amount is its number and, beside it, its currency code.
    assert rows[0] == [t for title in titles for t in ([title, "Value currency"] if title == "Value" else [title])]
    assert "Owner" not in rows[0]
    assert len(rows) == 51
    assert rows[1][0] == HOSTILE
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")"
    amounts = {(row[rows[0].index("Value")], row[rows[0].index("Value currency")]) for row in rows[1:]}
    values = [view.model.index(r, column(view, "value")).data(ValueRole) for r in range(50)]
    assert amounts - {("", "")} == {(str(v["amount"]), v["currency"]) for v in values if v}
    assert {code for _, code in amounts} >= {"USD", "EUR"}  # the demo sells in both: never one "$" column


def test_empty_state_is_said(qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    from crmdesk.model import Condition, FilterGroup, Operator

    view.filter_bar.set_filter(FilterGroup("and", (Condition("name", Operator.EQUALS, "no such deal"),)))
    assert view.count_label.text() == "0 of 50 deals"
    assert view.empty_label.isVisible() and view.empty_label.text() == "No deals match this filter."
    assert isinstance(view.filter_bar.findChild(QPushButton), QPushButton)
