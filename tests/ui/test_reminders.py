"""Task reminders in the real window and the Reminders view, on a stepped clock (no sleeping): a
task due in a minute reminds when the clock passes it, the lead reminder, snooze, Done (queued for
the server), missed reminders after a restart shown once, a task completed on the server and
synced is not reminded, and server notifications on the desktop only when the workspace says so.

The offscreen platform has no system tray: every desktop message is read from the notifier's
``posted`` signal, which says it could not be shown there.

Only my tasks remind: each workspace here says who "me" is (as the demo does, or "This is me"), and
the tasks made here with no assignee are mine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, Notification
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.store.reminders import SNOOZE_10_MINUTES, utc_text
from crmdesk.sync.worker import SyncController
from crmdesk.ui.desktop_notifier import desktop_body
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.reminders_view import RemindersView

from ._navigation_window import open_window

pytestmark = pytest.mark.sandbox(records=30, seed=7)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass
class SteppedClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def step(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Shown:
    """What the desktop was told, in order: (title, text)."""

    messages: list[tuple[str, str]] = field(default_factory=list)

    def add(self, title: str, text: str, _on_desktop: bool) -> None:
        self.messages.append((title, text))


def choose_me(store: Store) -> str:
    """Say who "me" is (the first member, as "This is me" would); the id my tasks are assigned by."""
    with store.write():
        store.schema.set_me(store.schema.members()[0].id)
    me = store.schema.my_actor_id()
    assert me is not None
    return me


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    opened = synced_store(records=200, seed=1)
    choose_me(opened)
    return opened


@contextmanager
def window_over(qtbot: Any, path: Path, tmp_path: Path, clock: SteppedClock, *, sync: SyncController | None = None,
                grace_ms: int = 0, started: bool = True) -> Iterator[tuple[MainWindow, Shown]]:
    """The real window over the workspace file at ``path`` (its own connection), with the clock;
    the messages it posts are collected from its first look on (missed ones come then). Without
    ``sync`` the first look waits ``grace_ms``; ``started``: wait until the scheduler runs."""
    store = Store.open(path)
    shown = Shown()

    def built(window: MainWindow) -> None:
        window.reminders.grace_ms = grace_ms  # read when the window's first turn decides how long to wait
        window.reminders.notifier.posted.connect(shown.add)

    try:
        with open_window(qtbot, store, tmp_path, (1280, 800), clock, first_view="tasks", sync=sync,
                         built=built) as window:
            if started:
                qtbot.waitUntil(lambda: window.reminders.scheduler.running, timeout=30_000)
            yield window, shown
    finally:
        if sync is not None:
            sync.stop()
        store.close()


def local_clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def add_task(store: Store, content: str, due: datetime, **kw: Any) -> str:
    return store.edits.create_task(content, deadline=utc_text(due), **kw).target_id


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # (the notification's click brings the window up)
def test_a_task_due_in_one_minute_raises_a_reminder(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        add_task(window.context.store, "Call Ada about the renewal", T0 + timedelta(minutes=1))
        scheduler = window.reminders.scheduler
        # (The timer stays on the minute's look, which is the due time too: the looks are called here.)
        assert scheduler.next_look_at == T0 + timedelta(minutes=1)
        assert shown.messages == []
        assert not window.reminders.bell.isVisible()
        clock.step(seconds=59)
        scheduler.check()
        assert shown.messages == []
        clock.step(seconds=2)
        scheduler.check()
        assert shown.messages == [("Task due", "Call Ada about the renewal — Due now (" +
                                   (T0 + timedelta(minutes=1)).astimezone().strftime("%H:%M") + ")")]
        # In the window: the bell counts it, and a click on the notification shows the list.
        assert window.reminders.bell.isVisible()
        assert window.reminders.bell.text() == "1 reminder"
        window.reminders.notifier.clicked.emit("reminders")
        view = window.current_view()
        assert isinstance(view, RemindersView)
        assert [line.split(" | ")[0] for line in view.reminder_texts()] == ["Call Ada about the renewal"]
        # Once: a later look says nothing more.
        clock.step(minutes=5)
        scheduler.check()
        assert len(shown.messages) == 1


def test_the_timer_is_set_to_the_next_reminder(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, _shown):
        scheduler = window.reminders.scheduler
        # Nothing due: it still looks every minute (a laptop waking from sleep catches up).
        assert scheduler.next_look_at == T0 + timedelta(minutes=1)
        add_task(window.context.store, "Quick call", T0 + timedelta(minutes=10, seconds=30))
        # The edit's notice re-arms it for the lead reminder, 30 seconds away.
        qtbot.waitUntil(lambda: scheduler.next_look_at != T0 + timedelta(minutes=1))
        assert scheduler.next_look_at == T0 + timedelta(seconds=30, milliseconds=1)


def test_lead_time_reminder_then_due(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        with window.context.store.write():
            window.context.store.settings.set_reminder_lead_minutes(15)
        add_task(window.context.store, "Send the proposal", T0 + timedelta(minutes=30))
        scheduler = window.reminders.scheduler
        clock.step(minutes=14)
        scheduler.check()
        assert shown.messages == []
        clock.step(minutes=1)
        scheduler.check()
        due_at = (T0 + timedelta(minutes=30)).astimezone().strftime("%H:%M")
        assert shown.messages == [("Task due soon", f"Send the proposal — Due in 15 min ({due_at})")]
        clock.step(minutes=15)
        scheduler.check()
        assert shown.messages[1] == ("Task due", f"Send the proposal — Due now ({due_at})")


@contextmanager
def view_over(qtbot: Any, context: AppContext) -> Iterator[RemindersView]:
    """The Reminders view alone, told of every committed write as the window's change feed tells it."""
    store = context.store
    assert store is not None
    view = RemindersView(context, "", None, tz=UTC)
    store.add_change_listener(view.on_changed)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    try:
        yield view
    finally:
        store.remove_change_listener(view.on_changed)


