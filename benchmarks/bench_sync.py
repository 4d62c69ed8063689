"""Issue 5: the sync engine against the sandbox (in its own process) with 100,000 records.

Figures, each beside a baseline measured in this run:
1. initial pull into a fresh store — the whole ``SyncEngine.sync()`` and its records phase
   (the ``Puller.pull_records`` calls, timed by wrapping that method) — vs a bare httpx loop
   paging the same three objects (limit=200/offset) and decoding the JSON, storing nothing;
2. a sync after 100 server-side PATCHes: default sandbox (incremental) vs GETting each of
   the 100 records; ``--strict`` sandbox (a full scan) vs the bare paging loop;
3. ``Pusher.push()`` of 1,000 queued edits (after a completed pull) vs a bare httpx PATCH loop
   of the same 1,000 edits with as many in flight as the pusher sends (``write_concurrency``);
4. the GUI thread's stall (a 1 ms QTimer measuring its own lateness) while the
   ``SyncController`` worker pulls 100,000 records, vs the same timer with no worker;
5. on the ``--strict`` sandbox (issue 13): the periodic full scan over the unchanged 100k
   workspace (the records phase of a due scan, unchanged records recognised before decoding)
   vs the bare paging loop; and a local edit until the server holds it, through the app's
   ``SyncController`` idle after its start-up sync, vs one bare PATCH of the same record;
plus the client process's peak RSS.

6. field history (issue 18): the initial pull with history vs the same pull with the history
   diff switched off (a first pull writes none: no old values), and a full re-pull of the 100k
   workspace (``--strict`` sandbox) after ~1,000 server-side changes, history written vs not.

``BENCH_SYNC_ONLY=pull`` runs only the figures of 1, 3 and the strict half of 2 (issue 19's).
``BENCH_SYNC_ONLY=history`` runs only the figures of 6 (each a pair of runs, alternating).
``BENCH_SYNC_ONLY=strict_scan`` runs only the figures of 5, on a strict sandbox of its own
(``python -m benchmarks.bench_sync`` does the same, printing the figures); they take a few
minutes instead of the whole module's quarter of an hour.

``BENCH_SYNC_PROFILE=DIR`` also writes pyinstrument profiles (if installed) of the first
initial pull, the first push and the first strict sync to DIR (slower: figures skew).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.dialect_pull import cold_codec_caches
from benchmarks.report import Figure, Report, peak_rss_mib, percentile
from benchmarks.sync_support import (
    OBJECTS,
    SandboxProcess,
    bare_concurrent_patch_loop,
    bare_get_each,
    bare_page_all,
    bare_patch_loop,
    object_counts,
    record_ids,
    run_edit_latency,
    run_gui_stall,
    sandbox_process,
)
from crmdesk.remote.dialects import open_backend
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pull import Puller
from crmdesk.sync.push import PARALLEL_BATCH, Pusher
from crmdesk.sync.status import SyncStatus
from crmdesk.sync.worker import DEFAULT_SCAN_INTERVAL

RECORDS = 100_000
SEED = 1
PULL_REPEAT = 5
CHANGES = 100
INCREMENTAL_REPEAT = 3
STRICT_REPEAT = 5
EDITS = 1_000
PUSH_REPEAT = 5
IDLE_SECONDS = 3.0
STALL_TIMEOUT_S = 180.0
SCAN_REPEAT = 3
EDIT_REPEAT = 5
EDIT_TIMEOUT_S = 180.0
HISTORY_CHANGES = 1_000
#: Pairs (with, without) of each history figure; the initial pulls' pairs apart (each pull takes minutes).
HISTORY_REPEAT = int(os.environ.get("BENCH_SYNC_HISTORY_REPEAT", "2"))
HISTORY_PULLS = int(os.environ.get("BENCH_SYNC_HISTORY_PULLS", str(HISTORY_REPEAT)))
ONLY_ENV = "BENCH_SYNC_ONLY"


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _spread(samples: list[float], unit: str = "s") -> str:
    return f"runs {', '.join(f'{s:.2f}' for s in samples)} {unit}"


@contextmanager
def _timed_pull_records(spent: list[float]) -> Iterator[None]:
    """Accumulate the time of every ``Puller.pull_records`` call (the records phase)."""
    original = Puller.pull_records

    def timed(self: Puller, obj: Any) -> None:
        started = time.perf_counter()
        try:
            original(self, obj)
        finally:
            spent.append(time.perf_counter() - started)

    with mock.patch.object(Puller, "pull_records", timed):
        yield


@contextmanager
def _profiled(name: str) -> Iterator[None]:
    folder = os.environ.get("BENCH_SYNC_PROFILE")
    try:
        from pyinstrument import Profiler
    except ImportError:
        folder = None
    if not folder:
        yield
        return
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{name}.txt").write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")


def _engine(store: Store, server: SandboxProcess) -> SyncEngine:
    # Notes, tasks and entries on the worker's schedule; records pulled by every sync() (the
    # figures below time a pull, so no scan waits for its interval).
    return SyncEngine(store, open_backend("aria", server.url, server.admin_token),
                      collections_interval=DEFAULT_SCAN_INTERVAL)


def _sync(engine: SyncEngine) -> tuple[float, float, int]:
    """One ``engine.sync()``: (seconds, records-phase seconds, records pulled)."""
    spent: list[float] = []
    with _timed_pull_records(spent):
        started = time.perf_counter()
        result = engine.sync()
        elapsed = time.perf_counter() - started
    assert result.status is SyncStatus.SYNCED, result.summary()
    return elapsed, sum(spent), result.pulled


def _patch_people(server: SandboxProcess, ids: list[str], label: str) -> dict[str, str]:
    """Server-side changes through the API (admin token), outside any timing."""
    values = {record_id: f"{label} {i}" for i, record_id in enumerate(ids)}
    bare_patch_loop(server, "people", [(rid, {"job_title": v}) for rid, v in values.items()])
    return values


def _check_pulled(store: Store, expected: dict[str, str]) -> None:
    for record_id, value in expected.items():
        row = store.records.get(record_id)
        assert row is not None and row.values.get("job_title") == value, (record_id, row)


# -- 1. initial pull ----------------------------------------------------------------------------


def _initial_pull(report: Report, server: SandboxProcess, folder: Path) -> Path:
    counts = object_counts(server)
    assert sum(counts.values()) == RECORDS, counts
    bare, full, phase = [], [], []
    path = folder / "pull-0.sqlite"
    for run in range(PULL_REPEAT):
        fetched, requests, seconds = bare_page_all(server)
        assert fetched == RECORDS
        bare.append(seconds)
        path = folder / f"pull-{run}.sqlite"
        # Each run as a fresh app process meets it: the email and phone checks' memos empty.
        assert cold_codec_caches(), "no codec caches found to empty: the runs after the first would be warm"
        with Store.open(path) as store:
            engine = _engine(store, server)
            with _profiled("initial_pull") if run == 0 else nullcontext():
                elapsed, records_phase, pulled = _sync(engine)
            engine.backend.close()
        assert pulled >= RECORDS, pulled
        full.append(elapsed)
        phase.append(records_phase)
        print(f"#   initial pull run {run + 1}: sync {elapsed:.2f} s (records phase {records_phase:.2f} s), "
              f"bare loop {seconds:.2f} s", flush=True)
    for old in range(PULL_REPEAT - 1):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{folder / f'pull-{old}.sqlite'}{suffix}").unlink(missing_ok=True)
    split = ", ".join(f"{slug} {counts[slug]:,}" for slug in OBJECTS)
    ratios = ", ".join(f"{a / b:.2f}×" for a, b in zip(full, bare, strict=True))
    report.add(Figure("sync.initial_pull_100k", _median(full), "s", _median(bare),
                      f"bare httpx paging loop ({requests} GETs, decode only)", "≤ 1.25×",
                      f"whole SyncEngine.sync() into a fresh store ({split}), value-codec caches emptied before "
                      f"each run; median of {PULL_REPEAT}; sync {_spread(full)}; bare {_spread(bare)}; "
                      f"per-run ratios {ratios}"))
    report.add(Figure("sync.initial_pull_100k_records_phase", _median(phase), "s", _median(bare),
                      "bare httpx paging loop", "≤ 1.25×",
                      f"only the Puller.pull_records calls of the same syncs; {_spread(phase)}; "
                      f"pulled {pulled:,} (offset pages overlap, so some rows come twice)"))
    return path


# -- 2. a sync after 100 server-side changes ----------------------------------------------------------


def _incremental(report: Report, server: SandboxProcess, store: Store) -> None:
    engine = _engine(store, server)
    probe_started = time.perf_counter()
    caps = engine.capabilities
    probe = time.perf_counter() - probe_started
    assert caps.changed_since("people"), "the default sandbox should honour 'changed since'"
    report.add(Figure("sync.capability_probe", probe, "s", None, "", "",
                      "first sync of a new SyncEngine only (probe_capabilities); reused engines skip it"))
    ids = record_ids(server, "people", CHANGES * INCREMENTAL_REPEAT, offset=5_000)
    syncs, phases, bases = [], [], []
    for run in range(INCREMENTAL_REPEAT):
        batch = ids[run * CHANGES : (run + 1) * CHANGES]
        expected = _patch_people(server, batch, f"Incremental {run}")
        elapsed, records_phase, pulled = _sync(engine)
        _check_pulled(store, expected)
        bases.append(bare_get_each(server, "people", batch))
        syncs.append(elapsed)
        phases.append(records_phase)
        print(f"#   incremental run {run + 1}: sync {elapsed:.3f} s (records phase {records_phase:.3f} s, "
              f"{pulled} pulled), bare GETs {bases[-1]:.3f} s", flush=True)
    engine.backend.close()
    report.add(Figure("sync.after_100_changes", _median(syncs), "s", _median(bases),
                      f"bare GET of each of the {CHANGES} records (sequential, keep-alive)", "≤ 1 s and ≤ 3×",
                      f"whole sync() with 'changed since', engine reused (no probe); median of "
                      f"{INCREMENTAL_REPEAT}; {_spread(syncs)}; bare {_spread(bases)}"))
    report.add(Figure("sync.after_100_changes_records_phase", _median(phases), "s", _median(bases),
                      f"bare GET of each of the {CHANGES} records", "≤ 3×",
                      f"only the Puller.pull_records calls; {_spread(phases)}"))


def _strict(report: Report, server: SandboxProcess, store: Store) -> None:
    engine = _engine(store, server)
    assert not engine.capabilities.changed_since("people"), "--strict should make 'changed since' useless"
    ids = record_ids(server, "people", CHANGES * STRICT_REPEAT, offset=20_000)
    syncs, phases, bases = [], [], []
    for run in range(STRICT_REPEAT):
        batch = ids[run * CHANGES : (run + 1) * CHANGES]
        expected = _patch_people(server, batch, f"Strict {run}")
        bases.append(bare_page_all(server)[2])
        with _profiled("strict_sync") if run == 0 else nullcontext():
            elapsed, records_phase, _pulled = _sync(engine)
        _check_pulled(store, expected)
        syncs.append(elapsed)
        phases.append(records_phase)
        print(f"#   strict run {run + 1}: sync {elapsed:.2f} s (records phase {records_phase:.2f} s), "
              f"bare loop {bases[-1]:.2f} s", flush=True)
    engine.backend.close()
    report.add(Figure("sync.after_100_changes_strict", _median(syncs), "s", _median(bases),
                      "bare httpx paging loop", "≤ 1.25×",
                      f"--strict sandbox: a full scan over an existing 100k store; median of {STRICT_REPEAT}; "
                      f"{_spread(syncs)}; bare {_spread(bases)}"))
    report.add(Figure("sync.after_100_changes_strict_records_phase", _median(phases), "s", _median(bases),
                      "bare httpx paging loop", "≤ 1.25×", f"only the Puller.pull_records calls; {_spread(phases)}"))


# -- 3. push -------------------------------------------------------------------------------------------


def _app_push(server: SandboxProcess, store: Store, engine: SyncEngine, ids: list[str], tag: str,
              profile: bool) -> tuple[float, float]:
    """Queue one edit per record through store.edits, then ``Pusher.push()`` them; (push seconds,
    queueing seconds). Checks the outbox emptied and the server holds the last edit."""
    started = time.perf_counter()
    for i, record_id in enumerate(ids):
        store.edits.update_record(record_id, {"job_title": f"{tag} {i}"})
    queueing = time.perf_counter() - started
    assert store.outbox.count() == len(ids)
    pusher = Pusher(store, engine.backend, engine.capabilities)
    with _profiled("push") if profile else nullcontext():
        started = time.perf_counter()
        result = pusher.push()
        elapsed = time.perf_counter() - started
    assert result.pushed == len(ids) and store.outbox.count() == 0, result
    with server.client() as client:
        body = client.get(f"/objects/people/records/{ids[-1]}").json()["data"]
    assert body["values"]["job_title"] == f"{tag} {len(ids) - 1}", body["values"]
    return elapsed, queueing


def _push(report: Report, server: SandboxProcess, store: Store) -> None:
    """``Pusher.push()`` of EDITS queued edits vs a bare httpx loop with as many PATCHes in flight as
    the pusher sends (``write_concurrency``), which goes first alternating; the sequential bare loop
    is run too, for the note."""
    engine = _engine(store, server)
    in_flight = max(1, engine.capabilities.write_concurrency)
    ids = record_ids(server, "people", EDITS, offset=30_000)
    pushes, bases, sequential, queueing = [], [], [], []
    for run in range(PUSH_REPEAT):
        edits = [(rid, {"job_title": f"Bare {run} {i}"}) for i, rid in enumerate(ids)]
        sequential.append(bare_patch_loop(server, "people", edits))
        if run % 2 == 1:
            bases.append(bare_concurrent_patch_loop(server, "people", edits, in_flight))
        pushed, queued = _app_push(server, store, engine, ids, f"Pushed {run}", profile=run == 0)
        pushes.append(pushed)
        queueing.append(queued)
        if run % 2 == 0:
            bases.append(bare_concurrent_patch_loop(server, "people", edits, in_flight))
        print(f"#   push run {run + 1}: Pusher.push {pushes[-1]:.2f} s, bare PATCH loop {in_flight} in flight "
              f"{bases[-1]:.2f} s, sequential {sequential[-1]:.2f} s (queueing the edits {queueing[-1]:.2f} s)",
              flush=True)
    engine.backend.close()
    ratios = [p / b for p, b in zip(pushes, bases, strict=True)]
    report.add(Figure("sync.push_1000_edits", _median(pushes), "s", _median(bases),
                      f"bare httpx PATCH loop of the same {EDITS:,} edits, {in_flight} in flight (a thread pool of "
                      f"{in_flight} over one client)", "≤ 1.0×",
                      f"Pusher.push() after a completed pull (one text field on {EDITS:,} people; the pusher sends "
                      f"write_concurrency={in_flight} at once, in batches of {PARALLEL_BATCH} written down together); "
                      f"median of {PUSH_REPEAT}, which goes first alternating; {_spread(pushes)} (spread "
                      f"{max(pushes) - min(pushes):.2f} s); bare {_spread(bases)} (spread {max(bases) - min(bases):.2f}"
                      f" s); per-run ratios {', '.join(f'{r:.2f}×' for r in ratios)}; the sequential bare loop "
                      f"{_spread(sequential)}; queueing via store.edits took {_spread(queueing)} (not in the figure)"))


# -- 4. the GUI thread while the worker pulls ---------------------------------------------------------------


def _gui_stall(report: Report, server: SandboxProcess, folder: Path) -> dict[str, Any]:
    result = run_gui_stall(server, folder, IDLE_SECONDS, STALL_TIMEOUT_S)
    assert result["stopped"] and result["status"] == SyncStatus.SYNCED.value, result
    assert result["pulled"] >= RECORDS, result
    busy, idle = result["busy"], result["idle"]
    report.add(Figure("sync.gui_stall_max_worker_only", max(busy), "ms", max(idle),
                      f"same timer, idle for {IDLE_SECONDS:.0f} s",
                      "≤ 50 ms", f"1 ms PreciseTimer in the GUI thread (own process, offscreen) while "
                      f"SyncController's worker ran a first full sync of {result['pulled']:,} records "
                      f"({result['elapsed']:.1f} s, {len(busy):,} ticks, {result['progress']} progress signals); "
                      f"longest GC pause {result['gc_max_ms']:.1f} ms ({result['gc_over_16ms']} over 16 ms)"))
    report.add(Figure("sync.gui_stall_p99_worker_only", percentile(busy, 99), "ms", percentile(idle, 99),
                      "same timer, idle", "≤ 16 ms",
                      f"p50 {percentile(busy, 50):.2f} ms, p95 {percentile(busy, 95):.2f} ms, "
                      f"ticks late > 16 ms: {sum(1 for x in busy if x > 16)}"))
    return result


# -- 5. issue 13 on the strict sandbox: the periodic scan, and an edit's way to the server ----------------------


class _Clock:
    """The engine's ``now``, moved on by the benchmark: each scan is due without waiting 15 minutes."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> str:
        return self.moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.moment.microsecond // 1000:03d}Z"


