"""The sync engine against the atlas facade (Atlas CRM's ``/api/1.0``) with 20,000 entities, in its own process.

``sync.atlas_initial_pull_20k``: ``SyncEngine(store, open_backend("atlas", url, {"client_id": …,
"client_secret": …})).sync()`` into a fresh workspace file, against ``crmdesk sandbox --dialect
atlas --records 20000`` in a child process (the demo: 4,000 companies, 10,000 contacts, 6,000
sales). Its baseline, measured just before each sync in the same run, is a bare httpx loop making
the same requests the sync makes, in the same order, with the same concurrency, and
``json.loads`` of each answer, storing nothing:

- includes: ``POST /api/1.0/oauth/token`` (the client-credentials grant as JSON: the app's
  ``ClientCredentialsAuth`` fetches its token on the first request, and the loop uses the token it
  gets); ``GET …/workspace/CRM/template/company`` twice (the capability probe's authenticated
  read, then the schema step's ``workspace()``), then each type's template (company, contact,
  sale: ``load_objects``); then per type ``GET …/entities?type=T&size=100`` and every
  ``_links.next`` it is given (absolute addresses), until a page has none. Every request says
  ``Content-Type: application/json`` and asks for compressed answers, as the adapter's transport.
- concurrency as the app's: a list is paged by the server's next link, so there is never a second
  request in flight; the engine runs the page iterator in its prefetch thread and writes SQLite in
  its own, the baseline has no writes, so its loop runs in the calling thread.
- excludes: everything the app does with an answer after ``json.loads`` — the transport's checks
  (size limit, JSON depth), the pager's seen-row bookkeeping and the completeness check against
  each page's ``total``, decoding fields into the model, SQLite writes and indexing, the deletion
  sweep. Atlas documents no rate limit: the client's limiter is unlimited and the facade keeps
  none. Atlas has no members, lists, notes, tasks or notifications: the sync asks for none, nor
  links (read per record when it is opened) or comments (never read back).

Every answer of the sync and of the bare loop is counted; a 401 or 429 in either is shown (it
must be 0: a token lives an hour, far longer than a run). The note splits the records phase into
the time spent decoding pages' fields into records (the prefetch thread: ``_decode_rows``) and
the store's writes (``RecordApplier.apply``, the engine's thread); the two overlap, so the phase
is about the longer of them plus what cannot overlap.

``sync.atlas_after_no_changes_20k``: a second ``sync()`` of the same engine over the workspace the
first one filled (as the window's worker reuses its engine, so no capability probe, and the token
it holds is still good), the server unchanged. Atlas's entities keep no time, so it is the same
full scan; its baseline is the same bare loop without the token request and the probe's GET,
measured just before it.

``python -m benchmarks.bench_sync_atlas`` runs it alone and prints the figures;
``python -m benchmarks.bench_sync_atlas --profile`` runs one first sync under cProfile (every
thread) and prints the top functions of the main thread (the engine's SQLite writes) and of the
prefetch thread (fetch, JSON, decoding fields).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import dialect_pull as pull
from benchmarks.report import Report
from benchmarks.sync_support import SandboxProcess, exchange_credentials, sandbox_process
from crmdesk.remote.atlas.records import RecordsMixin
from crmdesk.remote.atlas.schema import ENTITY_TYPES
from crmdesk.remote.atlas.session import CRM, MAX_PAGE
from crmdesk.remote.dialects import open_backend
from crmdesk.remote.transport import ACCEPT_ENCODING
from crmdesk.store import Store
from crmdesk.sync.apply import RecordApplier
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pull import Puller

#: In the order the engine pulls them (``load_objects``' order).
TYPES = tuple(ENTITY_TYPES)
JSON = "application/json"


# -- the atlas sandbox in a child process -------------------------------------------------------------


def atlas_sandbox(records: int, seed: int) -> AbstractContextManager[SandboxProcess]:
    """``crmdesk sandbox --dialect atlas`` on a free port in a child process (so the client measured
    and the server answering it do not share one GIL), up once the company template answers to the
    token its printed admin credentials are exchanged for."""
    return sandbox_process(records, seed, dialect="atlas", ready="/workspace/CRM/template/company")


def _credentials(server: SandboxProcess) -> dict[str, str]:
    client_id, _, secret = server.credentials.partition(":")
    return {"client_id": client_id, "client_secret": secret}


def _client(server: SandboxProcess) -> httpx.Client:
    """Requests as the adapter's transport sends them: JSON both ways, compressed if the server would."""
    return httpx.Client(base_url=server.url, timeout=60,
                        headers={"Accept": JSON, "Accept-Encoding": ACCEPT_ENCODING, "Content-Type": JSON})


