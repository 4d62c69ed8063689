"""The Notifications view: unread in bold, Mark read / Mark all read, opening one shows its record."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import crmdesk.sync
from crmdesk.app import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.factory import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.ui.models.notes_model import EmphasisRole, RecordIdRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.notifications_view import NotificationsView


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notifications") / "w.sqlite"
    with SandboxServer(records=200, seed=1) as server, Store.open(path) as store:
        crmdesk.sync.SyncEngine(store, open_backend("aria", server.url, server.admin_token)).sync()
    return path


@pytest.fixture
def store(filled_db: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "w.sqlite"
    shutil.copy(filled_db, copy)
    with Store.open(copy) as opened:
        yield opened


@pytest.fixture
def view(qtbot, store: Store, tmp_path: Path) -> NotificationsView:  # type: ignore[no-untyped-def]
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator())
    shown = NotificationsView(context)
    qtbot.addWidget(shown)
    shown.resize(900, 500)
    shown.show()
    return shown


def test_unread_are_bold_and_opening_marks_read_and_navigates(qtbot, view: NotificationsView, store: Store,
                                                              qtmodeltester, tmp_path: Path) -> None:
    qtmodeltester.check(view.model)
    unread = store.notifications.unread_count()
    assert unread > 0 and view.count_label.text() == f"{unread} unread"
    first = view.model.index(0)
    assert first.data(EmphasisRole) is True
    shots = Path(os.environ.get("CRMDESK_UI_SHOTS", tmp_path))
    assert view.grab().save(str(shots / "notifications_view.png"))
    view.list.setFocus()
    view.list.setCurrentIndex(first)
    navigator = view.context.navigator
    assert navigator is not None
    with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as signal:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert signal.args == [f"record:{first.data(RecordIdRole)}"]
    assert first.data(EmphasisRole) is False
    assert store.notifications.unread_count() == unread - 1
    assert view.count_label.text() == f"{unread - 1} unread"


def test_mark_read_and_mark_all_read(qtbot, view: NotificationsView, store: Store) -> None:
    unread = store.notifications.unread_count()
    view.list.setCurrentIndex(view.model.index(1))
    qtbot.mouseClick(view.mark_button, Qt.MouseButton.LeftButton)
    assert store.notifications.unread_count() == unread - 1
    assert view.model.index(1).data(EmphasisRole) is False
    qtbot.mouseClick(view.mark_all_button, Qt.MouseButton.LeftButton)
    assert store.notifications.unread_count() == 0
    assert not view.mark_all_button.isEnabled() and view.count_label.text() == ""
    # Read state is local: nothing is queued for the server.
    assert store.outbox.count() == 0


def test_empty_state(qtbot, store: Store, tmp_path: Path) -> None:
    with store.write():
        store.notifications.replace_all([])
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator())
    shown = NotificationsView(context)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.empty_label.isVisible() and not shown.list.isVisible()
