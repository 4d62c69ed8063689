"""``sync.push_offline_batch_4k``: sending a big offline batch (an import's, a workspace copy's) once
the server is there — 4,000 people made offline, each naming one of 400 companies made offline too,
pushed by ``SyncEngine.push()`` to an empty ``crmdesk sandbox`` (Aria) in a child process.

The baseline sends the same 4,400 creates straight through the Aria backend (``crmdesk.remote``:
its wire encoding, HTTP and idempotency keys; no workspace file), one at a time as the pusher sends
creates, each person's company rewritten to the id its create got — the work minus the app's
bookkeeping: writing down each answer, giving the record its server id everywhere it is named.

``sync.push_offline_batch_scaling``: the push's time per record at 4,000 against at 1,000 (the
baseline: the bare loop's, the same way): 1.0 when each record costs the same however long the
queue; it grew with the queue before schema v13 (6.3 → 7.8 ms a record).

``python -m benchmarks.bench_push_batch`` runs it alone and prints the figures.
"""

from __future__ import annotations

import statistics
import tempfile
import time

from benchmarks.report import Figure, Report
from benchmarks.sync_support import sandbox_process
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store

SIZES = (1_000, 4_000)
PAIRS = 3


def _people(count: int, companies: list[str]) -> list[dict[str, object]]:
    return [{"job_title": f"Person {i}", "company": companies[i % len(companies)]} for i in range(count)]


def _push(count: int) -> float:
    with sandbox_process(0) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        try:
            with open_workspace_store(Paths.resolve(tempfile.mkdtemp()), backend, "aria", server.url) as store:
                engine = SyncEngine(store, backend)
                engine.sync()
                companies = store.edits.create_records("companies", [{"name": f"Co {i}"} for i in range(count // 10)])
                store.edits.create_records("people", _people(count, companies))
                start = time.perf_counter()
                report = engine.push()
                took = time.perf_counter() - start
                assert report.pending == 0 and report.rejected == 0, report.summary()
                return took
        finally:
            backend.close()


def _bare(count: int) -> float:
    with sandbox_process(0) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        try:
            backend.objects()
            start = time.perf_counter()
            companies = [backend.create_record("companies", {"name": f"Co {i}"}, f"c{i}").id
                         for i in range(count // 10)]
            for i, values in enumerate(_people(count, companies)):
                backend.create_record("people", values, f"p{i}")
            return time.perf_counter() - start
        finally:
            backend.close()


def run(report: Report) -> None:
    pushes: dict[int, list[float]] = {n: [] for n in SIZES}
    bares: dict[int, list[float]] = {n: [] for n in SIZES}
    for _ in range(PAIRS):
        for n in SIZES:
            pushes[n].append(_push(n))
            bares[n].append(_bare(n))
            print(f"{n:,}: push {pushes[n][-1]:.2f} s, bare {bares[n][-1]:.2f} s", flush=True)
    small, big = SIZES
    push, bare = statistics.median(pushes[big]), statistics.median(bares[big])
    report.add(Figure(f"sync.push_offline_batch_{big // 1000}k", push, "s", bare,
                      "the same creates through the backend alone", "",
                      f"{big:,} people + {big // 10:,} companies made offline, each person naming one; "
                      f"median of {PAIRS} (push {', '.join(f'{t:.1f}' for t in pushes[big])} s; "
                      f"bare {', '.join(f'{t:.1f}' for t in bares[big])} s)"))
    per_record = [statistics.median(pushes[n]) / (n * 1.1) for n in SIZES]
    bare_per_record = [statistics.median(bares[n]) / (n * 1.1) for n in SIZES]
    report.add(Figure("sync.push_offline_batch_scaling", per_record[1] / per_record[0], "×",
                      bare_per_record[1] / bare_per_record[0], "the bare loop's own ratio", "≈ 1",
                      f"the push's time per record at {big:,} over at {small:,} "
                      f"({per_record[0] * 1000:.2f} → {per_record[1] * 1000:.2f} ms a record); the baseline "
                      f"is the same ratio of the bare loop ({bare_per_record[0] * 1000:.2f} → "
                      f"{bare_per_record[1] * 1000:.2f} ms)"))


if __name__ == "__main__":
    run(Report())
