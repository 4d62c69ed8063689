"""An object's page: the board follows the table's filter; "new record" lands in the table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crmdesk.context import AppContext
from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.store import Store
from crmdesk.ui.views.object_view import ObjectView


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=2)


def test_the_board_shows_only_what_the_table_filter_leaves(  # type: ignore[no-untyped-def]
    qtbot, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]
) -> None:
    context = ui_context(store, data=tmp_path)
    view = ObjectView(context, "deals")
    qtbot.addWidget(view)
    view.show_board()
    board = view.board
    assert board is not None
    everything = sum(column.count for column in board.model.columns)  # type: ignore[attr-defined]
    assert everything == store.records.count("deals")
    won = FilterGroup("and", (Condition("stage", Operator.EQUALS, "Won"),))
    view.table.filter_bar.set_filter(won)
    counts = {column.title: column.count for column in board.model.columns}  # type: ignore[attr-defined]
    expected = len(store.records.query_ids("deals", won))
    assert 0 < expected < everything
    assert counts["Won"] == expected
    assert sum(counts.values()) == expected
