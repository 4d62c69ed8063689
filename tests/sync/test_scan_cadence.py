"""Scans that cost what they must: without "changed since", a full scan of records (and the
re-read of lists, notes, tasks and notifications) runs at start, when forced, and when the scan
interval has passed — the rounds in between push and read the schema only. With "changed since",
every round still asks for what changed. Time is an injected clock: no sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._requests import RecordingTransport, Sent, api_patch, recording_backend
from ._support import marker, sync

INTERVAL = timedelta(minutes=15)


class Clock:
    """The engine's ``now``: canonical UTC text, moved on by the test."""

    def __init__(self) -> None:
        # Just after the fixture's own sync (which used the real clock).
        self.moment = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> str:
        return self.moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.moment.microsecond // 1000:03d}Z"

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


def pages(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.is_page]


def notes_reads(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.method == "GET" and s.path == "/api/v1/notes"]


@pytest.fixture(scope="module")
def strict_server() -> Iterator[SandboxServer]:
    with SandboxServer(records=90, seed=62, strict=True) as running:
        yield running


@pytest.fixture
def strict_store(tmp_path: Path, strict_server: SandboxServer) -> Iterator[Store]:
    with Store.open(tmp_path / "ws.sqlite") as opened:
        assert sync(opened, strict_server).status.value == "synced"
        yield opened


def engine_for(store: Store, server: SandboxServer, clock: Clock) -> tuple[SyncEngine, RecordingTransport]:
    client, transport = recording_backend(server)
    engine = SyncEngine(store, client, scan_interval=INTERVAL, collections_interval=INTERVAL, now=clock)
    return engine, transport


def test_without_changed_since_scans_run_only_when_due_or_forced(strict_store: Store,
                                                                  strict_server: SandboxServer) -> None:
    clock = Clock()
    engine, transport = engine_for(strict_store, strict_server, clock)
    try:
        assert not engine.capabilities.changed_since("people")
        record_id = sorted(strict_store.records.ids("people"))[4]
        theirs = marker()
        api_patch(strict_server, "people", record_id, {"job_title": theirs})
        mine_id = sorted(strict_store.records.ids("companies"))[2]
        mine = marker()
        strict_store.edits.update_record(mine_id, {"description": mine})

        # A background round before the interval: schema and push, no records page, no notes.
        clock.advance(timedelta(minutes=1))
        mark = transport.mark()
        report = engine.sync()
        sent = transport.since(mark)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        assert pages(sent) == [] and notes_reads(sent) == []
        assert any(s.path == "/api/v1/objects" for s in sent), "the schema is read each round"
        assert strict_store.records.get(record_id).values.get("job_title") != theirs  # type: ignore[union-attr]

        # Just before the interval ends: still nothing.
        clock.advance(INTERVAL - timedelta(minutes=2))
        mark = transport.mark()
        engine.sync()
        assert pages(transport.since(mark)) == []

        # Past it: every object scanned, the collections re-read, the colleague's change in.
        clock.advance(timedelta(minutes=2))
        mark = transport.mark()
        report = engine.sync()
        sent = transport.since(mark)
        assert report.status.value == "synced"
        scanned = {s.path.split("/")[4] for s in pages(sent)}
        assert scanned == set(strict_store.schema.objects())
        assert notes_reads(sent)
        assert strict_store.records.get(record_id).values["job_title"] == theirs  # type: ignore[union-attr]

        # Right after: not due, but forcing ("Sync now") scans.
        clock.advance(timedelta(seconds=5))
        mark = transport.mark()
        engine.sync()
        assert pages(transport.since(mark)) == []
        mark = transport.mark()
        engine.sync(force_scan=True, force_collections=True)
        sent = transport.since(mark)
        assert {s.path.split("/")[4] for s in pages(sent)} == set(strict_store.schema.objects())
        assert notes_reads(sent)
    finally:
        engine.backend.close()


def test_a_clock_set_back_does_not_stop_the_scans(strict_store: Store, strict_server: SandboxServer) -> None:
    clock = Clock()
    clock.advance(-timedelta(days=1))  # the machine's clock went back a day after the last scan
    engine, transport = engine_for(strict_store, strict_server, clock)
    try:
        engine.sync()
        assert pages(transport.sent), "a last scan 'in the future' counted as recent"
    finally:
        engine.backend.close()


def test_with_changed_since_every_round_pulls_what_changed(tmp_path: Path) -> None:
    with SandboxServer(records=60, seed=63) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        clock = Clock()
        engine, transport = engine_for(store, server, clock)
        try:
            assert engine.capabilities.changed_since("people")
            record_id = sorted(store.records.ids("people"))[7]
            theirs = marker()
            api_patch(server, "people", record_id, {"job_title": theirs})
            clock.advance(timedelta(minutes=1))
            mark = transport.mark()
            report = engine.sync()
            sent = transport.since(mark)
            assert report.status.value == "synced"
            assert store.records.get(record_id).values["job_title"] == theirs  # type: ignore[union-attr]
            # Incremental: filtered queries, never a plain listing of every record; collections wait.
            assert pages(sent) and all(s.path.endswith("/query") for s in pages(sent))
            assert notes_reads(sent) == []
        finally:
            engine.backend.close()
