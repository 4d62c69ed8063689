"""On start with several workspaces and none used last, the user picks one in a small dialog
(name, server, last synced); the pick is remembered, so the next start opens it at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.dialogs.workspace_chooser import WorkspaceChooser
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.workspace_switcher import close_workspace, open_start_workspace
from crmdesk.workspaces import WorkspaceSummary, describe_workspace, last_workspace


def _data_dir(tmp_path: Path) -> Paths:
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    for workspace_id, name, synced in (("w-old", "Old team", "2026-01-02T12:00:00.000Z"),
                                       ("w-new", "<b>New</b> team", "2026-11-30T09:30:00.000Z")):
        with Store.open(paths.workspace_db(workspace_id)) as store, store.write():
            store.schema.set_meta("workspace_name", name)
            store.schema.set_meta("server_url", f"https://{workspace_id}.example.com")
            store.schema.set_meta("last_sync_at", synced)
    return paths


def test_the_chooser_lists_name_server_and_last_sync_newest_first(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = _data_dir(tmp_path)
    summaries = [describe_workspace(p) for p in sorted(paths.workspaces_dir.glob("*.sqlite"))]
    chooser = WorkspaceChooser(summaries)
    qtbot.addWidget(chooser)
    rows = [[chooser.table.topLevelItem(i).text(c) for c in range(3)] for i in range(chooser.table.topLevelItemCount())]
    assert rows[0][:2] == ["<b>New</b> team", "https://w-new.example.com"]  # names stay plain text
    assert rows[1][:2] == ["Old team", "https://w-old.example.com"]
    assert "Jan" in rows[1][2]  # format_when's short local form ("2 Jan 2026", or without the year)
    assert chooser.chosen() == paths.workspace_db("w-new")  # the likeliest one is pre-selected
    chooser.table.setCurrentItem(chooser.table.topLevelItem(1))
    with qtbot.waitSignal(chooser.accepted, timeout=5000):
        chooser.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open).click()
    assert chooser.chosen() == paths.workspace_db("w-old")
    assert chooser.result() == chooser.DialogCode.Accepted


def test_start_asks_among_several_then_remembers_the_pick(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = _data_dir(tmp_path)
    asked: list[list[str]] = []

    def pick_old(workspaces: list[WorkspaceSummary]) -> Path:
        asked.append(sorted(w.name for w in workspaces))
        return next(w.path for w in workspaces if w.name == "Old team")

    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack())
    start = open_start_workspace(context, ask=pick_old, with_sync=False)
    assert asked == [["<b>New</b> team", "Old team"]]
    assert start.path == paths.workspace_db("w-old") and context.store is not None
    assert last_workspace(paths) == "w-old"
    close_workspace(context)

    again = open_start_workspace(context, ask=lambda _: None, with_sync=False)  # not asked this time
    assert again.path == paths.workspace_db("w-old")
    close_workspace(context)


def test_without_a_way_to_ask_start_explains_how_to_choose(tmp_path: Path) -> None:
    paths = _data_dir(tmp_path)
    context = AppContext(paths=paths, navigator=Navigator())
    start = open_start_workspace(context, ask=None, with_sync=False)
    assert start.path is None and context.store is None
    assert "2 workspaces" in start.problem and "--workspace ID" in start.problem
    assert "w-new" in start.problem and "w-old" in start.problem
    cancelled = open_start_workspace(context, ask=lambda _: None, with_sync=False)
    assert cancelled.path is None and cancelled.problem == "No workspace was chosen."