def _background_scan(report: Report, server: SandboxProcess, store: Store) -> None:
    clock = _Clock()
    engine = SyncEngine(store, open_backend("aria", server.url, server.admin_token),
                        scan_interval=DEFAULT_SCAN_INTERVAL, collections_interval=DEFAULT_SCAN_INTERVAL, now=clock)
    assert not engine.capabilities.changed_since("people"), "--strict should make 'changed since' useless"
    phases, bases, rounds = [], [], []
    for run in range(SCAN_REPEAT):
        bases.append(bare_page_all(server)[2])
        clock.moment += DEFAULT_SCAN_INTERVAL + timedelta(minutes=1)  # the scan is due
        spent: list[float] = []
        with _timed_pull_records(spent):
            started = time.perf_counter()
            result = engine.sync()
            rounds.append(time.perf_counter() - started)
        assert result.status is SyncStatus.SYNCED, result.summary()
        assert result.pulled >= RECORDS and not result.changes.objects, "the workspace was not unchanged"
        phases.append(sum(spent))
        print(f"#   background scan run {run + 1}: records phase {phases[-1]:.2f} s (round {rounds[-1]:.2f} s), "
              f"bare loop {bases[-1]:.2f} s", flush=True)
    engine.backend.close()
    report.add(Figure("sync.background_scan_strict_100k", _median(phases), "s", _median(bases),
                      "bare httpx paging loop", "≤ 1.1×",
                      f"--strict sandbox, unchanged 100k workspace: the records phase (Puller.pull_records) of "
                      f"a due periodic scan (the worker's 15-minute cadence, clock moved on); median of "
                      f"{SCAN_REPEAT}; {_spread(phases)}; bare {_spread(bases)}; whole rounds {_spread(rounds)}"))


