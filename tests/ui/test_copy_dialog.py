"""File ▸ Copy workspace to…: choosing a target plans the copy, Copy sends the records to the
target's server and checks them there, Copy again sends nothing twice, Cancel stops part way and
the next Copy goes on; a target without credentials says to connect first.

No part of the copy is stood in for: the source is a workspace file synced from a real Aria
sandbox, each target a real sandbox of another dialect whose workspace file and keyring entry are
made as the Connect dialog makes them, and the dialog runs the copy on its worker thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette, QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMenu

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.secrets import SERVICE, TokenStore
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.copy import CopyPlan
from crmdesk.ui.dialogs.connect_dialog import ConnectDialog, create_workspace
from crmdesk.ui.dialogs.copy_dialog import (
    CANCELLED,
    COPIED,
    PLANNED,
    CopyWorkspaceDialog,
)
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.theme_ink import contrast
from crmdesk.ui.workspace_switcher import workspace_id
from crmdesk.workspaces import open_workspace_store
from tests.memory_keyring import MemoryKeyring
from tests.ui._connect import window_fixtures
from tests.ui._theme_palettes import app_palette, dark_palette, light_palette

pytestmark = pytest.mark.sandbox(dialect="aria", records=60, seed=7)
memory_keyring, window = window_fixtures()

#: A plan (the target's first sync) or a copy of a few hundred records on loopback takes seconds.
WORK_MS = 60_000


# -- the source, the targets ---------------------------------------------------------------------


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    found = Paths.resolve(tmp_path / "data")
    found.ensure()
    return found


@pytest.fixture
def tokens(suite_keyring: MemoryKeyring) -> TokenStore:
    return TokenStore(suite_keyring, environ={})


def synced_source(paths: Paths, server: SandboxServer) -> Path:
    """The workspace file of ``server`` in ``paths``, made and synced as ``crmdesk sync`` does."""
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        with open_workspace_store(paths, backend, "aria", server.url) as store:
            assert SyncEngine(store, backend).sync(force_collections=True).status.value == "synced"
            return Path(store.path)
    finally:
        backend.close()


@pytest.fixture
def source_path(paths: Paths, server: SandboxServer) -> Path:
    return synced_source(paths, server)


@pytest.fixture
def make_context(paths: Paths, tokens: TokenStore, tmp_path: Path) -> Iterator[Callable[[Path], AppContext]]:
    """``make_context(source_path)``: the window's context with that workspace open."""
    with ExitStack() as opened:
        def make(path: Path) -> AppContext:
            store = opened.enter_context(Store.open(path))
            settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
            return AppContext(paths=paths, store=store, tokens=tokens, undo_stack=QUndoStack(), settings=settings)

        yield make


@pytest.fixture
def context(make_context: Callable[[Path], AppContext], source_path: Path) -> AppContext:
    return make_context(source_path)


@pytest.fixture
def start_server() -> Iterator[Callable[..., SandboxServer]]:
    """``start_server(dialect, records=0)``: a sandbox for this test, stopped after it."""
    with ExitStack() as running:
        yield lambda dialect, records=0, seed=1: running.enter_context(
            SandboxServer(dialect=dialect, records=records, seed=seed))


def connect_target(paths: Paths, tokens: TokenStore, server: SandboxServer, *, keep_token: bool = True) -> Path:
    """The target's workspace file and keyring entry, made as the Connect dialog makes them."""
    path = create_workspace(paths, server.dialect, server.url, {"token": server.admin_token}, False)
    if keep_token:
        tokens.store_credentials(workspace_id(path), {"token": server.admin_token})
    return path


def source_counts(context: AppContext) -> dict[str, int]:
    store = context.store
    assert store is not None
    return {slug: store.records.count(slug) for slug in store.schema.objects()}


def server_counts(server: SandboxServer, plan: CopyPlan) -> dict[str, int]:
    """Records the target's server holds, by the source object the plan copies into each."""
    backend = open_backend(server.dialect, server.url, server.admin_token)
    try:
        return {om.source.slug: len(backend.record_ids(om.target.slug)) for om in plan.objects if om.target}
    finally:
        backend.close()


# -- the dialog ------------------------------------------------------------------------------------


