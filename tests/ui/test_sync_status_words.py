"""The status bar tells the truth, in a salesperson's words: what waits is counted from the store
(refusals and conflicts included, before any sync and without one), the worker's phases read as
"Sending 3 changes" or "Receiving people — 5,000 of 100,000", and an offline worker counts down to
its next attempt without flashing "Syncing…" in between."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton

from crmdesk.context import AppContext
from crmdesk.model import MutationState
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.worker import BACKOFF_MAX_MS, SyncController
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.sync_status import SyncStatusWidget
from crmdesk.ui.workspace_switcher import close_workspace

REASON = "The server at http://127.0.0.1:9 could not be reached."


class Clock:
    """The widget's clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=30, seed=4)


@pytest.fixture
def window(qtbot: Any, store: Store, ui_context: Callable[..., AppContext], tmp_path: Path) -> MainWindow:
    """The real window on the store, signed out: no sync at all."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    shown = MainWindow(ui_context(store, navigator=Navigator(), settings=settings))
    qtbot.addWidget(shown)
    return shown


@pytest.fixture
def widget(qtbot: Any) -> SyncStatusWidget:
    bar = SyncStatusWidget()
    qtbot.addWidget(bar)
    return bar


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(qtbot: Any, clock: Clock) -> SyncStatusWidget:
    """The widget on the test's clock."""
    bar = SyncStatusWidget(clock=clock)
    qtbot.addWidget(bar)
    return bar


def _people(store: Store) -> list[str]:
    return [row.id for row in store.records.rows(store.records.query_ids("people")[:3])]


def _refuse(store: Store, record_id: str) -> int:
    mutation = store.edits.update_record(record_id, {"job_title": "Refused title"})
    assert mutation is not None and mutation.op_id is not None
    with store.write():
        store.outbox.set_state(mutation.op_id, MutationState.REJECTED, "Job title is not allowed")
    return mutation.op_id


def _grace_runs_out(bar: SyncStatusWidget) -> None:
    """The attempt's first GRACE_MS are over: what the grace timer does then, without waiting."""
    assert bar._grace.isActive()
    bar._grace.stop()  # a single-shot timer is no longer active when it times out
    bar._grace.timeout.emit()


def _right_side(bar: SyncStatusWidget) -> list[str]:
    """The texts of the buttons a user sees in the bar, left to right."""
    layout = bar.layout()
    assert layout is not None
    buttons = sorted(bar.findChildren(QPushButton), key=layout.indexOf)
    return [b.text() for b in buttons if not b.isHidden()]


# -- what waits, counted from the store ------------------------------------------------------------


def test_a_workspace_opened_with_a_refused_change_shows_it_before_any_sync(
    qtbot: Any, store: Store, ui_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    _refuse(store, _people(store)[0])
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ui_context(store, navigator=Navigator(), settings=settings))
    qtbot.addWidget(window)
    bar = window.sync_status
    assert bar.state_label.text() == "Sign-in needed"  # signed out: no worker ever counts
    assert _right_side(bar) == ["1 change refused"]
    with qtbot.waitSignal(bar.pending_clicked):
        qtbot.mouseClick(bar.refused_button, Qt.MouseButton.LeftButton)


def test_all_saved_only_when_the_outbox_and_conflicts_are_empty(window: MainWindow, store: Store, qtbot: Any) -> None:
    bar = window.sync_status
    assert _right_side(bar) == ["All saved"]
    first, second, third = _people(store)
    for record_id in (first, second, third):
        store.edits.update_record(record_id, {"job_title": f"Waiting {record_id}"})
    # Told by the store's change notice, with no sync to report it.
    qtbot.waitUntil(lambda: _right_side(bar) == ["3 changes waiting"], timeout=5_000)

    with store.write():
        for op_id in [m.op_id for m in store.outbox.all() if m.op_id is not None]:
            store.outbox.remove(op_id)
        store.conflicts.add("record", first, "people", "job_title", "mine", "theirs", "base")
    qtbot.waitUntil(lambda: _right_side(bar) == ["1 conflict"], timeout=5_000)
    with qtbot.waitSignal(bar.conflicts_clicked):
        qtbot.mouseClick(bar.conflicts_button, Qt.MouseButton.LeftButton)

    op_id = _refuse(store, second)
    qtbot.waitUntil(lambda: _right_side(bar) == ["1 conflict", "1 change refused"], timeout=5_000)

    with store.write():
        store.outbox.remove(op_id)
        for conflict in store.conflicts.all():
            store.conflicts.remove(conflict.id)
    qtbot.waitUntil(lambda: _right_side(bar) == ["All saved"], timeout=5_000)