# -- the baseline ---------------------------------------------------------------------------------------


@dataclass
class _Tally:
    """What a bare run sent and received."""

    requests: int = 0
    rows: int = 0
    refused: int = 0  # 401 and 429 answers
    ids: dict[str, set[str]] = field(default_factory=dict)

    def answer(self, response: httpx.Response) -> Any:
        self.requests += 1
        self.refused += response.status_code in (401, 429)
        data = json.loads(response.content)
        response.raise_for_status()
        return data


def bare_sync_atlas(server: SandboxProcess, *, token: bool = True, probe: bool = True,
                    collect: bool = False) -> tuple[_Tally, float]:
    """The sync's requests, decoded and dropped (see the module's notes): (tally, seconds).
    ``token``: fetch a token first, as a new backend does (else the one exchanged at start-up);
    ``collect``: keep each type's entity ids, for the counts (used outside any timing)."""
    tally = _Tally()
    started = time.perf_counter()
    with _client(server) as client:
        bearer = exchange_credentials(client, server.url, server.credentials) if token else server.admin_token
        if token:
            tally.requests += 1
        client.headers["Authorization"] = f"Bearer {bearer}"
        for entity_type in (["company"] if probe else []) + ["company", *TYPES]:
            tally.answer(client.get(f"{CRM}/template/{entity_type}"))
        for entity_type in TYPES:
            page = tally.answer(client.get(f"{CRM}/entities", params={"type": entity_type, "size": MAX_PAGE}))
            while True:
                items = page["items"]
                tally.rows += len(items)
                if collect:
                    tally.ids.setdefault(entity_type, set()).update(str(item["id"]) for item in items)
                following = page["_links"].get("next")
                if following is None:
                    break
                page = tally.answer(client.get(following["href"]))
    return tally, time.perf_counter() - started


# -- the app ------------------------------------------------------------------------------------------


@dataclass
class _Sync:
    seconds: float
    schema_phase: float
    records_phase: float
    #: inside the records phase: decoding pages' fields into records (the prefetch thread) and
    #: writing them to the store (``RecordApplier.apply``, the engine's thread); they overlap
    decoding: float
    writing: float
    requests: int
    refused: int
    pulled: int


def _sync(engine: SyncEngine) -> _Sync:
    """One ``engine.sync()``, its phases timed, its answers counted."""
    statuses: list[int] = []
    with pull.watching(statuses):
        result, elapsed, spent = pull.timed_sync(
            engine, schema=[(Puller, "pull_schema")], records=[(Puller, "pull_records")],
            decoding=[(RecordsMixin, "_decode_rows")], writing=[(RecordApplier, "apply")])
    refused = sum(1 for status in statuses if status in (401, 429))
    return _Sync(elapsed, spent["schema"], spent["records"], spent["decoding"], spent["writing"], len(statuses),
                 refused, result.pulled)


def _stored(store: Store, types: Iterable[str]) -> dict[str, int]:
    return {entity_type: len(store.records.ids(entity_type)) for entity_type in types}


def _one_run(server: SandboxProcess, path: Path, expected: dict[str, int]) -> pull.Run[_Sync, _Tally]:
    """Bare loop, first sync into a fresh file (codec caches cold), bare loop without the token
    request and the probe, second sync of the same engine."""
    return pull.first_and_again(
        path, bare_first=lambda: bare_sync_atlas(server),
        bare_again=lambda: bare_sync_atlas(server, token=False, probe=False),
        backend=lambda: open_backend("atlas", server.url, _credentials(server)), sync=_sync,
        stored=lambda store: _stored(store, expected.keys()), expected=expected)