def _edit_to_server(report: Report, server: SandboxProcess, store_path: Path) -> None:
    result = run_edit_latency(server, store_path, EDIT_REPEAT, EDIT_TIMEOUT_S)
    assert result["stopped"] and set(result["statuses"]) == {SyncStatus.SYNCED.value}, result
    latencies, bare = result["latencies"], result["bare"]
    report.add(Figure("sync.edit_to_server_strict_100k", _median(latencies), "s", _median(bare),
                      "one bare httpx PATCH of the same record", "≤ 2 s",
                      f"--strict sandbox, 100k records: store.edits.update_record on a GUI-thread connection + "
                      f"SyncController.local_edit() until a separate client GETs the new value (worker idle "
                      f"after its start-up sync of {result['first_sync']:.1f} s; 600 ms of typing debounce "
                      f"included); median of {EDIT_REPEAT}; {_spread(latencies)}; bare "
                      f"{_spread([b * 1000 for b in bare], 'ms')}"))


# -- 6. issue 18: what field history costs a pull -----------------------------------------------------------


@contextmanager
def _history_off() -> Iterator[None]:
    """The baseline: ``put_server_page`` as it was before field history (no diff, no rows)."""
    with mock.patch("crmdesk.store.records.value_changes", lambda *args, **kwargs: []):
        yield


