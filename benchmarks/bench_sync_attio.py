"""The sync engine against the attio facade (Attio REST v2) with 20,000 records, in its own process.

``sync.attio_initial_pull_20k``: ``SyncEngine(store, open_backend("attio", url, token)).sync()``
into a fresh workspace file, against ``crmdesk sandbox --dialect attio --records 20000
--rate-limit`` in a child process (the demo: 11,000 people, 4,000 companies, 5,000 deals, two
lists with 400 entries, 2,000 notes, 1,000 tasks). Its baseline, measured just before each sync
in the same run, is a bare httpx loop making the same requests the sync makes, in the same
order, with the same concurrency, and ``json.loads`` of each answer, storing nothing:

- includes: ``GET /v2/self`` twice (the capability probe, then the schema step's workspace);
  ``GET /v2/workspace_members``; ``GET /v2/objects``, each object's ``…/attributes`` and each
  select's ``…/options`` or status's ``…/statuses`` (``show_archived=true``); ``GET /v2/lists``
  and the same per list; then per object ``POST /v2/objects/{object}/records/query`` with
  ``{"limit": 500, "offset": o, "sorts": [{"direction": "desc", "attribute": "created_at"}]}``;
  then per list ``POST /v2/lists/{list}/entries/query`` (the same body); ``GET /v2/notes``
  (``limit=50``); ``GET /v2/tasks`` (``sort=created_at:desc``, ``limit=500``).
- windows as ``crmdesk.remote.paging.offset_pages`` steps them for a server that sends no total:
  each next window starts a tenth of a page before the end of the last (``offset += rows - 50``
  for 500, ``- 5`` for notes' 50), the scan ending at a short page.
- concurrency as the adapter's: record queries are paged with ``ahead=True``, so ``_Ahead``'s pool
  of two threads asks for the next window and a guess at the one after while a page is handed on
  (at most two requests in flight; at each object's end the guess past it is sent too, and
  waited for, as ``_Ahead.close`` waits); entries, notes and tasks are paged one request at a
  time. The engine runs the records' page iterator in a prefetch thread and writes SQLite in its
  own; the baseline has no writes, so its paging loop runs in the calling thread.
- excludes: everything the app does with an answer after ``json.loads`` — the transport's checks
  (size limit, JSON depth), the pager's seen-row bookkeeping, flattening Attio's id objects,
  decoding values into the model, SQLite writes and indexing, the deletion sweep — and the
  client's own rate limiter (``remote.attio.adapter.RATE_LIMITS``, 90 reads and 22 writes a
  second). The limiter's waits are measured and shown (they are part of the figure, not of the
  baseline); no request of either side is retried.

The sandbox keeps Attio's rate limit (``--rate-limit``: 100 reads and 25 writes a second per
token, 429 with ``Retry-After`` past it); every answer of the sync and of the bare loop is
counted, and a 429 in either is shown (it must be 0). Notifications: Attio's API has none (no
request); the push round finds an empty outbox (no request).

``sync.attio_after_no_changes_20k``: a second ``sync()`` of the same engine over the workspace
the first one filled (as the window's worker reuses its engine, so no capability probe), the
server unchanged. Attio keeps no update time, so it is the same full scan; its baseline is the
same bare loop without the probe's ``GET /v2/self``, measured just before it.

``python -m benchmarks.bench_sync_attio`` runs it alone and prints the figures;
``python -m benchmarks.bench_sync_attio --profile`` runs one first sync under cProfile (every
thread) and prints the top functions by cumulative time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import httpx

from benchmarks import dialect_pull as pull
from benchmarks.report import Report
from benchmarks.sync_support import SandboxProcess, sandbox_process
from crmdesk.remote.attio.adapter import RATE_LIMITS
from crmdesk.remote.attio.objects import CHOICES
from crmdesk.remote.attio.session import MAX_PAGE, MAX_SMALL_PAGE
from crmdesk.remote.dialects import open_backend
from crmdesk.remote.ratelimit import RateLimiter
from crmdesk.remote.transport import ACCEPT_ENCODING
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pull import Puller


def sorts(tie_break: str | None) -> list[dict[str, str]]:
    """The sort every query of ``AttioSession.scan`` sends: newest first, records' ties by id."""
    first = [{"direction": "desc", "attribute": "created_at"}]
    return [*first, {"direction": "desc", "attribute": tie_break}] if tie_break else first


