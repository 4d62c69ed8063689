"""The Qt sync worker: signals on the GUI thread, triggers, cancel and quit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread, Slot

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync import ChangeSet
from crmdesk.sync.worker import SyncController

from ._support import backend, integrity_ok, marker, server_records


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=71) as running:
        yield running



class Recorder(QObject):
    """Connected the way the UI connects: to slots of a QObject living in the GUI thread."""

    def __init__(self, controller: SyncController) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []
        self.threads: set[bool] = set()
        worker = controller.worker
        worker.state_changed.connect(self.on_state)
        worker.changed.connect(self.on_changed)
        worker.finished.connect(self.on_finished)

    @Slot(str, str)
    def on_state(self, status: str, message: str) -> None:
        self._got("state", status)

    @Slot(object)
    def on_changed(self, changes: object) -> None:
        self._got("changed", changes)

    @Slot(object)
    def on_finished(self, report: object) -> None:
        self._got("finished", report)

    def _got(self, kind: str, value: Any) -> None:
        app = QCoreApplication.instance()
        assert app is not None
        self.threads.add(QThread.currentThread() is app.thread())
        self.events.append((kind, value))

    def of(self, kind: str) -> list[Any]:
        return [v for k, v in self.events if k == kind]


def controller_for(db: Path, server: SandboxServer) -> SyncController:
    return SyncController(db, lambda: backend(server), interval_ms=3_600_000)


def test_signals_arrive_on_the_gui_thread_and_report_a_sync(qtbot: Any, db: Path, server: SandboxServer) -> None:
    with Store.open(db) as store:
        record_id = sorted(store.records.ids("people"))[0]
        store.edits.update_record(record_id, {"job_title": marker()})
        assert store.outbox.count() == 1
    controller = controller_for(db, server)
    recorder = Recorder(controller)
    try:
        controller.start()
        qtbot.waitUntil(lambda: len(recorder.of("finished")) >= 1, timeout=15_000)
        assert recorder.threads == {True}, "a slot ran outside the GUI thread"
        assert recorder.of("state")[:2] == ["syncing", "synced"]
        # What waits is the window's to count (from its store, through these notices).
        with Store.open(db) as store:
            assert store.outbox.count() == 0 and store.conflicts.count() == 0
        # One notice per commit of the worker's connection, each sent as it happens: the emptied
        # queue is told before the round reports its end (the record's values did not change:
        # the cache already showed them).
        kinds = [kind for kind, _ in recorder.events]
        before_end = [v for k, v in recorder.events[: kinds.index("finished")] if k == "changed"]
        assert before_end and all(isinstance(c, ChangeSet) for c in before_end)
        heard = ChangeSet()
        for changes in before_end:
            heard.update(changes)
        assert heard.outbox
        assert recorder.of("finished")[0].status.value == "synced"

        # A local edit (made in the GUI thread's own connection) triggers a sync.
        tag = marker()
        with Store.open(db) as store:
            store.edits.update_record(record_id, {"description": tag})
        controller.local_edit()
        qtbot.waitUntil(lambda: len(recorder.of("finished")) >= 2, timeout=15_000)
        assert server_records(server, "people")[record_id]["description"] == tag
        assert recorder.threads == {True}
    finally:
        assert controller.stop()


def test_cancel_during_a_slow_sync_keeps_the_outbox(qtbot: Any, db: Path, server: SandboxServer) -> None:
    with Store.open(db) as store:
        ids = sorted(store.records.ids("companies"))[:5]
        for record_id in ids:
            store.edits.update_record(record_id, {"description": marker()})
    server.set_faults(FaultConfig(latency_ms=60))
    controller = controller_for(db, server)
    recorder = Recorder(controller)
    try:
        controller.start()
        qtbot.waitUntil(lambda: recorder.of("state")[:1] == ["syncing"], timeout=10_000)
        controller.cancel()
        qtbot.waitUntil(lambda: len(recorder.of("finished")) >= 1, timeout=15_000)
        report = recorder.of("finished")[0]
        assert report.status.value == "cancelled"
        assert recorder.of("state")[-1] == "cancelled"
    finally:
        assert controller.stop()
        server.set_faults(None)
    with Store.open(db) as store:
        assert store.outbox.count() == 5 - report.pushed
        assert all(m.state.value == "pending" for m in store.outbox.all())


def test_stop_during_a_sync_is_prompt_and_keeps_the_outbox(qtbot: Any, db: Path, server: SandboxServer) -> None:
    edits: dict[str, str] = {}
    with Store.open(db) as store:
        for record_id in sorted(store.records.ids("deals"))[:3]:
            edits[record_id] = marker()
            store.edits.update_record(record_id, {"name": edits[record_id]})
    server.set_faults(FaultConfig(latency_ms=60))
    controller = controller_for(db, server)
    recorder = Recorder(controller)
    try:
        controller.start()
        qtbot.waitUntil(lambda: recorder.of("state")[:1] == ["syncing"], timeout=10_000)
        assert controller.stop(timeout_ms=5_000)
        QCoreApplication.processEvents()  # what the worker said before it ended
    finally:
        server.set_faults(None)
    # Prompt: the round stopped at the next request boundary instead of running to its end (every
    # request waits 60 ms, the round makes dozens), so it never reports a finished sync.
    assert all(report.status.value == "cancelled" for report in recorder.of("finished")), recorder.of("finished")
    assert "synced" not in recorder.of("state")
    on_server = server_records(server, "deals")
    with Store.open(db) as store:
        waiting = {m.target_id: m.changes.get("name") for m in store.outbox.all()}
        assert all(m.state.value in ("pending", "in_flight") for m in store.outbox.all())
    # Kept: each edit either reached the server or still waits in the outbox, and nothing else does.
    assert set(waiting) <= set(edits)
    for record_id, name in edits.items():
        assert on_server[record_id]["name"] == name or waiting.get(record_id) == name, record_id
    assert waiting, "the round was stopped before its push, yet the outbox is empty"
    assert integrity_ok(db)
