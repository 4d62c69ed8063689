"""The board: moves through the outbox with undo, sync to the sandbox, counts, sums, safety."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from crmdesk.context import AppContext
from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, Operator, Record
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.ui.dialogs.quick_create_dialog import QuickCreateDialog
from crmdesk.ui.models.board_model import CardIdRole, CardRole
from crmdesk.ui.models.board_source import RecordSource
from crmdesk.ui.views.board_view import BoardView
from tests.ui._modal import answer_modal

from ._deals import DEALS

pytestmark = pytest.mark.sandbox(records=300, seed=1)


@pytest.fixture
def store(server_synced_store: Store) -> Store:
    return server_synced_store


def api_record(server: SandboxServer, slug: str, record_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{server.url}/api/v1/objects/{slug}/records/{record_id}",
                       headers={"Authorization": f"Bearer {server.admin_token}"})
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()["data"]
    return data


def column(board: BoardView, title: str) -> Any:
    return next(c for c in board.model.columns if c.title == title)


def test_drag_between_columns_is_one_undoable_outbox_edit_the_server_gets(
    qtbot: Any, store: Store, server: SandboxServer, tmp_path: Path, ui_context: Callable[..., AppContext],
    sync_from: Callable[..., str]
) -> None:
    context = ui_context(store, data=tmp_path)
    board = BoardView(context, RecordSource(store, "deals"))
    qtbot.addWidget(board)
    assert board.model.group_slug == "stage"
    lead, qualified = column(board, "Lead"), column(board, "Qualified")
    lead_count, qualified_count = lead.count, qualified.count
    card_id = lead.model.index(0).data(CardIdRole)
    before = store.outbox.pending()

    mime = lead.model.mimeData([lead.model.index(0)])
    assert qualified.model.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, QModelIndex())

    row = store.records.get(card_id)
    assert row is not None and row.values["stage"] == qualified.key
    assert (lead.count, qualified.count) == (lead_count - 1, qualified_count + 1)
    assert qualified.model.index(1).data(CardIdRole) == card_id  # shown where it was dropped
    assert len(store.outbox.pending()) == len(before) + 1
    assert context.undo_stack.count() == 1

    context.undo_stack.undo()
    row = store.records.get(card_id)
    assert row is not None and row.values["stage"] == lead.key
    assert lead.model.index(0).data(CardIdRole) == card_id
    assert (lead.count, qualified.count) == (lead_count, qualified_count)

    context.undo_stack.redo()
    sync_from(store, server)
    assert store.outbox.pending() == []
    stage = api_record(server, "deals", card_id)["values"]["stage"]
    assert stage in (qualified.key, "Qualified") or (isinstance(stage, dict) and qualified.key in stage.values())


def test_ctrl_arrows_move_the_selected_card(
    qtbot: Any, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(store, data=tmp_path), RecordSource(store, "deals"))
    qtbot.addWidget(board)
    board.show()
    lead_widget = board.column_widgets[0]
    card_id = lead_widget.column.model.index(0).data(CardIdRole)
    lead_widget.select_row(0)
    QTest.keyClick(lead_widget.cards, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    row = store.records.get(card_id)
    assert row is not None and row.values["stage"] == board.model.columns[1].key
    moved = board.column_widgets[1]
    assert moved.current_row() == 0 and board.focusWidget() is moved.cards
    QTest.keyClick(moved.cards, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert board.model.locate(card_id) == (1, 1)


def test_add_card_at_top_of_column_with_its_value(
    qtbot: Any, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(store, data=tmp_path), RecordSource(store, "deals"))
    qtbot.addWidget(board)
    board.show()
    proposal = column(board, "Proposal")
    widget = next(w for w in board.column_widgets if w.column.key == proposal.key)

    def type_name(dialog: QWidget) -> None:
        # The column's stage is filled in; the user names the deal and presses Enter.
        stage = dialog.field_widget("stage")  # type: ignore[attr-defined]
        assert stage.currentText() == "Proposal"
        name = dialog.field_widget("name")  # type: ignore[attr-defined]
        qtbot.keyClicks(name, "Fresh pilot")
        qtbot.keyClick(name, Qt.Key.Key_Return)

    answer_modal(qtbot, type_name, QuickCreateDialog)
    qtbot.mouseClick(widget.add_button, Qt.MouseButton.LeftButton)
    record_id = proposal.model.index(0).data(CardIdRole)
    assert record_id is not None
    row = store.records.get(record_id)
    assert row is not None and row.values["name"] == "Fresh pilot" and row.values["stage"] == proposal.key


def test_filter_limits_the_cards(
    qtbot: Any, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(store, data=tmp_path), RecordSource(store, "deals"))
    qtbot.addWidget(board)
    assert board.set_filter(FilterGroup("and", (Condition("name", Operator.CONTAINS, "pilot"),)))
    for col in board.model.columns:
        for row in range(col.count):
            assert "pilot" in col.model.index(row).data().lower()
    assert not board.set_filter(FilterGroup("and", (Condition("nope", Operator.EQUALS, "x"),)))
    assert board.message_label.isVisibleTo(board)


# -- a known dataset, no server ---------------------------------------------------------------



@pytest.fixture
def known(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "known.sqlite") as opened, opened.write():
        opened.schema.save_object(DEALS)
        rows = [("a", "s-lead", 100), ("b", "s-lead", 250.5), ("c", "s-lead", None), ("d", "s-won", 1_000_000),
                ("e", None, 7), ("<b>x</b><img src=http://e/x.png>", "s-won", None)]
        records = []
        for n, (name, stage, amount) in enumerate(rows):
            values: dict[str, Any] = {"name": name}
            if stage:
                values["stage"] = stage
            if amount is not None:
                values["value"] = {"amount": amount, "currency": "USD"}
            records.append(Record(f"r{n}", "deals", values, f"2026-01-0{n + 1}T00:00:00Z"))
        opened.records.put_many(DEALS, records)
    with Store.open(tmp_path / "known.sqlite") as reopened:
        yield reopened


def test_counts_sums_and_hide_empty(
    qtbot: Any, known: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(known, data=tmp_path), RecordSource(known, "deals"))
    qtbot.addWidget(board)
    board.show()
    assert [(c.title, c.count) for c in board.model.columns] == [("Lead", 3), ("Won", 2), ("Lost", 0),
                                                                 ("No value", 1)]
    assert board.model.sum_slug == "value"
    assert [c.totals for c in board.model.columns] == [{"USD": 350.5}, {"USD": 1_000_000.0}, {}, {"USD": 7.0}]
    assert board.column_widgets[1].sum_label.text() == "Σ $1M"
    assert board.visible_columns() == ["Lead", "Won", "Lost", "No value"]
    board.hide_empty.setChecked(True)
    assert board.visible_columns() == ["Lead", "Won", "No value"]
    # Moving the last card out of a column hides it; the sums follow the card.
    board.model.move_card("r4", "s-lost", 0)
    assert board.visible_columns() == ["Lead", "Won", "Lost"]
    assert board.model.columns[2].totals == {"USD": 7.0} and board.model.columns[3].totals == {}
    board.sum_combo.setCurrentIndex(0)
    assert board.column_widgets[0].sum_label.isHidden()


def test_card_titles_are_plain_text(
    qtbot: Any, known: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(known, data=tmp_path), RecordSource(known, "deals"))
    qtbot.addWidget(board)
    won = board.model.columns[1].model
    titles = [won.index(r).data() for r in range(won.rowCount())]
    hostile = "<b>x</b><img src=http://e/x.png>"
    assert hostile in titles
    row = titles.index(hostile)
    assert won.index(row).data(CardRole).title == hostile
    tooltip = won.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img" in tooltip and "<img" not in tooltip
    board.resize(1200, 600)
    board.show()
    assert not board.grab().isNull()  # the delegate paints it (with drawText: never as markup)


def test_models_pass_qtmodeltester(
    qtmodeltester: Any, qtbot: Any, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    board = BoardView(ui_context(store, data=tmp_path), RecordSource(store, "deals"))
    qtbot.addWidget(board)
    for col in board.model.columns:
        qtmodeltester.check(col.model)


def test_column_sums_are_one_per_currency_each_written_its_own_way() -> None:
    from crmdesk.ui.views.board_view import format_totals

    value = AttributeDef("value", "Value", AttributeType.CURRENCY)
    totals = {"USD": 1_500_000.0, "JPY": 12_500_000.0, "EUR": -2_000.0}
    assert format_totals(value, totals) == "Σ -€2K + ¥12.5M + $1.5M"
    assert format_totals(value, totals, compact=False) == "Σ -€2,000.00 + ¥12,500,000 + $1,500,000.00"
