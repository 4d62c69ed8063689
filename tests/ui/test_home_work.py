"""Home, "My work", on a workspace the sandbox filled, against a pinned clock in Berlin: my tasks
under Overdue / Today / Next 7 days, ticked done with Space or a click (undoable, queued for the
server), Enter opening the task's record; my open deals by close date with the quiet ones marked
stale; recently viewed records; Tab from section to section; empty states that say what to do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCore import QDate, QLocale, QModelIndex, QRect, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
)

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, Note, Task
from crmdesk.model.pipeline import deals_pipeline
from crmdesk.store import Store
from crmdesk.store.my_work import canonical
from crmdesk.ui.models.tasks_model import GROUP_TITLES, Group
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.home_view import HomeView
from crmdesk.ui.views.tasks_view import TasksView
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate
from crmdesk.ui.widgets.home_deals import NO_ME as NO_ME_DEALS
from crmdesk.ui.widgets.home_recent import NOTHING_YET
from crmdesk.ui.widgets.home_section import GROUP_INDENT, OVERDUE_INK
from crmdesk.ui.widgets.home_tasks import NO_ME, NOTHING_DUE

BERLIN = ZoneInfo("Europe/Berlin")
#: Far past the sandbox's own dates, so every deal it made has been quiet for years.
NOW = datetime(2099, 6, 15, 8, 0, tzinfo=UTC)


def at(delta: timedelta) -> str:
    return canonical(NOW + delta)


class Workspace:
    def __init__(self, store: Store) -> None:
        self.store = store
        members = {m.email: m for m in store.schema.members()}
        self.me, self.leo = members["ada@sandbox.test"], members["leo@sandbox.test"]
        shape = deals_pipeline(store.schema.objects())
        assert shape is not None and shape.owner is not None
        self.shape = shape
        self.my_deals = [r for r in store.conn.execute(
            "SELECT id FROM records WHERE object_slug = ? AND json_extract(values_json, '$.owner') = ?",
            (shape.obj.slug, self.me.actor_id))]
        self.person = store.conn.execute("SELECT id, title FROM records WHERE object_slug = 'people'").fetchone()


@pytest.fixture
def workspace(synced_store: Callable[..., Store]) -> Workspace:
    store = synced_store(records=200, seed=1)
    space = Workspace(store)
    deal_id = space.my_deals[0][0]
    with store.write():
        store.schema.set_me(space.me.id)
        for task in store.tasks.all():  # the sandbox's tasks are dated by the day it ran
            store.tasks.delete(task.id)
        for task in (
            Task("t-late", "Send the renewal quote", at(timedelta(days=-2)), record_ids=[deal_id],
                 assignee_ids=[space.me.actor_id]),
            Task("t-today", "Call the CFO\nabout the budget", at(timedelta(hours=3)), record_ids=[space.person[0]],
                 assignee_ids=[space.me.actor_id]),
            Task("t-week", "Prepare the demo", at(timedelta(days=3)), assignee_ids=[],
                 created_by=space.me.actor_id),
            Task("t-leo", "Leo's call", at(timedelta(hours=1)), assignee_ids=[space.leo.actor_id]),
            Task("t-later", "Next month", at(timedelta(days=30)), assignee_ids=[space.me.actor_id]),
        ):
            store.tasks.put(task)
    return space


@pytest.fixture
def home(qtbot: Any, workspace: Workspace, ui_context: Callable[..., AppContext], fake_sync: Any) -> Iterator[HomeView]:
    context = ui_context(workspace.store, navigator=Navigator(), sync=fake_sync, now=lambda: NOW)
    view = HomeView(context, zone=BERLIN)
    # As the window's change feed does: every committed write is told to the view.
    workspace.store.add_change_listener(view.on_changed)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitExposed(view)
    yield view
    workspace.store.remove_change_listener(view.on_changed)


def texts(tree: QTreeWidget, column: int = 0) -> list[str]:
    return [tree.topLevelItem(row).text(column) for row in range(tree.topLevelItemCount())]


def task_item(home: HomeView, task_id: str) -> QTreeWidgetItem:
    item = home.tasks.list.item_for(task_id)
    assert item is not None, f"{task_id} is not listed"
    return item


def test_my_tasks_by_bucket_in_order(home: HomeView, workspace: Workspace) -> None:
    tasks = home.tasks.list
    assert home.tasks.showing_list()
    assert texts(tasks) == ["Overdue  ·  1", "Send the renewal quote", "Today  ·  1", "Call the CFO",
                            "Next 7 days  ·  1", "Prepare the demo"]
    assert texts(tasks, 2) == ["", "2 days overdue", "", "Today", "", "In 3 days"]
    assert texts(tasks, 1)[3] == workspace.person[1]  # the record the task is for
    assert home.tasks.note.text() == "1 overdue"
    # The group titles are passed over by the keyboard: the first task is where it starts.
    tasks.setFocus()
    assert tasks.currentItem() is task_item(home, "t-late")


def test_space_ticks_a_task_done_and_undo_brings_it_back(qtbot: Any, home: HomeView, workspace: Workspace,
                                                         fake_sync: Any) -> None:
    store = workspace.store
    tasks = home.tasks.list
    tasks.setFocus()
    tasks.setCurrentItem(task_item(home, "t-today"))
    before = store.outbox.count()
    qtbot.keyClick(tasks, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: store.tasks.get("t-today").done)  # type: ignore[union-attr]
    assert store.outbox.for_target("t-today", entity=EntityKind.TASK)[-1].changes == {"done": True}
    assert store.outbox.count() == before + 1
    assert fake_sync.local_edits == 1
    # It stays, ticked and struck through, and current: a second look, or Ctrl+Z, can take it back.
    qtbot.waitUntil(lambda: not home._refresh_soon.isActive())
    item = task_item(home, "t-today")
    assert item.checkState(0) == Qt.CheckState.Checked and item.font(0).strikeOut()
    assert tasks.currentItem() is item
    assert home.tasks.note.text() == "1 overdue"
    undo = home.context.undo_stack
    assert undo is not None and undo.undoText().startswith("Mark “Call the CFO” done")
    undo.undo()
    assert not store.tasks.get("t-today").done  # type: ignore[union-attr]
    assert store.outbox.count() == before + 2  # undo is a change of its own, sent like any other
    qtbot.waitUntil(lambda: task_item(home, "t-today").checkState(0) == Qt.CheckState.Unchecked)
    # Ticked again and Home left and shown again: it has gone.
    qtbot.keyClick(tasks, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: store.tasks.get("t-today").done)  # type: ignore[union-attr]
    home.hide()
    home.show()
    qtbot.waitUntil(lambda: home.tasks.list.item_for("t-today") is None)
    assert texts(home.tasks.list) == ["Overdue  ·  1", "Send the renewal quote",
                                      "Next 7 days  ·  1", "Prepare the demo"]


def check_box(view: QAbstractItemView, index: QModelIndex, indent: int = 0) -> QRect:
    """Where the style puts a row's check box, its cell set in by ``indent`` (Home's tasks under
    their group title, as the Tasks view's tree sets in a group's rows)."""
    option = QStyleOptionViewItem()
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    option.rect = view.visualRect(index).adjusted(indent, 0, 0, 0)
    return view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)


def check_box_centre(tree: QTreeWidget, item: QTreeWidgetItem) -> Any:
    return check_box(tree, tree.indexFromItem(item, 0), GROUP_INDENT).center()


def test_a_click_on_the_check_box_ticks_it(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    tasks = home.tasks.list
    item = task_item(home, "t-late")
    qtbot.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=check_box_centre(tasks, item))
    qtbot.waitUntil(lambda: workspace.store.tasks.get("t-late").done)  # type: ignore[union-attr]
    # A click on the words only selects: nothing else was ticked.
    words = tasks.visualItemRect(task_item(home, "t-week")).center()
    qtbot.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=words)
    assert not workspace.store.tasks.get("t-week").done  # type: ignore[union-attr]
    assert tasks.currentItem() is task_item(home, "t-week")


def test_enter_opens_the_tasks_record_or_the_tasks_view(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    navigator = home.context.navigator
    assert navigator is not None
    tasks = home.tasks.list
    tasks.setFocus()
    for task_id, target in (("t-today", f"record:{workspace.person[0]}"), ("t-week", "tasks")):
        tasks.setCurrentItem(task_item(home, task_id))
        with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
            qtbot.keyClick(tasks, Qt.Key.Key_Return)
        assert opened.args == [target]


def test_my_open_deals_by_close_date_with_stale_marks(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    store, shape = workspace.store, workspace.shape
    # What the sections should list, computed plainly from the records.
    expected = []
    for (record_id,) in workspace.my_deals:
        row = store.records.get(record_id)
        assert row is not None
        if shape.outcome(row.values.get(shape.stage.slug)) is None:
            expected.append(row)
    expected.sort(key=lambda r: (r.values.get("expected_close_date") is None,
                                 r.values.get("expected_close_date") or ""))
    assert 3 <= len(expected) <= 50
    deals = home.deals.list
    assert sorted(deals.row_keys()) == sorted(r.id for r in expected)
    closes = [r.values.get("expected_close_date") for r in (store.records.get(k) for k in deals.row_keys()) if r]
    dated = [c for c in closes if c]
    assert dated == sorted(dated) and closes[: len(dated)] == dated  # by close date, none last
    assert home.deals.note.text().startswith(f"{len(expected)} open · {len(expected)} stale")
    first = deals.topLevelItem(0)
    stage = shape.stage.option_by_id(expected[0].values[shape.stage.slug])
    assert stage is not None and first.text(1) == stage.title
    assert first.text(4).startswith("Stale · ")  # quiet since the sandbox made it, years ago
    # A note written yesterday wakes the deal up.
    fresh = deals.row_keys()[1]
    with store.write():
        store.notes.put(Note("n-fresh", fresh, "Spoke to them", "", at(timedelta(days=-1)), None,
                             workspace.me.actor_id))
    qtbot.waitUntil(lambda: deals.item_for(fresh) is not None and deals.item_for(fresh).text(4) == "1 day ago")
    assert home.deals.note.text().startswith(f"{len(expected)} open · {len(expected) - 1} stale")


def test_a_refresh_keeps_the_chosen_deal(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    deals = home.deals.list
    chosen = deals.row_keys()[2]
    deals.setCurrentItem(deals.item_for(chosen))
    # The first deal closes last of the dated ones now: every row below it moves up one.
    other = deals.row_keys()[0]
    workspace.store.edits.update_record(other, {"expected_close_date": "2099-12-31"})
    qtbot.waitUntil(lambda: deals.row_keys()[0] != other)
    assert deals.row_keys().index(chosen) == 1  # its row number changed...
    assert deals.current_key() == chosen  # ...and it is still the chosen one
    assert deals.currentItem() is deals.item_for(chosen)


def test_an_edit_elsewhere_leaves_the_work_lists_alone(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    """A person's job title is not Home's business: the task and deal rows are not rebuilt (no
    flicker, no lost place, no 100k-deal query on every page of a sync)."""
    store = workspace.store
    a_task, a_deal = task_item(home, "t-late"), home.deals.list.topLevelItem(0)
    someone = store.conn.execute("SELECT id FROM records WHERE object_slug = 'people' AND id != ?",
                                 (workspace.person[0],)).fetchone()[0]
    store.edits.update_record(someone, {"job_title": "CTO"})
    qtbot.waitUntil(lambda: not home._refresh_soon.isActive())
    assert shiboken6.isValid(a_task) and task_item(home, "t-late") is a_task
    assert shiboken6.isValid(a_deal) and home.deals.list.topLevelItem(0) is a_deal
    # The deal a task is for is renamed: the task's row follows.
    deal_id = store.tasks.get("t-late").record_ids[0]  # type: ignore[union-attr]
    store.edits.update_record(deal_id, {"name": "Renamed deal"})
    qtbot.waitUntil(lambda: task_item(home, "t-late").text(1) == "Renamed deal")


def test_a_refresh_keeps_each_lists_scroll(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    store = workspace.store
    with store.write():
        for n in range(40):
            store.tasks.put(Task(f"t-{n:02d}", f"Follow up {n}", at(timedelta(days=-40 + n)),
                                 assignee_ids=[workspace.me.actor_id]))
    tasks = home.tasks.list
    qtbot.waitUntil(lambda: tasks.item_for("t-39") is not None)
    bar = tasks.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)  # reading the middle of the backlog, nothing chosen
    kept = bar.value()
    store.edits.update_task("t-00", content="Follow up 0, again")  # the list is read again
    qtbot.waitUntil(lambda: tasks.item_for("t-00") is not None and tasks.item_for("t-00").text(0).endswith("again"))
    assert bar.value() == kept
    # With a row chosen in view, the same.
    chosen = tasks.itemAt(tasks.viewport().rect().center())
    tasks.setCurrentItem(chosen)
    kept, key = bar.value(), tasks.current_key()
    store.edits.update_task("t-01", content="Follow up 1, again")
    qtbot.waitUntil(lambda: tasks.item_for("t-01") is not None and tasks.item_for("t-01").text(0).endswith("again"))
    assert (bar.value(), tasks.current_key()) == (kept, key)


def test_a_backlog_of_overdue_tasks_leaves_todays_in_view(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    with workspace.store.write():
        for n in range(120):
            workspace.store.tasks.put(Task(f"old-{n:03d}", f"Old {n}", at(timedelta(days=-3 - n)),
                                           assignee_ids=[workspace.me.actor_id]))
    qtbot.waitUntil(lambda: home.tasks.list.item_for("old-000") is not None)
    shown = texts(home.tasks.list)
    assert "Today  ·  1" in shown and "Call the CFO" in shown and "Prepare the demo" in shown
    # 121 overdue in all (the fixture's one too), 98 of them listed beside today's and the week's.
    assert home.tasks.note.text() == "121 overdue · 23 more in Tasks"


def test_choosing_this_is_me_reaches_home(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    store = workspace.store
    with store.write():
        store.schema.set_me(None)
    qtbot.waitUntil(lambda: home.tasks.empty.text() == NO_ME and not home.tasks.showing_list())
    with store.write():  # what Workspace ▸ Settings ▸ Members… ▸ This is me writes
        store.schema.set_me(workspace.me.id)
    qtbot.waitUntil(lambda: home.tasks.showing_list() and home.deals.showing_list())
    assert "Send the renewal quote" in texts(home.tasks.list)


def test_a_new_stale_days_setting_reaches_home(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    assert " stale" in home.deals.note.text()  # the sandbox's deals have been quiet for decades
    with workspace.store.write():  # what Workspace ▸ Settings ▸ Home, history and reminders… writes
        workspace.store.settings.set_stale_days(36_500)
    qtbot.waitUntil(lambda: " stale" not in home.deals.note.text())
    assert not any(home.deals.list.topLevelItem(r).text(4).startswith("Stale")
                   for r in range(home.deals.list.topLevelItemCount()))


def test_undo_names_a_task_with_an_ampersand_as_written(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    workspace.store.edits.update_task("t-today", content="Call R&D")
    qtbot.waitUntil(lambda: task_item(home, "t-today").text(0) == "Call R&D")
    undo_stack = home.context.undo_stack
    assert undo_stack is not None
    undo = undo_stack.createUndoAction(home, "Undo")  # as Edit ▸ Undo is made
    tasks = home.tasks.list
    tasks.setFocus()
    tasks.setCurrentItem(task_item(home, "t-today"))
    qtbot.keyClick(tasks, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: workspace.store.tasks.get("t-today").done)  # type: ignore[union-attr]
    # The menu shows "Undo Mark “Call R&D” done": the "&" is a character, not a shortcut to D.
    assert undo.text() == "Undo Mark “Call R&&D” done"
    assert QKeySequence.mnemonic(undo.text()).isEmpty()


def test_recently_viewed_follow_the_records_opened(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    assert not home.recent.showing_list() and home.recent.empty.text() == NOTHING_YET
    navigator = home.context.navigator
    assert navigator is not None
    person_id, person_title = workspace.person
    navigator.go(f"record:{person_id}")  # Home is left for the record, and comes back
    home.hide()
    home.show()
    qtbot.waitUntil(lambda: home.recent.showing_list())
    assert texts(home.recent.list) == [person_title] and texts(home.recent.list, 1) == ["Person"]
    recent = home.recent.list
    recent.setFocus()
    recent.setCurrentItem(recent.topLevelItem(0))
    with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
        qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert opened.args == [f"record:{person_id}"]


def test_tab_goes_from_section_to_section(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    workspace.store.recent.visited(workspace.person[0])
    home.refresh()
    home.activateWindow()
    qtbot.waitUntil(home.isActiveWindow)
    home.focus_target().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is home.tasks.list)
    seen = [home.tasks.list]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [home.tasks.list, home.deals.list, home.recent.list, home.counts.list]
    # Arrows move within a list, passing over the group titles; Enter opens the row.
    tasks = home.tasks.list
    tasks.setFocus()
    tasks.setCurrentItem(task_item(home, "t-late"))
    qtbot.keyClick(tasks, Qt.Key.Key_Down)
    assert tasks.currentItem() is task_item(home, "t-today")
    counts = home.counts.list
    counts.setFocus()
    counts.setCurrentItem(counts.topLevelItem(0))
    qtbot.keyClick(counts, Qt.Key.Key_Down)
    navigator = home.context.navigator
    assert navigator is not None
    with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
        qtbot.keyClick(counts, Qt.Key.Key_Return)
    assert counts.topLevelItem(1).text(0) == "Companies"
    assert opened.args == ["object:companies"]


def test_nobody_chose_who_they_are(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    with workspace.store.write():
        workspace.store.schema.set_me(None)
    home.refresh()
    assert not home.tasks.showing_list() and home.tasks.empty.text() == NO_ME
    assert not home.deals.showing_list() and home.deals.empty.text() == NO_ME_DEALS
    assert "Workspace ▸ Settings ▸ Members… ▸ This is me" in NO_ME
    assert home.counts.showing_list()  # what needs no "me" is still there
    assert home.focus_target() is home.counts.list


def test_no_tasks_due_says_how_to_add_one(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    store = workspace.store
    for task_id in ("t-late", "t-today", "t-week"):
        store.edits.update_task(task_id, done=True)
    qtbot.waitUntil(lambda: not home.tasks.showing_list())
    assert home.tasks.empty.text() == NOTHING_DUE
    assert "Add task" in NOTHING_DUE
    assert home.tasks.list.topLevelItemCount() == 0 and home.tasks.note.text() == ""


AFTER_MIDNIGHT = ["Overdue  ·  2", "Send the renewal quote", "Call the CFO", "Next 7 days  ·  1", "Prepare the demo"]


def test_at_midnight_today_becomes_yesterday(qtbot: Any, home: HomeView) -> None:
    # Home looks at the day once a minute while shown.
    assert home._day_check.isActive() and home._day_check.interval() <= 60_000
    a_row = task_item(home, "t-late")
    home.context.now = lambda: NOW + timedelta(hours=13, minutes=59)  # 23:59 in Berlin: the same day
    home._day_check.timeout.emit()
    assert shiboken6.isValid(a_row) and task_item(home, "t-late") is a_row  # nothing read again
    home.context.now = lambda: NOW + timedelta(hours=14, minutes=1)  # 00:01 on the 16th
    home._day_check.timeout.emit()
    assert texts(home.tasks.list) == AFTER_MIDNIGHT
    assert texts(home.tasks.list, 2)[1:3] == ["3 days overdue", "1 day overdue"]


def test_a_laptop_woken_the_next_morning_shows_the_new_day(qtbot: Any, home: HomeView) -> None:
    """Timers stand still while the laptop sleeps: opening it again (the application becomes
    active) is enough for Home to see the new day, without waiting for any timer."""
    home.context.now = lambda: NOW + timedelta(hours=22)  # 08:00 the next morning
    QGuiApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert texts(home.tasks.list) == AFTER_MIDNIGHT
    assert home.today_label.text() == QLocale().toString(QDate(2099, 6, 16), QLocale.FormatType.LongFormat)


def test_rows_look_like_the_tasks_views(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    """Home's tasks and deals rows are as tall as the Tasks view's, its group titles are written
    and spaced like them, and the check boxes are drawn alike at the same place in the row."""
    tasks_view = TasksView(home.context, clock=lambda: NOW.astimezone(BERLIN))
    qtbot.addWidget(tasks_view)
    tasks_view.resize(1000, 600)
    tasks_view.show()
    qtbot.waitExposed(tasks_view)
    tree, model = tasks_view.tree, tasks_view.model
    overdue = model.index(model.groups().index(Group.OVERDUE), 0)
    a_task = model.index(0, 0, overdue)
    home_tasks = home.tasks.list
    title, row = home_tasks.topLevelItem(0), task_item(home, "t-late")
    assert title.text(0).startswith(f"{GROUP_TITLES[Group.OVERDUE]}  ·  ")
    assert home_tasks.visualItemRect(row).height() == tree.visualRect(a_task).height() > 20
    assert home_tasks.visualItemRect(title).height() == tree.visualRect(overdue).height()
    deals = home.deals.list
    assert deals.visualItemRect(deals.topLevelItem(0)).height() == tree.visualRect(a_task).height()
    # The same check box, as far into the row.
    assert isinstance(home_tasks.itemDelegateForIndex(home_tasks.indexFromItem(row, 0)), VisibleCheckDelegate)
    home_box = check_box(home_tasks, home_tasks.indexFromItem(row, 0), GROUP_INDENT)
    tasks_box = check_box(tree, a_task)
    assert home_box.left() - home_tasks.visualItemRect(row).left() == tasks_box.left()
    assert home_box.size() == tasks_box.size()


def test_a_deal_whose_close_date_passed_is_marked(qtbot: Any, home: HomeView, workspace: Workspace) -> None:
    # Today is 15 June 2099 in Berlin; the sandbox's own close dates are decades before it.
    deals = home.deals.list
    slipped, today, coming = deals.row_keys()[:3]
    for deal_id, close in ((slipped, "2099-04-18"), (today, "2099-06-15"), (coming, "2099-07-01")):
        workspace.store.edits.update_record(deal_id, {"expected_close_date": close})
    qtbot.waitUntil(lambda: deals.item_for(coming) is not None and "2099" in deals.item_for(coming).text(3))
    item = deals.item_for(slipped)
    assert item is not None
    assert item.foreground(3).color() == OVERDUE_INK
    assert "Close date passed 58 days ago" in item.toolTip(3)
    for not_yet in (today, coming):
        other = deals.item_for(not_yet)
        assert other is not None and other.foreground(3).color() != OVERDUE_INK and other.toolTip(3) == ""
    passed = len(deals.row_keys()) - 2
    assert f" · {passed} past close date" in home.deals.note.text()