def test_snooze_ten_minutes_comes_back_after_ten_minutes_and_not_before(
        qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        add_task(window.context.store, "Chase the invoice", T0 + timedelta(minutes=1))
        scheduler = window.reminders.scheduler
        clock.step(minutes=1)
        scheduler.check()
        window.navigate("reminders")
        view = window.current_view()
        assert isinstance(view, RemindersView)
        assert len(view.reminder_texts()) == 1
        # Snooze ▸ For 10 minutes, from the button's menu.
        view.snooze_actions[SNOOZE_10_MINUTES].trigger()
        assert view.reminder_texts() == []
        assert view.empty_label.isVisible()
        qtbot.waitUntil(lambda: not window.reminders.bell.isVisible())
        clock.step(minutes=9, seconds=59)
        scheduler.check()
        assert len(shown.messages) == 1
        assert view.reminder_texts() == []
        clock.step(seconds=1)
        scheduler.check()
        assert len(shown.messages) == 2
        assert shown.messages[1][0] == "Reminder"
        qtbot.waitUntil(lambda: len(view.reminder_texts()) == 1)
        assert view.reminder_texts()[0].startswith("Chase the invoice | Overdue since ")
        assert window.reminders.bell.text() == "1 reminder"


def test_done_marks_the_task_done_and_queues_it(qtbot: Any, store: Store, ui_context: Any, fake_sync: Any) -> None:
    clock = SteppedClock()
    context = ui_context(store, navigator=Navigator(), sync=fake_sync, now=clock)
    with store.write():
        store.reminders.fire_due(T0, 10)  # the first look
    task_id = add_task(store, "Sign the contract", T0 + timedelta(minutes=1))
    clock.step(minutes=1)
    with store.write():
        store.reminders.fire_due(clock(), 10)
    with view_over(qtbot, context) as view:
        assert view.reminder_texts() == [
            f"Sign the contract | Due now ({local_clock(T0 + timedelta(minutes=1))}) | "]
        before = store.outbox.count()
        view.tree.setFocus()
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
        assert store.tasks.get(task_id).done  # type: ignore[union-attr]
        assert store.outbox.count() == before + 1
        assert store.outbox.for_target(task_id, entity=EntityKind.TASK)[-1].changes == {"done": True}
        assert fake_sync.local_edits == 1
        assert view.reminder_texts() == []
        # One step on Edit ▸ Undo: the task is open again, and the list brings its reminder back by itself.
        context.undo_stack.undo()
        assert not store.tasks.get(task_id).done  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: len(view.reminder_texts()) == 1)


def test_dismiss_with_the_delete_key(qtbot: Any, store: Store, ui_context: Any) -> None:
    clock = SteppedClock()
    context = ui_context(store, navigator=Navigator(), now=clock)
    with store.write():
        store.reminders.fire_due(T0, 0)
    first = add_task(store, "First", T0 + timedelta(minutes=1))
    second = add_task(store, "Second", T0 + timedelta(minutes=2))
    clock.step(minutes=3)
    with store.write():
        store.reminders.fire_due(clock(), 0)
    with view_over(qtbot, context) as view:
        assert [t.split(" | ")[0] for t in view.reminder_texts()] == ["First", "Second"]
        view.tree.setFocus()
        assert view.selected_task_id() == first
        qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
        assert [t.split(" | ")[0] for t in view.reminder_texts()] == ["Second"]
        assert view.selected_task_id() == second  # the next one is where the first was
    # Dismissed, not done: the task stays open, and its reminder stays gone (kept in the file).
    assert not store.tasks.get(first).done  # type: ignore[union-attr]
    assert first not in {r.task_id for r in store.reminders.active(clock())}
    assert second in {r.task_id for r in store.reminders.active(clock())}