# -- the attio sandbox in a child process -------------------------------------------------------------


def attio_sandbox(records: int, seed: int) -> AbstractContextManager[SandboxProcess]:
    """``crmdesk sandbox --dialect attio --rate-limit`` on a free port in a child process (so the
    client measured and the server answering it do not share one GIL), up once ``GET /v2/self``
    answers."""
    return sandbox_process(records, seed, dialect="attio", ready="/self", rate_limit=True)


def _client(server: SandboxProcess) -> httpx.Client:
    """The API asked as the adapter asks it: JSON, compressed if the server would."""
    return server.client(headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING})


# -- the baseline ---------------------------------------------------------------------------------------


@dataclass
class _Tally:
    """What a bare run sent and received (thread-safe: the record pages come from two threads)."""

    requests: int = 0
    rows: int = 0
    throttled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, response: httpx.Response, rows: int) -> None:
        with self.lock:
            self.requests += 1
            self.rows += rows
            self.throttled += response.status_code == 429


def _decoded(client: httpx.Client, tally: _Tally, method: str, path: str, *,
             params: dict[str, Any] | None = None, body: Any = None) -> Any:
    response = client.request(method, path, params=params, json=body)
    data = json.loads(response.content)
    rows = data.get("data") if isinstance(data, dict) else None
    tally.answer(response, len(rows) if isinstance(rows, list) else 0)
    response.raise_for_status()
    return data