def _history_initial_pull(report: Report, server: SandboxProcess, folder: Path) -> Path:
    """Initial pulls with history and without, alternating (the first of each pair varies)."""
    timings: dict[bool, list[float]] = {True: [], False: []}
    path = folder / "history-on-0.sqlite"
    for run in range(HISTORY_PULLS):
        for history in ((True, False) if run % 2 == 0 else (False, True)):
            path = folder / f"history-{'on' if history else 'off'}-{run}.sqlite"
            with Store.open(path) as store, (nullcontext() if history else _history_off()):
                engine = _engine(store, server)
                elapsed, _phase, pulled = _sync(engine)
                engine.backend.close()
                assert pulled >= RECORDS and store.history.count() == 0, "a first pull has no old values"
            timings[history].append(elapsed)
            print(f"#   initial pull run {run + 1}, history {'on' if history else 'off'}: {elapsed:.2f} s", flush=True)
    on, off = timings[True], timings[False]
    report.add(Figure("sync.initial_pull_100k_history", _median(on), "s", _median(off),
                      "the same initial pull with the history diff switched off", "≤ 1.1×",
                      f"whole SyncEngine.sync() into a fresh store; median of {HISTORY_PULLS}; "
                      f"with {_spread(on)}; without {_spread(off)}"))
    return folder / f"history-on-{HISTORY_PULLS - 1}.sqlite"