def open_dialog(qtbot: Any, context: AppContext) -> CopyWorkspaceDialog:
    dialog = CopyWorkspaceDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def targets_listed(dialog: CopyWorkspaceDialog) -> list[Path]:
    combo = dialog.target_combo
    return [Path(combo.itemData(i)) for i in range(combo.count())]


def choose(qtbot: Any, dialog: CopyWorkspaceDialog, path: Path) -> str:
    """Pick ``path`` in the list as a user does; how the plan it starts ended."""
    with qtbot.waitSignal(dialog.work_ended, timeout=WORK_MS) as ended:
        dialog.target_combo.setCurrentIndex(dialog.target_combo.findData(str(path)))
    return str(ended.args[0])


def click_copy(qtbot: Any, dialog: CopyWorkspaceDialog) -> str:
    assert dialog.copy_button.isEnabled()
    with qtbot.waitSignal(dialog.work_ended, timeout=WORK_MS) as ended:
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    return str(ended.args[0])


def assert_usable(dialog: CopyWorkspaceDialog) -> None:
    assert not dialog.working()
    assert dialog.target_combo.isEnabled() and dialog.connect_button.isEnabled()
    assert dialog.close_button.isEnabled()
    assert not dialog.progress_box.isVisible()


def shown_text(dialog: CopyWorkspaceDialog) -> str:
    """Everything the dialog shows in words."""
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    return f"{labels} {dialog.report.toPlainText()}"


# -- plan, copy, copy again -------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "in_plan"), [("atomic", "NOT copied"), ("attio", "(to be made)")])
def test_a_plan_then_a_copy_that_the_target_server_holds_and_a_second_copy_that_copies_nothing(
    qtbot: Any, context: AppContext, paths: Paths, tokens: TokenStore, source_path: Path,
    start_server: Callable[..., SandboxServer], dialect: str, in_plan: str,
) -> None:
    target_server = start_server(dialect)
    target = connect_target(paths, tokens, target_server)
    dialog = open_dialog(qtbot, context)
    assert targets_listed(dialog) == [target]  # not the workspace copied from
    assert not dialog.copy_button.isEnabled()  # nothing planned yet

    assert choose(qtbot, dialog, target) == "planned"
    plan_text = dialog.report.toPlainText()
    assert plan_text.startswith("Copy to ")
    assert "People → People: 33 records" in plan_text
    assert in_plan in plan_text  # what the target cannot hold, or what is made there first
    assert dialog.headline.text() == PLANNED
    assert dialog.copy_button.isEnabled()
    assert dialog.plan is not None
    assert set(server_counts(target_server, dialog.plan).values()) == {0}  # a plan writes nothing there

    seen: list[str] = []
    dialog.progressed.connect(lambda phase, _done, _total: seen.append(phase))
    assert click_copy(qtbot, dialog) == "copied"
    assert seen, "the worker's progress reached the dialog"
    assert dialog.headline.text() == COPIED, dialog.report.toPlainText()
    expected = source_counts(context)
    total = sum(expected.values())
    assert total == 60
    result = dialog.report.toPlainText()
    assert f"copied: {total} records" in result
    assert "Found on its server afterwards:" in result and "differing: 0" in result
    assert server_counts(target_server, dialog.plan) == expected
    if dialect == "attio":
        assert "Made on its server first:" in result and "made the list Sales pipeline" in result
    assert_usable(dialog)

    assert click_copy(qtbot, dialog) == "copied"
    again = dialog.report.toPlainText()
    assert "copied: 0 records" in again
    assert f"already copied before: {total} records" in again, again
    assert dialog.headline.text() == COPIED, dialog.report.toPlainText()
    assert server_counts(target_server, dialog.plan) == expected  # nothing twice
    assert target_server.admin_token not in shown_text(dialog)