def test_missed_reminders_show_once_on_start_together(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    path = store.path
    with window_over(qtbot, path, tmp_path, clock) as (window, shown):
        add_task(window.context.store, "Morning call", T0 + timedelta(minutes=5))
        add_task(window.context.store, "Send the quote", T0 + timedelta(minutes=20))
        assert shown.messages == []
    clock.step(hours=2)  # the laptop was closed
    with window_over(qtbot, path, tmp_path, clock) as (window, shown):
        assert len(shown.messages) == 1
        title, text = shown.messages[0]
        assert title == "2 reminders came while crmdesk was closed"
        assert text.splitlines()[0].startswith("Morning call — Overdue since ")
        assert text.splitlines()[1].startswith("Send the quote — Overdue since ")
        assert window.reminders.bell.text() == "2 reminders"
    clock.step(hours=1)
    with window_over(qtbot, path, tmp_path, clock) as (window, shown):
        assert shown.messages == []  # not twice
        assert window.reminders.bell.text() == "2 reminders"  # still waiting in the list


def test_a_task_completed_on_the_server_and_synced_is_not_reminded(
        qtbot: Any, server: SandboxServer, tmp_path: Path, sync_from: Callable[..., str]) -> None:
    path = tmp_path / "w.sqlite"
    with Store.open(path) as first:
        assert sync_from(first, server) == "synced"
        me = choose_me(first)
    clock = SteppedClock()
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        with window_over(qtbot, path, tmp_path, clock) as (window, shown):
            store = window.context.store
            due = utc_text(T0 + timedelta(minutes=30))
            done_there = backend.create_task("Done on the web", deadline=due, assignee_ids=[me])
            still_open = backend.create_task("Still open", deadline=due, assignee_ids=[me])
            assert sync_from(store, server) == "synced"
            assert store.tasks.get(done_there.id) is not None
            backend.update_task(done_there.id, done=True)  # a colleague ticks it in the web app
            assert sync_from(store, server) == "synced"
            assert store.tasks.get(done_there.id).done  # type: ignore[union-attr]
            clock.step(minutes=31)
            window.reminders.scheduler.check()
            # Every line of every message (one look may tell several reminders in one message); the
            # module's server holds other tests' tasks too, so only this test's two are looked for.
            told = [line.split(" — ")[0] for _title, text in shown.messages for line in text.splitlines()]
            assert [name for name in told if name in {"Done on the web", "Still open"}] == ["Still open"]
            assert still_open.id in {r.task_id for r in store.reminders.active(clock())}
    finally:
        backend.close()


def test_missed_reminders_wait_for_the_first_sync_so_a_task_done_meanwhile_is_not_announced(
        qtbot: Any, server: SandboxServer, tmp_path: Path, sync_from: Callable[..., str]) -> None:
    path = tmp_path / "w.sqlite"
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        due = utc_text(T0 + timedelta(minutes=30))
        with Store.open(path) as first:
            assert sync_from(first, server) == "synced"
            me = choose_me(first)
            done_there = backend.create_task("Done while closed", deadline=due, assignee_ids=[me])
            backend.create_task("Still open after the restart", deadline=due, assignee_ids=[me])
            assert sync_from(first, server) == "synced"
            with first.write():
                first.reminders.fire_due(T0, 10)  # crmdesk last looked at 9:00, then was closed
        backend.update_task(done_there.id, done=True)  # ticked in the web app while crmdesk was closed
        clock = SteppedClock(T0 + timedelta(hours=2))
        sync = SyncController(path, lambda: open_backend("aria", server.url, server.admin_token),
                              interval_ms=3_600_000)
        # A long grace: only the sync round's end may let the first look happen.
        with window_over(qtbot, path, tmp_path, clock, sync=sync, grace_ms=600_000) as (window, shown):
            # (The module's server holds other tests' tasks too: only these two are looked at.)
            assert len(shown.messages) == 1
            title, text = shown.messages[0]
            assert title.endswith("came while crmdesk was closed")
            announced = [line.split(" — ")[0] for line in text.splitlines()]
            assert "Still open after the restart" in announced
            assert "Done while closed" not in announced
            waiting = {r.content for r in window.context.store.reminders.active(clock())}
            assert "Done while closed" not in waiting
    finally:
        backend.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_server_notifications_reach_the_desktop_only_when_chosen(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        workspace = window.context.store
        held = workspace.notifications.all()

        def arrive(*new: Notification) -> None:
            # As a sync page would: the cache's notifications replaced by the server's list.
            with workspace.write():
                workspace.notifications.replace_all([*held, *new])
            held.extend(new)

        arrive(Notification("n-1", "Ada mentioned you", "2026-11-24T09:00:00.000Z", "On Acme: call them"))
        window.change_feed.flush()  # (what the change feed holds goes out now, as it would soon)
        assert shown.messages == []  # off by default
        with workspace.write():
            workspace.settings.set_notify_server_notifications(True)
        arrive(Notification("n-2", "Deal won: Globex", "2026-11-24T09:05:00.000Z", "Bob moved it to Won"))
        window.change_feed.flush()
        assert shown.messages == [("Deal won: Globex", "Bob moved it to Won")]
        # Once each: the next sync sends the same list again.
        arrive()
        window.change_feed.flush()
        arrive(Notification("n-3", "Read already", "2026-11-24T09:06:00.000Z", "", read=True))
        window.change_feed.flush()
        assert len(shown.messages) == 1
        # A click on it shows the notifications.
        window.reminders.notifier.clicked.emit("notifications")
        assert window.current_target == "notifications"


def test_without_a_sync_missed_reminders_wait_for_the_grace_not_less(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        add_task(window.context.store, "Morning call", T0 + timedelta(minutes=5))
    clock.step(hours=1)
    with window_over(qtbot, store.path, tmp_path, clock, grace_ms=600_000, started=False) as (window, shown):
        # The window's first turn (FirstSyncWait._decide's singleShot(0)) is where an early look would come.
        QApplication.processEvents()
        assert window.reminders.waiting_for_first_sync
        assert shown.messages == []
        assert not window.reminders.bell.isVisible()
        # Not less: the one timer between the window and its first look runs the whole grace.
        timer = window.reminders.grace_timer
        assert timer is not None and timer.interval() == 600_000 and timer.remainingTime() > 590_000
        # And it is that timer's end that lets the first look come (run now instead of in ten minutes).
        timer.start(0)
        qtbot.waitUntil(lambda: window.reminders.scheduler.running)
        assert [title for title, _text in shown.messages] == ["A reminder came while crmdesk was closed"]
        assert window.reminders.grace_timer is None


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_bell_goes_when_the_workspace_closes(qtbot: Any, store: Store, tmp_path: Path) -> None:
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, _shown):
        add_task(window.context.store, "Call", T0 + timedelta(minutes=1))
        clock.step(minutes=2)
        window.reminders.scheduler.check()
        assert window.reminders.bell.isVisible()
        window.switch_workspace(None)  # File ▸ Close workspace
        assert window.context.store is None
        assert not window.reminders.bell.isVisible()
        assert not window.reminders.scheduler.running


def test_with_me_unknown_nothing_reminds_and_the_view_says_how_to_choose(
        qtbot: Any, store: Store, tmp_path: Path) -> None:
    with store.write():
        store.schema.set_me(None)
    clock = SteppedClock()
    with window_over(qtbot, store.path, tmp_path, clock) as (window, shown):
        add_task(window.context.store, "Someone's call", T0 + timedelta(minutes=1))
        clock.step(minutes=2)
        window.reminders.scheduler.check()
        assert shown.messages == []
        window.navigate("reminders")
        view = window.current_view()
        assert isinstance(view, RemindersView)
        assert view.empty_label.isVisible()
        assert "Workspace ▸ Settings ▸ Members… ▸ This is me" in view.empty_label.text()


def test_desktop_text_is_shown_as_typed_on_linux_desktops() -> None:
    text = "Call <b>Ada</b> & read <a href='x'>this</a>"
    # org.freedesktop.Notifications reads a body as markup: the characters must stay characters.
    assert desktop_body(text, "xcb") == "Call &lt;b&gt;Ada&lt;/b&gt; &amp; read &lt;a href='x'&gt;this&lt;/a&gt;"
    assert desktop_body(text, "wayland-egl") == desktop_body(text, "xcb")
    # Windows and macOS show the text as given.
    assert desktop_body(text, "windows") == text
    assert desktop_body(text, "cocoa") == text