def _history_repull(report: Report, server: SandboxProcess, store: Store) -> None:
    """A full scan of the 100k workspace after ~1,000 server-side changes: history written vs not."""
    engine = _engine(store, server)
    assert not engine.capabilities.changed_since("people"), "--strict should make 'changed since' useless"
    ids = record_ids(server, "people", HISTORY_CHANGES, offset=40_000)
    timings: dict[bool, list[float]] = {True: [], False: []}
    phases: dict[bool, list[float]] = {True: [], False: []}
    for run in range(HISTORY_REPEAT):
        for history in ((True, False) if run % 2 == 0 else (False, True)):
            expected = _patch_people(server, ids, f"History {run} {history}")
            before = store.history.count()
            with nullcontext() if history else _history_off():
                elapsed, records_phase, _pulled = _sync(engine)
            _check_pulled(store, expected)
            written = store.history.count() - before
            assert written == (len(ids) if history else 0), written
            timings[history].append(elapsed)
            phases[history].append(records_phase)
            print(f"#   re-pull run {run + 1}, history {'on' if history else 'off'}: {elapsed:.2f} s "
                  f"(records phase {records_phase:.2f} s, {written} history rows)", flush=True)
    engine.backend.close()
    on, off = timings[True], timings[False]
    report.add(Figure("sync.repull_100k_1000_changed_history", _median(on), "s", _median(off),
                      "the same re-pull with the history diff switched off", "≤ 1.1×",
                      f"--strict sandbox: a full scan of the 100k workspace after {len(ids):,} people's job titles "
                      f"changed on the server ({len(ids):,} history rows written); median of {HISTORY_REPEAT}; "
                      f"with {_spread(on)}; without {_spread(off)}; records phase with "
                      f"{_spread(phases[True])}, without {_spread(phases[False])}"))