def test_cancel_part_way_keeps_the_dialog_usable_and_copy_again_finishes_without_duplicates(
    qtbot: Any, context: AppContext, paths: Paths, tokens: TokenStore, start_server: Callable[..., SandboxServer],
) -> None:
    # Attio's client keeps to the real server's 25 writes a second: sending the copy's hundred
    # items takes seconds, and Cancel lands while it is being sent.
    target_server = start_server("attio")
    target = connect_target(paths, tokens, target_server)
    dialog = open_dialog(qtbot, context)
    assert choose(qtbot, dialog, target) == "planned"
    assert dialog.plan is not None

    def cancel_while_sending(phase: str, done: int, total: int) -> None:
        if phase == "push" and 0 < done <= total // 2 and dialog.cancel_button.isEnabled():
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progressed.connect(cancel_while_sending)
    assert click_copy(qtbot, dialog) == "cancelled"
    dialog.progressed.disconnect(cancel_while_sending)
    assert dialog.headline.text() == CANCELLED
    assert_usable(dialog)
    assert dialog.copy_button.isEnabled()
    expected = source_counts(context)
    part = sum(server_counts(target_server, dialog.plan).values())
    assert 0 < part < sum(expected.values()), "cancelled part way: some records sent, not all"

    assert click_copy(qtbot, dialog) == "copied"
    assert dialog.headline.text() == COPIED, dialog.report.toPlainText()
    assert server_counts(target_server, dialog.plan) == expected  # the rest, and nothing twice
    assert "already copied before:" in dialog.report.toPlainText()


def test_closing_while_copying_cancels_and_closes_once_the_worker_stopped(
    qtbot: Any, context: AppContext, paths: Paths, tokens: TokenStore, start_server: Callable[..., SandboxServer],
) -> None:
    target = connect_target(paths, tokens, start_server("atomic"))
    dialog = open_dialog(qtbot, context)
    assert choose(qtbot, dialog, target) == "planned"
    closed: list[int] = []
    dialog.finished.connect(closed.append)

    def close_at_once(_phase: str, _done: int, _total: int) -> None:
        if dialog.close_button.isEnabled():
            qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
            # Still open, Close greyed out, until the worker has stopped.
            assert dialog.isVisible() and dialog.working() and not dialog.close_button.isEnabled()

    dialog.progressed.connect(close_at_once)
    with qtbot.waitSignal(dialog.work_ended, timeout=WORK_MS) as ended:
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert ended.args == ["cancelled"]
    assert closed == [QDialog.DialogCode.Rejected]
    assert not dialog.isVisible()
    assert not dialog._background.busy()


# -- no credentials --------------------------------------------------------------------------------


def test_a_target_without_credentials_says_to_connect_first_and_another_can_be_chosen(
    qtbot: Any, context: AppContext, paths: Paths, tokens: TokenStore, start_server: Callable[..., SandboxServer],
) -> None:
    bare_server = start_server("atomic")
    bare = connect_target(paths, tokens, bare_server, keep_token=False)
    with Store.open(bare) as named, named.write():
        named.schema.set_meta("workspace_name", "<b>Bare</b> & Co")  # a server's name is never markup
    good = connect_target(paths, tokens, start_server("attio"))
    dialog = open_dialog(qtbot, context)
    assert sorted(targets_listed(dialog)) == sorted([bare, good])
    assert dialog.target_combo.itemText(dialog.target_combo.findData(str(bare))).startswith("<b>Bare</b> & Co — ")

    assert choose(qtbot, dialog, bare) == "failed"
    assert dialog.error.isVisible()
    assert "keeps no credentials for “<b>Bare</b> & Co”" in dialog.error.text()
    assert "Connect to it first" in dialog.error.text()
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.copy_button.isEnabled() and dialog.plan is None
    assert_usable(dialog)

    assert choose(qtbot, dialog, good) == "planned"
    assert not dialog.error.isVisible()
    assert dialog.copy_button.isEnabled()
    assert bare_server.admin_token not in shown_text(dialog)


# -- from the window, with Connect to a server… ------------------------------------------------------


