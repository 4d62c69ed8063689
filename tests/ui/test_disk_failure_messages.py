"""What the window shows when the disk is in the way: the workspace named on the command line
cannot be opened (a message box over the welcome screen, its text plain), and an edit that meets
a damaged file (refused with what to do, nothing written)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from crmdesk.app import show_start_problem
from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.workspace_switcher import open_start_workspace
from tests.disk_faults import beside, damage_value_index, digest, make_workspace, unwritable


def _context(data: Path) -> AppContext:
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(paths=Paths.resolve(data), navigator=Navigator(), undo_stack=QUndoStack(), settings=settings)


def test_the_window_started_on_a_read_only_workspace_says_so_in_a_message_box(
    qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """As ``crmdesk --data-dir D --workspace ws`` starts (``app.run_gui``'s steps)."""
    data = tmp_path / "data"
    path = make_workspace(data / "workspaces" / "ws.sqlite")
    before = digest(path)
    context = _context(data)
    with unwritable(path):
        start = open_start_workspace(context, requested="ws", ask=None, with_sync=False)
    assert start.failed and start.path is None and context.store is None
    assert start.problem.startswith(f"The workspace file {path} is read-only: crmdesk needs to write to it")
    caplog.clear()  # (its warning, for the log file)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    box = show_start_problem(window, start)
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert box.text() == start.problem and box.textFormat() == Qt.TextFormat.PlainText
    assert box.icon() == QMessageBox.Icon.Warning and box.parent() is window
    assert window.current_target == "welcome"  # behind it: connect, or try the demo
    box.accept()
    assert digest(path) == before and not beside(path)


def test_nothing_to_tell_when_there_is_no_workspace_yet(qtbot: Any, tmp_path: Path) -> None:
    context = _context(tmp_path / "data")
    start = open_start_workspace(context, ask=None, with_sync=False)
    assert start.path is None and not start.failed  # the welcome screen says what to do
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert show_start_problem(window, start) is None


def test_an_edit_meeting_a_damaged_file_is_refused_with_what_to_do(
    qtbot: Any, tmp_path: Path, ui_context: Callable[..., AppContext], fake_sync: Any
) -> None:
    path = make_workspace(tmp_path / "ws.sqlite")
    damage_value_index(path)
    before = digest(path)
    store = Store.open(path)
    try:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        view = RecordTableView(ui_context(store, sync=fake_sync, settings=settings), "companies")
        qtbot.addWidget(view)
        view.show()
        # 1,500 rows: the first come at once, the whole list from a read of its own (before the close).
        qtbot.waitUntil(lambda: view.model.complete)
        column = next(i for i, attr in enumerate(view.model.columns) if attr.slug == "description")
        index = view.model.index(0, column)
        shown = index.data()
        with qtbot.waitSignal(view.model.edit_refused) as refused:
            view.model.setData(index, "new text", Qt.ItemDataRole.EditRole)
        message = refused.args[0]
        assert message.startswith(f"The workspace file {path} is damaged") and "Move it somewhere safe" in message
        assert view.message_label.text() == message
        assert view.model.index(0, column).data() == shown  # the table still shows what is in the file
        assert store.outbox.count() == 0 and fake_sync.local_edits == 0
    finally:
        store.close()
    assert digest(path) == before and not beside(path)
