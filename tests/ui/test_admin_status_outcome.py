"""A status marked won or lost in the statuses dialog, as an admin does it: on Aria the Outcome
choice is sent to the sandbox over loopback and comes back with the sync (the server's own flags,
the local schema, the dialog's list); on a server that cannot keep it (Attio) the choice is off
and says why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.model import LOST, WON
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.ui.admin.options_dialog import IdRole, OptionsDialog
from tests.ui._synced_window import first_sync
from tests.ui.test_admin_schema import Env, env, opened_objects, wait_for

pytestmark = pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
__all__ = ["env"]  # the fixture, shared with the schema tests


def _row_of(dialog: OptionsDialog, title: str) -> int:
    attr = dialog.attribute()
    option = attr.option_by_title(title) if attr is not None else None
    assert option is not None
    return next(row for row in range(dialog.list.count()) if dialog.list.item(row).data(IdRole) == option.id)


def _click_status(qtbot: Any, dialog: OptionsDialog, title: str) -> None:
    item = dialog.list.item(_row_of(dialog, title))
    dialog.list.scrollToItem(item)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=dialog.list.visualItemRect(item).center())
    assert dialog.current_option() is not None and dialog.current_option().title == title


def _stage_flags(env: Env) -> dict[str, tuple[bool, bool]]:
    _status, attributes = env.api("GET", "/objects/deals/attributes")
    stage = next(a for a in attributes if a["slug"] == "stage")
    return {s["title"]: (s["isActive"], s["celebrationEnabled"]) for s in stage["statuses"]}


def _outcome_ids(env: Env, outcome: str) -> set[str]:
    """The ids of the workspace file's Deals stages marked ``outcome`` (as the editors read them)."""
    deals = env.schema().get_object("deals")
    stage = deals.attribute("stage") if deals is not None else None
    return {option.id for option in stage.options if option.outcome == outcome} if stage is not None else set()


def test_an_admin_marks_a_status_won_and_sees_it_after_the_sync(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    objects.select("deals")
    attributes = objects.edit_attributes()
    attributes.select("stage")
    options: OptionsDialog = attributes.edit_options()
    wait_for(qtbot, lambda: options.editable)
    # What the server says already: its own Won and Lost.
    assert _outcome_ids(env, WON) and _outcome_ids(env, LOST)
    assert options.list.item(_row_of(options, "Won")).text().endswith("·  won")
    _click_status(qtbot, options, "Won")
    assert options.outcome.currentText() == "Won"
    _click_status(qtbot, options, "Proposal")
    assert options.outcome.currentText() == "Open" and options.outcome.isEnabled()
    assert options.outcome.toolTip() == ""
    proposal = options.current_option()
    assert proposal is not None
    options.outcome.setFocus()
    qtbot.keyClick(options.outcome, Qt.Key.Key_Down)  # Open → Won
    wait_for(qtbot, lambda: "done; the workspace is syncing" in options.status_line.text())
    assert _stage_flags(env)["Proposal"] == (False, True)
    # The sync brings it back: the local schema, and the dialog's list and choice.
    wait_for(qtbot, lambda: proposal.id in _outcome_ids(env, WON))
    wait_for(qtbot, lambda: options.list.item(_row_of(options, "Proposal")).text().endswith("·  won"))
    assert options.outcome.currentText() == "Won"
    # And back to open.
    qtbot.keyClick(options.outcome, Qt.Key.Key_Up)
    wait_for(qtbot, lambda: _stage_flags(env)["Proposal"] == (True, False))
    wait_for(qtbot, lambda: proposal.id not in _outcome_ids(env, WON))


@pytest.fixture
def attio_dialog(qtbot: Any, tmp_path: Path) -> Iterator[OptionsDialog]:
    with SandboxServer(dialect="attio", records=12, seed=7) as server:
        workspace = first_sync(tmp_path / "data", server, "attio")
        store = Store.open(workspace)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, settings=settings,
                             backend_factory=lambda: open_backend("attio", server.url, server.admin_token))
        dialog = OptionsDialog(context, "deals", "stage")
        qtbot.addWidget(dialog)
        try:
            yield dialog
        finally:
            assert QThreadPool.globalInstance().waitForDone(30_000)
            QApplication.processEvents()
            dialog.close()
            store.close()


def test_a_server_that_cannot_keep_outcomes_shows_the_choice_off_with_the_reason(
    qtbot: Any, attio_dialog: OptionsDialog
) -> None:
    dialog = attio_dialog
    dialog.open_for_user()
    wait_for(qtbot, lambda: dialog.editable)  # an admin: renaming works, the outcome does not
    assert dialog.list.count()
    _click_status(qtbot, dialog, dialog.list.item(0).data(Qt.ItemDataRole.DisplayRole).split("  ·  ")[0])
    assert dialog.outcome.isVisibleTo(dialog) and not dialog.outcome.isEnabled()
    assert dialog.outcome.currentText() == ""  # not "Open": the server does not say
    assert dialog.outcome.toolTip().startswith("Won and lost cannot be marked: Attio's statuses say only")
    assert dialog.outcome.toolTip() in dialog.note.text()
