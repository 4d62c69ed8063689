"""The sync engine against the atomic facade (BasicsOS) with 20,000 records, in its own process.

``sync.atomic_initial_pull_20k``: ``SyncEngine(store, open_backend("atomic", url, token)).sync()``
into a fresh store, vs a bare httpx loop doing the same HTTP work minus the app: paging
``/api/contacts``, ``/api/companies``, ``/api/deals``, then ``contact_notes``, ``company_notes``,
``deal_notes`` and ``tasks`` with what the adapter sends (``sort=id&order=DESC``,
``range=[first,last]`` windows of ``MAX_PAGE`` rows, each window starting ``OVERLAP`` rows before
the end of the last, the scan ending when the rows reach the ``Content-Range`` total) and
decoding each page's JSON, storing nothing.

Concurrency: the puller runs the records' page iterator in one prefetch thread
(``sync.prefetch.prefetched``), so request, JSON decode and model decode of a page happen one
after another in that thread, overlapping only the SQLite writes of the page before; the built-in
resources page without ``ahead`` (no second request in flight), and notes and tasks are paged
without prefetch. The baseline has no writes to overlap, so it is one sequential loop — the same
concurrency as the engine's fetching thread.

The sandbox's rate limit is off (as in the demo). The client's own limiter is on, as a user meets
it (``remote.atomic.adapter.RATE_LIMITS``: at most 175 requests in any minute); a pull of this size
asks fewer than that, so it never waits. Were it to wait, the figure would show it.

``python -m benchmarks.bench_sync_atomic`` runs it alone and prints the figures.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks import dialect_pull as pull
from benchmarks.report import Figure, Report, peak_rss_mib
from benchmarks.sync_support import SandboxProcess, sandbox_process
from crmdesk.remote.atomic.resources import BUILTIN
from crmdesk.remote.atomic.session import MAX_PAGE
from crmdesk.remote.dialects import open_backend
from crmdesk.remote.paging import OVERLAP
from crmdesk.remote.transport import ACCEPT_ENCODING
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pull import Puller

REPEAT = 3
#: In the order the engine pulls them: the objects (as ``load_objects`` lists them), then notes
#: (``iter_notes``: by object) and tasks.
RECORD_RESOURCES = tuple(resource.name for resource in BUILTIN)
COLLECTION_RESOURCES = (*(resource.notes[0] for resource in BUILTIN if resource.notes), "tasks")


# -- the atomic sandbox in a child process ----------------------------------------------------------


def atomic_sandbox(records: int, seed: int) -> AbstractContextManager[SandboxProcess]:
    """``crmdesk sandbox --dialect atomic`` (no rate limit) on a free port in a child process, so
    the client measured and the server answering it do not share one GIL."""
    return sandbox_process(records, seed, dialect="atomic", ready="/me")


def _client(server: SandboxProcess) -> httpx.Client:
    """The API asked as the adapter asks it: JSON, compressed."""
    return server.client(headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING})


# -- the baseline ---------------------------------------------------------------------------------------


def _total(response: httpx.Response) -> int:
    return int(response.headers["content-range"].rsplit("/", 1)[1])


def bare_page_atomic(server: SandboxProcess) -> tuple[int, int, float]:
    """Every row of the records, notes and tasks resources with the adapter's windows, decoded and
    dropped, sequentially on one keep-alive connection: (rows received, requests, seconds)."""
    rows = requests = 0
    started = time.perf_counter()
    with _client(server) as client:
        for resource in RECORD_RESOURCES + COLLECTION_RESOURCES:
            offset = 0
            while True:
                response = client.get(f"/{resource}", params={"sort": "id", "order": "DESC",
                                                              "range": f"[{offset},{offset + MAX_PAGE - 1}]"})
                response.raise_for_status()
                page = response.json()
                requests += 1
                rows += len(page)
                if len(page) < MAX_PAGE or offset + len(page) >= _total(response):
                    break
                offset += len(page) - OVERLAP
    return rows, requests, time.perf_counter() - started


def _unique_rows(server: SandboxProcess) -> dict[str, int]:
    """Each resource's Content-Range total, outside any timing."""
    with _client(server) as client:
        return {resource: _total(client.get(f"/{resource}", params={"sort": "id", "order": "DESC",
                                                                    "range": "[0,0]"}))
                for resource in RECORD_RESOURCES + COLLECTION_RESOURCES}