def _history_only(report: Report, folder: Path) -> None:
    sandbox_db = folder / "sandbox.sqlite"
    with sandbox_process(RECORDS, SEED, db=sandbox_db) as server:
        store_path = _history_initial_pull(report, server, folder)
    with sandbox_process(RECORDS, SEED, strict=True, db=sandbox_db) as server, Store.open(store_path) as store:
        _history_repull(report, server, store)


def _strict_scan_only(report: Report, folder: Path) -> None:
    """Only the figures of 5, on a strict sandbox of their own, after a first full sync."""
    started = time.perf_counter()
    with sandbox_process(RECORDS, SEED, strict=True, db=folder / "sandbox.sqlite") as server:
        print(f"#   strict sandbox ({RECORDS:,} records) up in {time.perf_counter() - started:.1f} s", flush=True)
        store_path = folder / "strict.sqlite"
        with Store.open(store_path) as store:
            elapsed, _phase, pulled = _sync(_engine(store, server))
            print(f"#   first full sync {elapsed:.1f} s ({pulled:,} records)", flush=True)
            _background_scan(report, server, store)
        _edit_to_server(report, server, store_path)


def _pull_only(report: Report, folder: Path) -> None:
    """Issue 19's sync figures alone: the initial pull, the strict rescan after 100 changes and the
    push, on the same sandboxes as the whole module (a few minutes instead of a quarter hour)."""
    sandbox_db = folder / "sandbox.sqlite"
    with sandbox_process(RECORDS, SEED, db=sandbox_db) as server:
        store_path = _initial_pull(report, server, folder)
        with Store.open(store_path) as store:
            _push(report, server, store)
    with sandbox_process(RECORDS, SEED, strict=True, db=sandbox_db) as server, Store.open(store_path) as store:
        _strict(report, server, store)