def _paged(fetch: Callable[[int, int], list[Any]], limit: int, *, ahead: bool,
           on_rows: Callable[[list[Any]], None] | None = None) -> None:
    """``offset_pages``' windows for a server without a total (a tenth of a page of overlap, the
    end at a short page); ``ahead``: ``_Ahead``'s two threads asking for the next window and the
    one after while a page is handed on, their answers used for exactly those windows."""
    gap = max(1, limit // 10)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bare-page") if ahead else None
    started: dict[int, Future[list[Any]]] = {}
    offset = 0
    try:
        while True:
            future = started.pop(offset, None)
            rows = fetch(offset, limit) if future is None else future.result()
            if on_rows is not None:
                on_rows(rows)
            if len(rows) < limit:
                return
            offset += len(rows) - gap
            if pool is not None:
                wanted = (offset, offset + limit - gap)
                for key in [k for k in started if k not in wanted]:
                    started.pop(key).cancel()
                for key in wanted:
                    if key not in started:
                        started[key] = pool.submit(fetch, key, limit)
    finally:
        if pool is not None:
            # ``_Ahead.close`` cancels what has not started, but the adapter's guess past the end is
            # always under way by then (the pager decodes a page between asking and taking); this
            # loop decodes nothing in between, so it lets the guess run rather than sometimes cancel
            # it: the same requests every time.
            pool.shutdown(wait=True)


def _schema_reads(client: httpx.Client, tally: _Tally) -> tuple[list[str], list[str]]:
    """The schema step's GETs (``load_objects``, ``lists``): (object slugs, list ids) in order."""
    def attributes(target: str, identifier: str) -> None:
        for row in _decoded(client, tally, "GET", f"/{target}/{identifier}/attributes")["data"]:
            choice = CHOICES.get(str(row.get("type")))
            if choice is not None:
                _decoded(client, tally, "GET",
                         f"/{target}/{identifier}/attributes/{row['id']['attribute_id']}/{choice[0]}",
                         params={"show_archived": "true"})

    _decoded(client, tally, "GET", "/self")
    _decoded(client, tally, "GET", "/workspace_members")
    slugs = [row["api_slug"] for row in _decoded(client, tally, "GET", "/objects")["data"]]
    for slug in slugs:
        attributes("objects", slug)
    list_ids = [row["id"]["list_id"] for row in _decoded(client, tally, "GET", "/lists")["data"]]
    for list_id in list_ids:
        attributes("lists", list_id)
    return slugs, list_ids


def _query(client: httpx.Client, tally: _Tally, path: str, tie_break: str | None) -> Callable[[int, int], list[Any]]:
    def fetch(offset: int, limit: int) -> list[Any]:
        body = {"limit": limit, "offset": offset, "sorts": sorts(tie_break)}
        return list(_decoded(client, tally, "POST", path, body=body)["data"])

    return fetch


def _listing(client: httpx.Client, tally: _Tally, path: str, params: dict[str, Any]) -> Callable[[int, int], list[Any]]:
    def fetch(offset: int, limit: int) -> list[Any]:
        return list(_decoded(client, tally, "GET", path, params={**params, "limit": limit, "offset": offset})["data"])

    return fetch


def bare_sync_attio(server: SandboxProcess, *, probe: bool = True,
                    collect: dict[str, set[str]] | None = None) -> tuple[_Tally, float]:
    """The sync's requests, decoded and dropped (see the module's notes): (tally, seconds).
    ``collect``: the unique ids of every kind, for the counts (used outside any timing)."""
    tally = _Tally()

    def keep(kind: str, key: str) -> Callable[[list[Any]], None] | None:
        if collect is None:
            return None
        found = collect.setdefault(kind, set())
        return lambda rows: found.update(row["id"][key] for row in rows)

    started = time.perf_counter()
    with _client(server) as client:
        if probe:
            _decoded(client, tally, "GET", "/self")
        slugs, list_ids = _schema_reads(client, tally)
        for slug in slugs:
            _paged(_query(client, tally, f"/objects/{slug}/records/query", "record_id"), MAX_PAGE, ahead=True,
                   on_rows=keep(slug, "record_id"))
        for list_id in list_ids:
            _paged(_query(client, tally, f"/lists/{list_id}/entries/query", None), MAX_PAGE, ahead=False,
                   on_rows=keep(f"entries {list_id}", "entry_id"))
        _paged(_listing(client, tally, "/notes", {}), MAX_SMALL_PAGE, ahead=False, on_rows=keep("notes", "note_id"))
        _paged(_listing(client, tally, "/tasks", {"sort": "created_at:desc"}), MAX_PAGE, ahead=False,
               on_rows=keep("tasks", "task_id"))
    return tally, time.perf_counter() - started


# -- the app ------------------------------------------------------------------------------------------


@contextmanager
def _watching(statuses: list[int], limiter_waits: list[float]) -> Iterator[None]:
    """Every answer's status httpx receives (from any thread), and every wait of the client's
    rate limiter, while the block runs."""
    acquire = RateLimiter.acquire
    with pull.watching(statuses) as lock:

        def timed_acquire(self: RateLimiter, **kwargs: Any) -> float:
            waited = acquire(self, **kwargs)
            with lock:
                limiter_waits.append(waited)
            return waited

        with mock.patch.object(RateLimiter, "acquire", timed_acquire):
            yield


@dataclass
class _Sync:
    seconds: float
    schema_phase: float
    records_phase: float
    collections_phase: float
    requests: int
    throttled: int
    limiter_waited: float
    pulled: int


def _sync(engine: SyncEngine) -> _Sync:
    """One ``engine.sync()``, its phases timed, its answers and the limiter's waits counted."""
    statuses: list[int] = []
    waits: list[float] = []
    with _watching(statuses, waits):
        result, elapsed, spent = pull.timed_sync(
            engine, schema=[(Puller, "pull_schema")], records=[(Puller, "pull_records")],
            collections=[(Puller, "pull_entries"), (Puller, "pull_notes"), (Puller, "pull_tasks")])
    return _Sync(elapsed, spent["schema"], spent["records"], spent["collections"], len(statuses),
                 statuses.count(429), sum(waits), result.pulled)


def _stored(store: Store, slugs: list[str], list_ids: list[str]) -> dict[str, int]:
    counts = {slug: len(store.records.ids(slug)) for slug in slugs}
    counts.update({f"entries {list_id}": len(store.entries.ids(list_id)) for list_id in list_ids})
    counts.update(notes=len(store.notes.by_id()), tasks=len(store.tasks.ids()))
    return counts


def _one_run(server: SandboxProcess, path: Path, expected: dict[str, int], slugs: list[str],
             list_ids: list[str]) -> pull.Run[_Sync, _Tally]:
    """Bare loop, first sync into a fresh file (codec caches cold), bare loop without the probe,
    second sync of the same engine."""
    return pull.first_and_again(
        path, bare_first=lambda: bare_sync_attio(server), bare_again=lambda: bare_sync_attio(server, probe=False),
        backend=lambda: open_backend("attio", server.url, server.admin_token), sync=_sync,
        stored=lambda store: _stored(store, slugs, list_ids), expected=expected)


def _describe(sync: _Sync, bare: _Tally, bare_s: float) -> str:
    return (f"sync {sync.seconds:.2f} s ({sync.requests} requests, {sync.throttled} × 429, limiter waited "
            f"{sync.limiter_waited:.2f} s; schema {sync.schema_phase:.2f} s, records {sync.records_phase:.2f} s, "
            f"entries+notes+tasks {sync.collections_phase:.2f} s); bare loop before it {bare_s:.2f} s "
            f"({bare.requests} requests, {bare.throttled} × 429, {bare.rows:,} rows received)")


def _phases(syncs: list[_Sync]) -> str:
    return (f"schema phase {pull.spread([s.schema_phase for s in syncs])}; records phase "
            f"{pull.spread([s.records_phase for s in syncs])}; entries+notes+tasks "
            f"{pull.spread([s.collections_phase for s in syncs])}")


def _requests(syncs: list[_Sync], bares: list[_Tally]) -> str:
    waited = max(s.limiter_waited for s in syncs)
    return (f"{pull.request_counts([s.requests for s in syncs], [b.requests for b in bares])}; 429s seen: sync "
            f"{sum(s.throttled for s in syncs)}, bare {sum(b.throttled for b in bares)} (must be 0); the client's "
            f"limiter ({RATE_LIMITS.reads_per_second:.0f} reads/s) waited at most {waited:.2f} s in a sync")


def run(report: Report) -> None:
    with pull.sandbox_folder(report, "attio", attio_sandbox(pull.RECORDS, pull.SEED),
                        f"{pull.RECORDS:,} records, rate limit on") as (folder, server):
        unique: dict[str, set[str]] = {}
        bare_sync_attio(server, collect=unique)  # also warms the server, outside any timing
        expected = {kind: len(found) for kind, found in unique.items()}
        slugs = [kind for kind in expected if not kind.startswith("entries ") and kind not in ("notes", "tasks")]
        list_ids = [kind.removeprefix("entries ") for kind in expected if kind.startswith("entries ")]
        runs = pull.repeat_runs(folder, lambda path: _one_run(server, path, expected, slugs, list_ids), _describe)
    entries = sum(n for kind, n in expected.items() if kind.startswith("entries "))
    split = ", ".join([*(f"{kind} {n:,}" for kind, n in expected.items() if not kind.startswith("entries ")),
                       f"entries {entries:,} (in {len(list_ids)} lists)"])
    pull.first_and_again_figures(
        report, "attio", runs,
        label=(f"bare httpx loop of the same {runs[-1].bare_first.requests} requests (record queries two in flight "
               "as the adapter's pager, the rest sequential; json.loads only)"),
        target="≤ 1.5× (as for the atomic dialect)",
        first_note=(f"whole SyncEngine(store, open_backend('attio', …)).sync() into a fresh workspace file "
                    f"(value-codec caches emptied before each run), sandbox with Attio's rate limit on, the "
                    f"client's limiter on; {split}"),
        again_label="the same bare loop without the probe's GET /v2/self",
        again_note=("a second sync() of the same engine (no probe) over the workspace the first filled, nothing "
                    "changed on the server: Attio keeps no update time, so it is a full scan again (every record "
                    "read and decoded)"),
        requests=_requests, phases=_phases, synced=f"{sum(expected.values()):,} rows")


# -- where the time goes -------------------------------------------------------------------------------


def profile(top: int = 10) -> str:
    """One first sync under cProfile in every thread (the main one writes, the prefetch and page
    threads fetch and decode): the top ``top`` functions by cumulative time of each."""
    out, main_profile, profiles = pull.profiled_first_sync(
        "attio", attio_sandbox(pull.RECORDS, pull.SEED), bare_sync_attio,  # the server warmed as in the benchmark
        lambda server: open_backend("attio", server.url, server.admin_token))
    pull.print_stats(out, [main_profile], top, "main thread (engine, SQLite writes)", None)
    workers = [prof for thread, prof in profiles if thread.startswith(("crmdesk-prefetch", "crmdesk-page"))]
    if workers:
        pull.print_stats(out, workers, top, f"prefetch and page threads ({len(workers)}; fetch, JSON, decode)",
                    "the same threads by own time")
    return out.getvalue()


if __name__ == "__main__":
    pull.main(run, profile)