def test_with_a_sync_attached_a_refused_change_is_still_counted(
    qtbot: Any, store: Store, ui_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    # A controller that is never started: the counts come from the window's store, through the
    # change notices its feed delivers, whether or not a worker runs (a worker's count would
    # leave refused changes out and say "All saved").
    controller = SyncController(store.path, lambda: None)  # type: ignore[arg-type, return-value]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ui_context(store, navigator=Navigator(), settings=settings, sync=controller))
    qtbot.addWidget(window)
    assert _right_side(window.sync_status) == ["All saved"]
    _refuse(store, _people(store)[0])
    qtbot.waitUntil(lambda: _right_side(window.sync_status) == ["1 change refused"], timeout=5_000)
    store.edits.update_record(_people(store)[1], {"job_title": "Queued"})
    qtbot.waitUntil(lambda: _right_side(window.sync_status) == ["1 change refused", "1 change waiting"],
                    timeout=5_000)


# -- the worker's states and phases ---------------------------------------------------------------


def test_each_state_reads_in_plain_words_with_the_reason_in_the_tooltip(widget: SyncStatusWidget) -> None:
    widget.show_state("synced", "")
    assert widget.state_label.text() == "Up to date"
    widget.show_state("offline", REASON)
    assert widget.state_label.text() == "Offline — your changes are kept"
    assert REASON in widget.state_label.toolTip() and "kept on this computer" in widget.state_label.toolTip()
    widget.show_state("auth_needed", "The token was refused.")
    assert widget.state_label.text() == "Sign-in needed"
    widget.show_state("error", "The server answered something crmdesk does not understand.")
    assert widget.state_label.text() == "Sync problem"
    assert "does not understand" in widget.state_label.toolTip()
    widget.show_state("cancelled", "Sync was cancelled; nothing was lost.")
    assert widget.state_label.text() == "Sync stopped"


def test_phases_read_as_what_is_sent_and_received(widget: SyncStatusWidget) -> None:
    widget.show_state("synced", "")
    widget.show_state("syncing", "")
    widget.show_progress("schema", 0, -1)
    # The first moments of a round keep the words before it (a quick round flashes nothing).
    assert widget.state_label.text() == "Up to date"
    _grace_runs_out(widget)
    assert widget.state_label.text() == "Checking for changes"
    widget.show_progress("records:people", 5_000, 100_000)
    assert widget.state_label.text() == "Receiving people — 5,000 of 100,000"
    assert widget.progress.isVisibleTo(widget) and widget.progress.value() == 5_000
    widget.show_progress("push", 0, 3)
    assert widget.state_label.text() == "Sending 3 changes"
    widget.show_progress("push", 0, 1)
    assert widget.state_label.text() == "Sending 1 change"
    widget.show_progress("notes", 0, -1)
    assert widget.state_label.text() == "Receiving notes"
    widget.show_progress("push", 0, 0)  # nothing to send: no "Sending 0 changes", no "Syncing push"
    assert widget.state_label.text() == "Receiving notes"
    widget.show_state("synced", "")
    assert widget.state_label.text() == "Up to date" and not widget.progress.isVisibleTo(widget)


def test_an_objects_plural_title_names_what_is_received(
    widget: SyncStatusWidget, store: Store, ui_context: Callable[..., AppContext]
) -> None:
    widget.watch(ui_context(store))
    people = store.schema.get_object("people")
    assert people is not None
    with store.write():
        store.schema.save_object(dataclasses.replace(people, plural_name="Contacts"))
    store.schema.invalidate()
    widget.show_state("syncing", "")
    _grace_runs_out(widget)
    assert widget.state_label.text() == "Syncing…"
    widget.show_progress("records:people", 5_000, 100_000)
    assert widget.state_label.text() == "Receiving contacts — 5,000 of 100,000"
    widget.show_progress("records:sales_leads", 20, -1)  # not in the schema yet: its slug
    assert widget.state_label.text() == "Receiving sales leads — 20"


def test_a_short_round_keeps_up_to_date_on_screen(widget: SyncStatusWidget) -> None:
    widget.show_state("synced", "")
    widget.show_state("syncing", "")
    for phase, done, total in (("schema", 0, -1), ("records:people", 2, 2), ("push", 0, 3), ("push", 3, 3)):
        widget.show_progress(phase, done, total)
        assert widget.state_label.text() == "Up to date"
    widget.show_state("synced", "")
    assert widget.state_label.text() == "Up to date"


# -- offline: the countdown, and retries that do not flash ---------------------------------------


def test_offline_counts_down_to_the_next_attempt(timed: SyncStatusWidget, clock: Clock) -> None:
    widget = timed
    widget.show_state("offline", REASON)
    widget.show_retry(20_000)
    assert widget.state_label.text() == "Offline — retrying in 20 s"
    assert REASON in widget.state_label.toolTip()
    clock.now += 1
    widget.tick()
    assert widget.state_label.text() == "Offline — retrying in 19 s"
    clock.now += 1  # the widget's own one-second timer shows it (its tick, emitted here)
    assert widget._countdown.isActive()
    widget._countdown.timeout.emit()
    assert widget.state_label.text() == "Offline — retrying in 18 s"
    clock.now += 18
    widget.tick()
    assert widget.state_label.text() == "Offline — trying again…"  # never "0 s"


def test_a_retry_while_offline_never_says_syncing(timed: SyncStatusWidget) -> None:
    widget = timed
    widget.show_state("offline", REASON)
    widget.show_retry(5_000)
    widget.show_state("syncing", "")  # the worker's own retry
    assert widget.state_label.text() == "Offline — trying again…"
    assert REASON in widget.state_label.toolTip()
    widget.show_progress("schema", 0, -1)  # reported before the first request: proves nothing
    assert widget.state_label.text() == "Offline — trying again…"
    widget.show_state("offline", REASON)
    widget.show_retry(10_000)
    assert widget.state_label.text() == "Offline — retrying in 10 s"
    # The next one gets through: from the first answer on, it says what it does.
    widget.show_state("syncing", "")
    widget.show_progress("schema", 0, -1)
    widget.show_progress("records:people", 40, 90)
    assert widget.state_label.text() == "Receiving people — 40 of 90"
    widget.show_state("synced", "")
    assert widget.state_label.text() == "Up to date"


def test_a_sync_problem_retries_in_its_own_words(timed: SyncStatusWidget) -> None:
    widget = timed
    widget.show_state("error", "Unexpected answer")
    widget.show_retry(300_000)
    assert widget.state_label.text() == "Sync problem — retrying in 300 s"
    widget.show_state("syncing", "")
    assert widget.state_label.text() == "Sync problem — trying again…"


# -- the real window and worker against a stopped server -----------------------------------------


def test_the_window_says_offline_and_counts_down_when_the_server_is_gone(
    qtbot: Any, synced_store: Callable[..., Store], ui_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    store = synced_store(records=30, seed=4)
    _refuse(store, _people(store)[0])
    store.edits.update_record(_people(store)[1], {"job_title": "Sent when back online"})
    with SandboxServer(records=12, seed=5) as server:
        url, token = server.url, server.admin_token
    # The server is stopped: every attempt fails at once (one try per request: no transport waits).
    controller = SyncController(store.path, lambda: connect_aria(url, token, config={"retry": RetryPolicy(1)}))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = ui_context(store, navigator=Navigator(), settings=settings, sync=controller)
    window = MainWindow(context)
    qtbot.addWidget(window)
    bar = window.sync_status
    assert _right_side(bar) == ["1 change refused", "1 change waiting"]  # before the worker starts
    try:
        controller.start()
        qtbot.waitUntil(lambda: bar.status == "offline", timeout=20_000)
        # The worker's first wait is 5 s; the countdown may have ticked meanwhile.
        counting = re.compile(r"Offline — retrying in (\d+) s")
        seconds: list[int] = []

        def counts_down() -> bool:
            match = counting.fullmatch(bar.state_label.text())
            if match is not None:
                seconds.append(int(match.group(1)))
            return match is not None

        qtbot.waitUntil(counts_down, timeout=5_000)
        # The first wait is 5 s; on a machine slow enough to let it pass, the next one (10 s…)
        # counts down instead: the words are the same.
        assert 1 <= seconds[-1] <= BACKOFF_MAX_MS // 1000
        assert "kept on this computer" in bar.state_label.toolTip()
        assert _right_side(bar) == ["1 change refused", "1 change waiting"]
    finally:
        close_workspace(context)