# -- the app ------------------------------------------------------------------------------------------


@dataclass
class _Sync:
    seconds: float
    records_phase: float
    collections_phase: float
    requests: int
    pulled: int


def _sync(server: SandboxProcess, path: Path) -> _Sync:
    """One whole ``SyncEngine.sync()`` into a fresh store at ``path``, the codec caches cold."""
    assert pull.cold_codec_caches(), "no codec caches found to empty: the runs after the first would be warm"
    statuses: list[int] = []
    with Store.open(path) as store, pull.watching(statuses):
        engine = SyncEngine(store, open_backend("atomic", server.url, server.admin_token))
        _result, elapsed, spent = pull.timed_sync(engine, records=[(Puller, "pull_records")],
                                             collections=[(Puller, "pull_notes"), (Puller, "pull_tasks")])
        engine.backend.close()
        stored = sum(len(store.records.ids(resource.object_slug)) for resource in BUILTIN)
        notes, tasks = len(store.notes.by_id()), len(store.tasks.ids())
    return _Sync(elapsed, spent["records"], spent["collections"], len(statuses), stored + notes + tasks)


def run(report: Report) -> None:
    with pull.sandbox_folder(report, "atomic", atomic_sandbox(pull.RECORDS, pull.SEED),
                             f"{pull.RECORDS:,} records") as (folder, server):
        totals = _unique_rows(server)
        expected = sum(totals.values())
        bare: list[float] = []  # measured just before each sync
        synced: list[_Sync] = []
        rows = requests = 0
        for run_index in range(REPEAT):
            path = folder / f"pull-{run_index}.sqlite"
            rows, requests, seconds = bare_page_atomic(server)
            bare.append(seconds)
            synced.append(_sync(server, path))
            pull.forget(path)
            assert synced[-1].pulled == expected, (synced[-1].pulled, totals)
            print(f"#   run {run_index + 1}: sync {synced[-1].seconds:.2f} s ({synced[-1].requests} requests; records "
                  f"phase {synced[-1].records_phase:.2f} s, notes+tasks {synced[-1].collections_phase:.2f} s; bare "
                  f"loop before it {seconds:.2f} s, {requests} GETs, {rows:,} rows received, windows overlap by "
                  f"{OVERLAP})", flush=True)
    split = ", ".join(f"{resource} {count:,}" for resource, count in totals.items())
    label = f"bare httpx range-paging loop ({requests} GETs of ≤ {MAX_PAGE} rows, sequential, JSON decode only)"
    report.add(pull.pull_figure(
        "sync.atomic_initial_pull_20k", [s.seconds for s in synced], bare, label,
        "≤ 1.5× (a fair first target for a second dialect)",
        f"whole SyncEngine(store, open_backend('atomic', …)).sync() into a fresh store (value-codec caches "
        f"emptied before each run, as in a fresh app process), sandbox rate limit off, the client's own "
        f"limiter on (175 requests in any minute; this pull asks {synced[-1].requests}, so it never waits); "
        f"{split}",
        f"records phase {pull.spread([s.records_phase for s in synced])}; notes+tasks "
        f"{pull.spread([s.collections_phase for s in synced])}"))
    report.add(Figure("sync.atomic_peak_rss", peak_rss_mib(), "MiB", None, "", "",
                      f"this benchmark's client process ({REPEAT} pulls of {expected:,} rows); the sandbox is "
                      "another process"))


if __name__ == "__main__":
    pull.main(run)