def test_the_file_menu_opens_it_and_connect_adds_a_target_without_switching_the_window(
    qtbot: Any, window: MainWindow, server: SandboxServer, start_server: Callable[..., SandboxServer],
    memory_keyring: MemoryKeyring,
) -> None:
    source = synced_source(window.context.paths, server)
    window.switch_workspace(source)
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert isinstance(file_menu, QMenu)
    assert "Copy workspace to…" in [a.text() for a in file_menu.actions()]
    dialog = window.open_copy_workspace()
    assert isinstance(dialog, CopyWorkspaceDialog)
    qtbot.waitExposed(dialog)
    assert dialog.source_path == source
    assert targets_listed(dialog) == []

    target_server = start_server("atomic")
    connect = dialog.connect_server()
    qtbot.waitExposed(connect)
    connect.dialect.setCurrentIndex(connect.dialect.findData("atomic"))  # a loopback address tells nothing
    qtbot.keyClicks(connect.url, target_server.url)
    qtbot.keyClicks(connect.secrets["token"], target_server.admin_token)
    answered: list[int] = []
    connect.finished.connect(answered.append)
    with qtbot.waitSignal(dialog.planned, timeout=WORK_MS):
        qtbot.mouseClick(connect.connect_button, Qt.MouseButton.LeftButton)
    [target] = targets_listed(dialog)
    assert dialog.target_path() == target
    assert "People → People" in dialog.report.toPlainText()
    # The window stays on its workspace; the new one's token went to the keyring only.
    assert window.context.store is not None and window.context.store.path == source
    assert (SERVICE, workspace_id(target)) in memory_keyring.passwords
    assert answered == [QDialog.DialogCode.Accepted]  # closed once it had connected
    dialog.close()


def test_connect_can_leave_the_window_on_its_workspace(
    qtbot: Any, window: MainWindow, start_server: Callable[..., SandboxServer], memory_keyring: MemoryKeyring,
) -> None:
    """The Connect dialog's mode for the copy dialog, even with the window as its parent."""
    target_server = start_server("atomic")
    connect = ConnectDialog(window.context, window, switch_to_workspace=False)
    qtbot.addWidget(connect)
    connect.open_for_user()
    connect.dialect.setCurrentIndex(connect.dialect.findData("atomic"))
    qtbot.keyClicks(connect.url, target_server.url)
    qtbot.keyClicks(connect.secrets["token"], target_server.admin_token)
    with qtbot.waitSignal(connect.connected, timeout=WORK_MS) as made:
        qtbot.mouseClick(connect.connect_button, Qt.MouseButton.LeftButton)
    [path] = made.args
    assert path == connect.connected_path and path.exists()
    assert (SERVICE, workspace_id(path)) in memory_keyring.passwords
    assert window.context.store is None and window.current_target == "welcome"  # not switched
    assert connect.status.text() == "Connected."


# -- how it looks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_it_reads_well_in_light_and_dark_palettes(
    qtbot: Any, qapp: QApplication, context: AppContext, paths: Paths, tokens: TokenStore,
    start_server: Callable[..., SandboxServer], tmp_path: Path, palette: str,
) -> None:
    bare = connect_target(paths, tokens, start_server("atomic"), keep_token=False)
    good = connect_target(paths, tokens, start_server("atomic"))
    with app_palette(qapp, (dark_palette if palette == "dark" else light_palette)()):
        dialog = open_dialog(qtbot, context)
        colours = dialog.palette()
        window_colour = colours.color(QPalette.ColorRole.Window)
        assert (window_colour.lightness() < 64) == (palette == "dark")
        assert choose(qtbot, dialog, bare) == "failed"
        error = QColor(dialog.error.styleSheet().removeprefix("color: ").removesuffix(";"))
        assert error.isValid() and contrast(error, window_colour) >= 4.5, error.name()
        assert choose(qtbot, dialog, good) == "planned"
        report = dialog.report.palette()
        assert contrast(report.color(QPalette.ColorRole.Text), report.color(QPalette.ColorRole.Base)) >= 7
        # What is painted is the palette's: the report's background, the headline's ink.
        image = dialog.report.viewport().grab().toImage()
        drawn = image.pixelColor(image.width() - 3, image.height() - 3)
        assert abs(drawn.lightness() - report.color(QPalette.ColorRole.Base).lightness()) < 8
        assert contrast(dialog.headline.palette().color(QPalette.ColorRole.WindowText), window_colour) >= 7
        dialog.layout().activate()  # the progress bar's room given back before the picture
        shot = tmp_path / f"copy_dialog_{palette}.png"
        assert dialog.grab().save(str(shot))
        assert shot.stat().st_size > 10_000
        dialog.close()