def run(report: Report) -> None:
    report.section("Sync engine")
    if os.environ.get(ONLY_ENV) == "strict_scan":
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as name:
            _strict_scan_only(report, Path(name))
        return
    if os.environ.get(ONLY_ENV) == "pull":
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as name:
            _pull_only(report, Path(name))
        return
    if os.environ.get(ONLY_ENV) == "history":
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as name:
            _history_only(report, Path(name))
        return
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as name:
        folder = Path(name)
        sandbox_db = folder / "sandbox.sqlite"
        started = time.perf_counter()
        with sandbox_process(RECORDS, SEED, db=sandbox_db) as server:
            print(f"#   sandbox ({RECORDS:,} records) up in {time.perf_counter() - started:.1f} s", flush=True)
            store_path = _initial_pull(report, server, folder)
            gui = _gui_stall(report, server, folder)
            with Store.open(store_path) as store:
                _incremental(report, server, store)
                _push(report, server, store)
        # The same workspace (same file), served the way the real server behaves.
        with sandbox_process(RECORDS, SEED, strict=True, db=sandbox_db) as server:
            with Store.open(store_path) as store:
                _strict(report, server, store)
                _background_scan(report, server, store)
            _edit_to_server(report, server, store_path)
    report.add(Figure("sync.peak_rss_app_process", gui["peak_rss_mib"], "MiB", None, "", "",
                      "the GUI-stall process: Qt + SyncController worker after a first 100k sync"))
    report.add(Figure("sync.peak_rss", peak_rss_mib(), "MiB", None, "", "",
                      "this benchmark's client process (three 100k pulls, pushes); the sandbox is another process"))


if __name__ == "__main__":
    # ``python -m benchmarks.bench_sync``: only the strict-scan figures (5), printed as JSON lines.
    os.environ[ONLY_ENV] = "strict_scan"
    figures = Report()
    run(figures)
    for figure in figures.figures:
        print(f"# {figure.bench}: {figure.note}", flush=True)
