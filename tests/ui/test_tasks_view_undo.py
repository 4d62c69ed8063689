"""A task ticked done in the Tasks view is one step on the window's undo history: Edit ▸ Undo
reopens it (a change of its own, queued for the server) and the view shows it open again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from crmdesk.model import EntityKind
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.tasks_model import Group
from crmdesk.ui.views.tasks_view import TasksView

from ._navigation_window import open_window

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def edit_menu_action(window: MainWindow, starts: str) -> QAction:
    """The Edit menu's action whose text starts with ``starts`` ("Undo" reads "Undo Mark “…” done")."""
    edit = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Edit")
    return next(a for a in edit.actions() if a.text().replace("&", "").startswith(starts))


def test_edit_undo_reopens_a_task_ticked_in_the_tasks_view(qtbot: Any, synced_store: Callable[..., Store],
                                                           tmp_path: Path) -> None:
    store = synced_store(records=200, seed=1)
    with open_window(qtbot, store, tmp_path, now=NOW) as window:
        context = window.context
        assert context.navigator is not None
        context.navigator.go("tasks")
        qtbot.waitUntil(lambda: isinstance(window.current_view(), TasksView))
        view = window.current_view()
        assert isinstance(view, TasksView)
        task_id = next(t.id for t in store.tasks.all() if not t.done)
        undo = edit_menu_action(window, "Undo")
        assert not undo.isEnabled()  # nothing to undo yet
        before = store.outbox.count()

        view.tree.setFocus()
        view.tree.setCurrentIndex(view.model.index_of_task(task_id))
        qtbot.keyClick(view.tree.viewport(), Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: task_id in view.model.task_ids_in(Group.DONE))
        assert store.tasks.get(task_id).done  # type: ignore[union-attr]
        assert store.outbox.count() == before + 1
        # The view reloaded keeping the ticked task current (a second Space, or Undo, takes it back).
        assert view.tree.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == task_id
        content = store.tasks.get(task_id).content.strip().splitlines()[0]  # type: ignore[union-attr]
        assert undo.isEnabled() and content[:20] in undo.text()

        undo.trigger()  # Edit ▸ Undo
        assert not store.tasks.get(task_id).done  # type: ignore[union-attr]
        # Undo is a change of its own, sent like any other.
        assert store.outbox.count() == before + 2
        assert store.outbox.for_target(task_id, entity=EntityKind.TASK)[-1].changes == {"done": False}
        # The window's change feed tells the view: the task is back among the open ones.
        qtbot.waitUntil(lambda: task_id not in view.model.task_ids_in(Group.DONE))
        assert view.model.index_of_task(task_id).isValid()
        assert not undo.isEnabled()
