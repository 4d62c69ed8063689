"""The worker's rounds on a server without "changed since": a local edit is a push round (no
records page), the timer's round scans only when due, "Sync now" scans, an edit made during a
scan is pushed between its pages, and a failed round says when it is tried again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMetaObject, QObject, QSettings, Qt, Slot

from crmdesk.remote.aria.adapter import AriaBackend
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync.worker import DEFAULT_SCAN_INTERVAL, SCAN_SETTING, SyncController, scan_interval_from

from ._requests import RecordingTransport, api_get, recording_backend
from ._support import marker


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    # Strict, with people over three pages of 200.
    with SandboxServer(records=800, seed=66, strict=True) as running:
        yield running



class Rounds(QObject):
    """Lives in the GUI thread, as the status bar does."""

    def __init__(self, controller: SyncController) -> None:
        super().__init__()
        self.finished: list[Any] = []
        self.retries: list[int] = []
        controller.worker.finished.connect(self.on_finished)
        controller.worker.retry_scheduled.connect(self.on_retry)

    @Slot(object)
    def on_finished(self, report: Any) -> None:
        self.finished.append(report)

    @Slot(int)
    def on_retry(self, milliseconds: int) -> None:
        self.retries.append(milliseconds)


class WorkerRequests:
    """The requests of the worker's backend (built in the worker thread when it starts)."""

    def __init__(self) -> None:
        self.transports: list[RecordingTransport] = []

    def factory(self, server: SandboxServer) -> AriaBackend:
        client, transport = recording_backend(server)
        self.transports.append(transport)
        return client

    @property
    def transport(self) -> RecordingTransport:
        [transport] = self.transports
        return transport


def controller_for(db: Path, server: SandboxServer) -> tuple[SyncController, WorkerRequests]:
    requests = WorkerRequests()
    # An hour between timer rounds: the test runs them itself.
    controller = SyncController(db, lambda: requests.factory(server), interval_ms=3_600_000)
    controller.start()
    return controller, requests


def timer_round(controller: SyncController) -> None:
    """What the 60-second timer does."""
    QMetaObject.invokeMethod(controller.worker, "sync_now", Qt.ConnectionType.QueuedConnection)


def test_a_local_edit_is_a_push_round_and_the_timer_scans_only_when_due(qtbot: Any, db: Path,
                                                                         server: SandboxServer) -> None:
    assert scan_interval_from(None) == DEFAULT_SCAN_INTERVAL
    controller, requests = controller_for(db, server)
    rounds = Rounds(controller)
    try:
        qtbot.waitUntil(lambda: len(rounds.finished) == 1, timeout=30_000)
        assert rounds.finished[0].status.value == "synced"
        transport = requests.transport
        assert any(s.is_page for s in transport.sent), "the first round scans"

        mark = transport.mark()
        tag = marker()
        with Store.open(db) as gui:
            record_id = sorted(gui.records.ids("people"))[5]
            gui.edits.update_record(record_id, {"job_title": tag})
        controller.local_edit()
        qtbot.waitUntil(lambda: len(rounds.finished) == 2, timeout=30_000)
        assert rounds.finished[1].status.value == "synced" and rounds.finished[1].pending == 0
        assert api_get(server, "people", record_id)["job_title"] == tag
        sent = transport.since(mark)
        assert not [s for s in sent if s.is_page], "a local edit set off a scan"
        assert [s.method for s in sent if s.is_one_record] == ["GET", "PATCH"]

        mark = transport.mark()
        timer_round(controller)
        qtbot.waitUntil(lambda: len(rounds.finished) == 3, timeout=30_000)
        sent = transport.since(mark)
        assert rounds.finished[2].status.value == "synced"
        assert not [s for s in sent if s.is_page], "the timer scanned before the interval"
        assert any(s.path == "/api/v1/objects" for s in sent)

        mark = transport.mark()
        controller.sync_now()
        qtbot.waitUntil(lambda: len(rounds.finished) == 4, timeout=30_000)
        assert any(s.is_page for s in transport.since(mark)), "Sync now did not scan"
        assert rounds.retries == []
    finally:
        assert controller.stop()


@pytest.mark.allow_log_warnings(r"attempt \d+ of \d+; retrying in ")
def test_a_failed_round_says_when_it_is_tried_again(qtbot: Any, db: Path, server: SandboxServer) -> None:
    controller, _transport = controller_for(db, server)
    rounds = Rounds(controller)
    try:
        qtbot.waitUntil(lambda: len(rounds.finished) == 1, timeout=30_000)
        server.set_faults(FaultConfig(fail_rate=1.0))
        timer_round(controller)
        # The retry is told just after the round's end (two queued signals): wait for both.
        qtbot.waitUntil(lambda: len(rounds.finished) == 2 and len(rounds.retries) == 1, timeout=30_000)
        assert rounds.finished[1].status.value == "offline"
        assert rounds.retries == [5_000]
    finally:
        server.set_faults(None)
        assert controller.stop()


def test_an_edit_during_a_scan_is_pushed_between_its_pages(qtbot: Any, db: Path, server: SandboxServer) -> None:
    controller, _ = controller_for(db, server)
    rounds = Rounds(controller)
    tag = marker()
    with Store.open(db) as store:
        record_id = sorted(store.records.ids("people"))[9]
    edited: list[bool] = []
    #: How far the people scan had come (records stored, of all) when the server first held the edit.
    on_server_at: list[tuple[int, int]] = []

    def on_progress(phase: str, done: int, total: int) -> None:
        # Runs in the worker thread between two pages of the start-up scan: the user edits, and the
        # window calls local_edit (from "its" thread: the call only sets an event and emits).
        if phase == "records:people" and edited and not on_server_at \
                and api_get(server, "people", record_id)["job_title"] == tag:
            on_server_at.append((done, total))
        if phase == "records:people" and not edited:
            edited.append(True)
            with Store.open(db) as gui:
                gui.edits.update_record(record_id, {"job_title": tag})
            controller.local_edit()

    controller.worker.progress.connect(on_progress, Qt.ConnectionType.DirectConnection)
    try:
        qtbot.waitUntil(lambda: len(rounds.finished) >= 1, timeout=30_000)
        assert rounds.finished[0].status.value == "synced" and edited
        # The server held the edit while the people scan still had pages to store: it was pushed
        # between them, not after the scan.
        [(done, total)] = on_server_at
        assert done < total, "the edit waited for the people scan to end"
        assert api_get(server, "people", record_id)["job_title"] == tag
        with Store.open(db) as store:
            assert store.records.get(record_id).values["job_title"] == tag  # type: ignore[union-attr]
    finally:
        assert controller.stop()


def test_the_scan_interval_setting(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert scan_interval_from(settings) == DEFAULT_SCAN_INTERVAL == timedelta(minutes=15)
    for stored, expected in ((30, timedelta(minutes=30)), ("5", timedelta(minutes=5)), (0, timedelta(minutes=1)),
                             ("often", DEFAULT_SCAN_INTERVAL), ("", DEFAULT_SCAN_INTERVAL)):
        settings.setValue(SCAN_SETTING, stored)
        assert scan_interval_from(settings) == expected, stored
