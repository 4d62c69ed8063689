"""The Tasks view against a store filled by the sandbox: grouping by the user's day, ticking a task
done, the assignee filter, opening a linked record."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

import crmdesk.store.changes
from crmdesk.context import AppContext
from crmdesk.model import EntityKind
from crmdesk.store import Store
from crmdesk.ui.models.tasks_model import Group, TasksModel, relative_deadline
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.tasks_view import TasksView

# A pinned "now" an hour ahead of UTC: a deadline at 23:30 UTC is already tomorrow here.
TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)


def clock() -> datetime:
    return NOW


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


@pytest.fixture
def context(store: Store, ui_context: Callable[..., AppContext], fake_sync: Any) -> AppContext:
    return ui_context(store, navigator=Navigator(), sync=fake_sync, undo_stack=None)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def view_of(qtbot, context: AppContext) -> TasksView:  # type: ignore[no-untyped-def]
    view = TasksView(context, "", None, clock=clock)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def rows_in(view: TasksView, group: Group) -> list[str]:
    """What the user reads under a group heading: each task's text and due column."""
    model = view.model
    for row in range(model.rowCount()):
        header = model.index(row, 0)
        if model.data(header).startswith(("Overdue", "Today", "Upcoming", "No date", "Done")) and \
                model.groups()[row] == group:
            return [f"{model.index(r, 0, header).data()} | {model.index(r, 1, header).data()}"
                    for r in range(model.rowCount(header))]
    return []


def test_relative_deadlines_read_like_speech() -> None:
    today = date(2026, 11, 24)
    assert relative_deadline(today, today) == "Today"
    assert relative_deadline(today + timedelta(days=1), today) == "Tomorrow"
    assert relative_deadline(today + timedelta(days=3), today) == "In 3 days"
    assert relative_deadline(today - timedelta(days=1), today) == "1 day overdue"
    assert relative_deadline(today - timedelta(days=2), today) == "2 days overdue"
    assert relative_deadline(today + timedelta(days=21), today) == "In 3 weeks"
    assert relative_deadline(date(2027, 3, 1), today) == "1 Mar 2027"
    assert relative_deadline(None, today) == ""


def test_tasks_are_grouped_by_the_users_day(qtbot, context: AppContext, store: Store, qtmodeltester) -> None:
    # Deadlines are UTC; the groups follow the user's calendar (UTC+1 here).
    store.edits.create_task("Late invoice", deadline=utc(NOW - timedelta(days=2)))
    store.edits.create_task("Call back today", deadline=utc(NOW.replace(hour=23)))
    store.edits.create_task("Tonight in UTC, tomorrow here", deadline="2026-11-24T23:30:00.000Z")
    store.edits.create_task("Someday", deadline=None)
    view = view_of(qtbot, context)
    qtmodeltester.check(view.model)
    assert "Late invoice | 2 days overdue" in rows_in(view, Group.OVERDUE)
    assert "Call back today | Today" in rows_in(view, Group.TODAY)
    assert "Tonight in UTC, tomorrow here | Tomorrow" in rows_in(view, Group.UPCOMING)
    assert "Someday | " in rows_in(view, Group.NO_DATE)
    # Groups come in the order a user works through them, empty ones left out.
    groups = view.model.groups()
    assert groups == sorted(groups)
    # Every sandbox task is where its deadline says, with its linked record and assignee named.
    for task in store.tasks.all():
        index = view.model.index_of_task(task.id)
        assert index.isValid()
        links = index.siblingAtColumn(2).data()
        assert links == ", ".join(store.records.titles(task.record_ids)[r] for r in task.record_ids)
        if task.assignee_ids:
            assert index.siblingAtColumn(3).data() not in ("", "Unknown member")


