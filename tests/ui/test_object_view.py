"""An object's page: the board follows the table's filter; "new record" lands in the table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from crmdesk.app import AppContext
from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.paths import Paths
from crmdesk.remote.factory import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.views.object_view import ObjectView


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("object-view") / "w.sqlite"
    with SandboxServer(records=200, seed=2) as server, Store.open(path) as store:
        backend = open_backend("aria", server.url, server.admin_token)
        SyncEngine(store, backend).sync()
        backend.close()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "w.sqlite"
    copy.write_bytes(template.read_bytes())
    with Store.open(copy) as opened:
        yield opened


def test_the_board_shows_only_what_the_table_filter_leaves(qtbot, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = AppContext(paths=Paths.resolve(tmp_path), store=store, undo_stack=QUndoStack())
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
