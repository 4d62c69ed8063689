"""The Notifications view: unread in bold, Mark read / Mark all read, opening one shows its record."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.models.notes_model import EmphasisRole, RecordIdRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.notifications_view import NotificationsView


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


@pytest.fixture
def view(qtbot, store: Store, ui_context: Callable[..., AppContext]) -> NotificationsView:  # type: ignore[no-untyped-def]
    context = ui_context(store, navigator=Navigator(), undo_stack=None)
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
    # Each notification read here is queued once for the server (the next sync tells it).
    queued = store.outbox.all()
    assert len(queued) == unread
    assert {m.entity.value for m in queued} == {"notification"} and len({m.target_id for m in queued}) == unread


def test_empty_state(qtbot, store: Store, tmp_path: Path) -> None:
    with store.write():
        store.notifications.replace_all([])
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator())
    shown = NotificationsView(context)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.empty_label.isVisible() and not shown.list.isVisible()
