"""Issue 11: rich (TipTap) notes pulled as a user meets them — the background re-read.

Aria has no "changed since" for notes, so the sync worker re-reads every note with its full scans
(at start, on Sync now, every 15 minutes by default). Each note written in the team's web app
is a TipTap document that the adapter turns into markdown before the store keeps it. Figures,
each beside a baseline measured in the same run against the same sandbox (in its own process):

1. ``Puller.pull_notes()`` re-reading 10,000 web-app notes into a store that holds them already
   vs a bare httpx loop paging ``/notes`` (limit 200) and decoding the JSON, storing nothing;
2. the TipTap → markdown conversion alone over the same 10,000 documents vs ``json.loads`` of
   them (what any client pays to read a note at all).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, Report
from benchmarks.sync_support import SandboxProcess, sandbox_process
from crmdesk.remote.aria import tiptap
from crmdesk.remote.backend import Backend
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.demo import build_demo
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pull import Puller
from crmdesk.sync.status import SyncStatus

NOTES = 10_000
RECORDS = 2_000
REPEAT = 5
PAGE = 200
#: A note exactly as the web app wrote it (tests/fixtures/aria-real/WEBSHAPE_GET_note_tiptap.txt).
RECORDED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "aria-real" / "WEBSHAPE_GET_note_tiptap.txt"


def _web_app_document() -> dict[str, Any]:
    body = RECORDED.read_text(encoding="utf-8").split("\n\n", 1)[1]
    return json.loads(body[body.index("{"):])["data"]["content"]  # type: ignore[no-any-return]


def _documents() -> list[str]:
    """10,000 distinct web-app notes: the recorded one with a numbered paragraph in front."""
    recorded = _web_app_document()
    out = []
    for n in range(NOTES):
        numbered = {"type": "paragraph", "content": [{"type": "text", "text": f"Call {n} with the buying team"}]}
        out.append(json.dumps({"type": "doc", "content": [numbered, *recorded["content"]]}))
    return out


def _build_sandbox(path: Path, documents: list[str]) -> None:
    core = Core(path)
    core.initialise()
    build_demo(core, RECORDS, 1)
    record_ids = [row[0] for row in core.db.all("SELECT id FROM records ORDER BY seq LIMIT 500")]
    user = core.workspace.members()[0]["user_id"]
    now = "2026-11-30T09:58:45.626000Z"
    rows = [(str(uuid.UUID(int=n + 1, version=4)), record_ids[n % len(record_ids)], f"Call {n}", document, user,
             now, now) for n, document in enumerate(documents)]
    with core.db.transaction() as conn:
        conn.execute("DELETE FROM notes")
        conn.executemany("INSERT INTO notes (id, record_id, title, content, created_by, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    core.db.close()


def _bare_notes(server: SandboxProcess) -> tuple[int, float]:
    started = time.perf_counter()
    fetched = 0
    with server.client() as client:
        offset = 0
        while True:
            response = client.get("/notes", params={"limit": PAGE, "offset": offset})
            response.raise_for_status()
            rows = response.json()["data"]["notes"]
            fetched += len(rows)
            if len(rows) < PAGE:
                break
            offset += PAGE
    return fetched, time.perf_counter() - started


def _pull_notes(store: Store, backend: Backend) -> float:
    puller = Puller(store, backend, backend.capabilities)
    started = time.perf_counter()
    puller.pull_notes()
    return time.perf_counter() - started


def _spread(samples: list[float], unit: str = "s") -> str:
    return f"{min(samples):.3f}–{max(samples):.3f} {unit}"


def run(report: Report) -> None:
    report.section("Rich notes (issue 11)")
    documents = _documents()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sandbox.sqlite"
        _build_sandbox(db, documents)
        with sandbox_process(RECORDS, db=db) as server, Store.open(Path(folder) / "w.sqlite") as store:
            engine = SyncEngine(store, open_backend("aria", server.url, server.admin_token))
            result = engine.sync(force_collections=True)
            engine.backend.close()
            assert result.status is SyncStatus.SYNCED, result.summary()
            assert len(store.notes.ids()) == NOTES
            sample = store.notes.all(limit=1)[0]
            assert "## Agenda" in sample.content and "[seen here](https://example.com/quote/17)" in sample.content
            # The worker keeps one backend for as long as the window is open: its first re-read
            # converts every note (timed apart), the later ones only what changed.
            backend = open_backend("aria", server.url, server.admin_token)
            first = _pull_notes(store, backend)
            app, bare = [], []
            for run_number in range(REPEAT):
                fetched, seconds = _bare_notes(server)
                assert fetched == NOTES
                bare.append(seconds)
                app.append(_pull_notes(store, backend))
                print(f"#   notes re-read run {run_number + 1}: pull_notes {app[-1]:.2f} s, bare loop {seconds:.2f} s",
                      flush=True)
            backend.close()
    report.add(Figure("sync.notes_reread_10k_tiptap", statistics.median(app), "s", statistics.median(bare),
                      f"bare httpx paging loop over /notes ({NOTES // PAGE} GETs, decode only)", "≤ 2×",
                      f"Puller.pull_notes() re-reading {NOTES:,} web-app TipTap notes the store holds already "
                      f"(what the worker does with each full scan, with the backend it keeps); median of {REPEAT}; "
                      f"app {_spread(app)}; bare {_spread(bare)}; the session's first re-read, which converts "
                      f"every TipTap document: {first:.2f} s"))
    convert, decode = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        parsed = [json.loads(text) for text in documents]
        decode.append(time.perf_counter() - started)
        started = time.perf_counter()
        for document in parsed:
            tiptap.markdown_of(document)
        convert.append(time.perf_counter() - started)
    report.add(Figure("model.tiptap_to_markdown_10k", statistics.median(convert), "s", statistics.median(decode),
                      "json.loads of the same 10,000 documents", "",
                      f"tiptap.markdown_of over {NOTES:,} recorded web-app documents; median of {REPEAT}; "
                      f"convert {_spread(convert)}; decode {_spread(decode)}"))