def test_space_ticks_a_task_done_moves_it_and_queues_the_edit(qtbot, context: AppContext, store: Store) -> None:
    view = view_of(qtbot, context)
    task_id = view.model.task_ids_in(view.model.groups()[0])[0]
    assert view.model.groups()[0] != Group.DONE
    before = store.outbox.count()
    view.tree.setFocus()
    view.tree.setCurrentIndex(view.model.index_of_task(task_id))
    qtbot.keyClick(view.tree.viewport(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: task_id in view.model.task_ids_in(Group.DONE))
    assert store.tasks.get(task_id).done  # type: ignore[union-attr]
    assert store.outbox.count() == before + 1
    assert store.outbox.for_target(task_id, entity=EntityKind.TASK)[-1].changes == {"done": True}
    assert context.sync.local_edits == 1  # type: ignore[union-attr]
    # The ticked task stays the current one, so a second Space undoes the slip.
    assert view.tree.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == task_id
    qtbot.keyClick(view.tree.viewport(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: task_id not in view.model.task_ids_in(Group.DONE))
    assert not store.tasks.get(task_id).done  # type: ignore[union-attr]


def test_assignee_filter(qtbot, context: AppContext, store: Store) -> None:
    view = view_of(qtbot, context)
    combo = view.assignee_combo
    assert [combo.itemText(i) for i in range(2)] == ["Anyone", "Unassigned"]
    # Nobody's tasks are unassigned in the sandbox: the empty state says so.
    combo.setCurrentIndex(combo.findText("Unassigned"))
    assert view.model.rowCount() == 0
    assert view.empty_label.isVisible() and view.empty_label.text() == "No tasks due — nice."
    store.edits.create_task("Whose is this?", deadline=None)
    view.on_changed(crmdesk.store.changes.ChangeSet(tasks=True))
    assert rows_in(view, Group.NO_DATE) == ["Whose is this? | "]
    member = next(m for m in store.schema.members()
                  if any(m.user_id in t.assignee_ids or m.id in t.assignee_ids for t in store.tasks.all()))
    combo.setCurrentIndex(combo.findText(member.name))
    shown = [view.model.index_of_task(t.id) for t in store.tasks.all()]
    visible = [i for i in shown if i.isValid()]
    assert visible
    assert all(member.name in i.siblingAtColumn(3).data() for i in visible)
    combo.setCurrentIndex(combo.findText("Anyone"))
    assert all(i.isValid() for i in (view.model.index_of_task(t.id) for t in store.tasks.all()))


def test_enter_opens_the_linked_record(qtbot, context: AppContext, store: Store, tmp_path: Path) -> None:
    view = view_of(qtbot, context)
    task = next(t for t in store.tasks.all() if t.record_ids)
    view.tree.setFocus()
    view.tree.setCurrentIndex(view.model.index_of_task(task.id))
    assert context.navigator is not None
    with qtbot.waitSignal(context.navigator.navigate_requested) as signal:
        qtbot.keyClick(view.tree.viewport(), Qt.Key.Key_Return)
    assert signal.args == [f"record:{task.record_ids[0]}"]
    shots = Path(os.environ.get("CRMDESK_UI_SHOTS", tmp_path))
    assert view.grab().save(str(shots / "tasks_view.png"))


def test_plain_text_and_model_check_on_hostile_content(qtbot, context: AppContext, store: Store,
                                                       qtmodeltester) -> None:
    store.edits.create_task("<b>x</b><img src=http://x>", deadline=None)
    model = TasksModel(store, clock)
    qtmodeltester.check(model)
    index = next(model.index_of_task(t.id) for t in store.tasks.all() if t.content.startswith("<b>"))
    assert index.data() == "<b>x</b><img src=http://x>"
    assert "&lt;b&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_groups_stay_open_after_a_sync_reloads_the_tasks(qtbot, context: AppContext, store: Store) -> None:
    view = view_of(qtbot, context)
    store.edits.create_task("Arrived with a sync", deadline=None)
    view.on_changed(crmdesk.store.changes.ChangeSet(tasks=True))
    model, tree = view.model, view.tree
    assert model.rowCount() > 1
    for row in range(model.rowCount()):
        assert tree.isExpanded(model.index(row, 0)), f"group {model.index(row, 0).data()} collapsed"
        assert tree.isFirstColumnSpanned(row, model.index(row, 0).parent())
    # Tasks are drawn under their headings, not just counted.
    assert tree.visualRect(model.index(0, 0, model.index(0, 0))).height() > 0
