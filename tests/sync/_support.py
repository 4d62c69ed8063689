"""Helpers for the sync tests: fast backends, snapshots of a cache and of the server."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from crmdesk.model import is_local_id
from crmdesk.remote.aria.adapter import AriaBackend, connect_aria
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport

OBJECTS = ("people", "companies", "deals")
#: Retries as the real policy, only with waits of milliseconds (the sandbox's faults are many).
FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.005, max_delay=0.02, max_retry_after=5.0)


def backend(server: SandboxServer, token: str | None = None, retry: RetryPolicy = FAST_RETRY) -> AriaBackend:
    # A fresh connection per request: the sandbox's accepted sockets lack TCP_NODELAY, so a
    # kept-alive connection stalls ~40 ms per answer (Nagle against delayed ACKs) on loopback.
    plain = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    return connect_aria(server.url, token or server.admin_token, config={"retry": retry}, http_transport=plain)


def sync(store: Store, server: SandboxServer, token: str | None = None, *, sweep: bool = False) -> SyncReport:
    """One sync; ``sweep`` makes it run the periodic id sweep (deletions on the server) now."""
    b = backend(server, token)
    try:
        engine = SyncEngine(store, b, sweep_interval=timedelta(0)) if sweep else SyncEngine(store, b)
        return engine.sync()
    finally:
        b.close()


def sync_until_settled(store: Store, server: SandboxServer, attempts: int = 40) -> SyncReport:
    """Sync again while the outbox has anything pending or the sync did not finish (faults)."""
    report = sync(store, server)
    for _ in range(attempts):
        if report.status.value == "synced" and report.pending == 0:
            return report
        report = sync(store, server)
    return report


def marker() -> str:
    return f"m-{uuid.uuid4().hex[:12]}"


def cache_snapshot(store: Store) -> dict[str, Any]:
    """Everything a comparison needs, keyed by id, timestamps left out (formats differ)."""
    records = {}
    for slug in store.schema.objects():
        rows = store.records.rows(store.records.query_ids(slug))
        records[slug] = {r.id: r.values for r in rows}
    entries = {}
    for list_id in store.schema.lists():
        rows = store.entries.rows(store.entries.query_ids(list_id))
        entries[list_id] = {e.id: (e.record_id, e.values) for e in rows}
    notes = {n.id: (n.record_id, n.title, n.content) for n in store.notes.all(limit=100_000)}
    tasks = {t.id: (t.content, t.done, sorted(t.record_ids)) for t in store.tasks.all()}
    return {"records": records, "entries": entries, "notes": notes, "tasks": tasks}


def server_snapshot(server: SandboxServer, tmp: Path) -> dict[str, Any]:
    """The server as a brand-new client sees it after one full sync (the same decoding as the cache)."""
    path = tmp / f"fresh-{uuid.uuid4().hex[:8]}.sqlite"
    with Store.open(path) as fresh:
        report = sync_until_settled(fresh, server)
        assert report.status.value == "synced", report.summary()
        return cache_snapshot(fresh)


def server_records(server: SandboxServer, slug: str) -> dict[str, dict[str, Any]]:
    assert server.core is not None
    return {r.id: r.values for r in server.core.records.all(slug)}


def local_ids_in(snapshot: Any) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if is_local_id(value):
                found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple | set):
            for v in value:
                walk(v)

    walk(snapshot)
    return found


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Readable differences between two snapshots (empty when equal)."""
    out: list[str] = []

    def walk(x: Any, y: Any, path: str) -> None:
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y), key=str):
                if key not in x:
                    out.append(f"{path}/{key}: only on the right: {y[key]!r}")
                elif key not in y:
                    out.append(f"{path}/{key}: only on the left: {x[key]!r}")
                else:
                    walk(x[key], y[key], f"{path}/{key}")
        elif x != y:
            out.append(f"{path}: {x!r} != {y!r}")

    walk(a, b, "")
    return out[:30]


def integrity_ok(path: Path) -> bool:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