def _describe(sync: _Sync, bare: _Tally, bare_s: float) -> str:
    return (f"sync {sync.seconds:.2f} s ({sync.requests} requests, {sync.refused} × 401/429; schema "
            f"{sync.schema_phase:.2f} s, records {sync.records_phase:.2f} s: decoding {sync.decoding:.2f} s, "
            f"store writes {sync.writing:.2f} s); bare loop before it {bare_s:.2f} s "
            f"({bare.requests} requests, {bare.refused} × 401/429, {bare.rows:,} rows received)")


def _phases(syncs: list[_Sync]) -> str:
    return (f"schema phase {pull.spread([s.schema_phase for s in syncs])}; records phase "
            f"{pull.spread([s.records_phase for s in syncs])}, in it (overlapping) decoding fields in the prefetch "
            f"thread {pull.spread([s.decoding for s in syncs])} and the store's writes (RecordApplier.apply) "
            f"{pull.spread([s.writing for s in syncs])}")


def _requests(syncs: list[_Sync], bares: list[_Tally]) -> str:
    return (f"{pull.request_counts([s.requests for s in syncs], [b.requests for b in bares])}; 401s and 429s seen: "
            f"sync {sum(s.refused for s in syncs)}, bare {sum(b.refused for b in bares)} (must be 0)")


def run(report: Report) -> None:
    with pull.sandbox_folder(report, "atlas", atlas_sandbox(pull.RECORDS, pull.SEED),
                             f"{pull.RECORDS:,} entities") as (folder, server):
        unique, _seconds = bare_sync_atlas(server, collect=True)  # also warms the server, outside any timing
        expected = {entity_type: len(unique.ids.get(entity_type, ())) for entity_type in TYPES}
        runs = pull.repeat_runs(folder, lambda path: _one_run(server, path, expected), _describe)
    split = ", ".join(f"{entity_type} {n:,}" for entity_type, n in expected.items())
    pull.first_and_again_figures(
        report, "atlas", runs,
        label=(f"bare httpx loop of the same {runs[-1].bare_first.requests} requests (token, templates, entity "
               f"pages of {MAX_PAGE} by _links.next, one at a time as the app's pager; json.loads only)"),
        target="≤ 1.5× (as for the atomic and attio dialects)",
        first_note=(f"whole SyncEngine(store, open_backend('atlas', …, {{client_id, client_secret}})).sync() into a "
                    f"fresh workspace file (value-codec caches emptied before each run), the token fetched by the "
                    f"backend; {split}"),
        again_label="the same bare loop without the token request and the probe's GET",
        again_note=("a second sync() of the same engine (no probe, its token still good) over the workspace the "
                    "first filled, nothing changed on the server: Atlas's entities keep no time, so it is a full "
                    "scan again (every entity read and decoded)"),
        requests=_requests, phases=_phases, synced=f"{sum(expected.values()):,} entities")


# -- where the time goes -------------------------------------------------------------------------------


def profile(top: int = 12) -> str:
    """One first sync under cProfile in every thread: the top ``top`` functions of the main thread
    (engine, SQLite writes) by cumulative and own time, and the same of the prefetch thread."""
    out, main_profile, profiles = pull.profiled_first_sync(
        "atlas", atlas_sandbox(pull.RECORDS, pull.SEED), bare_sync_atlas,  # the server warmed as in the benchmark
        lambda server: open_backend("atlas", server.url, _credentials(server)))
    workers = [prof for thread, prof in profiles if thread.startswith("crmdesk-prefetch")]
    for title, found in (("main thread (engine, SQLite writes)", [main_profile]),
                         (f"prefetch threads ({len(workers)}; fetch, JSON, decode)", workers)):
        if found:
            pull.print_stats(out, found, top, title, f"{title} by own time")
    return out.getvalue()


if __name__ == "__main__":
    pull.main(run, profile)
