"""The crash loop: ``crmdesk sync`` killed with SIGKILL again and again while it pushes a queue
of edits and creates to a faulty server that ignores idempotency keys, then one clean sync;
afterwards every edit and create must be on the server exactly once, with no conflict.

Used by ``bench_reliability`` (the issue's figure: 30 kills, 500 edits, 100 creates, 5% faults)
and, smaller, by ``tests/sync/test_cli_and_crash.py``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmdesk.model import MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store

ROOT = Path(__file__).resolve().parents[1]
#: How long one killed run may take to reach its kill point before it is left to finish.
RUN_DEADLINE = 60.0


@dataclass
class CrashLoopResult:
    kills: int = 0
    runs: int = 0
    queued_edits: int = 0
    queued_creates: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    conflicts: int = 0
    rejected: list[str] = field(default_factory=list)
    still_queued: int = 0
    faults: int = 0
    seconds: float = 0.0
    integrity: str = ""

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.conflicts or self.rejected or self.still_queued) \
            and self.integrity == "ok"


def sync_env(data: Path, token: str) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), CRMDESK_TOKEN=token,
                CRMDESK_DATA_DIR=str(data), PYTHONUNBUFFERED="1",
                PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")


def sync_command(data: Path, url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crmdesk", "sync", "--data-dir", str(data), "--url", url, *extra]


def run_sync(data: Path, url: str, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(sync_command(data, url, *extra), capture_output=True, text=True,
                          env=sync_env(data, token), timeout=300)


class RequestCounter:
    """Counts requests reaching the sandbox (its fault middleware asks the injector once each)."""

    def __init__(self, server: SandboxServer) -> None:
        self.count = 0
        choose = server.injector.choose

        def counting(path: str) -> str | None:
            self.count += 1
            return choose(path)

        server.injector.choose = counting  # type: ignore[method-assign]


def _queue_work(store: Store, tag: str, edits: int, creates: int, rng: random.Random) -> tuple[
        dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Queue ``edits`` updates (each person's job title edited several times: v1, v2, … so a crash
    after sending v1 tests "never a conflict with yourself") and ``creates`` creates, half of them
    people. Returns the final value expected per (record, field) and the creates' (object, key)."""
    expected: dict[str, dict[str, Any]] = {}
    people = sorted(store.records.ids("people"))
    companies = sorted(store.records.ids("companies"))
    for index in range(edits):
        if index % 2:
            target, slug = people[index % len(people)], "job_title"
        else:
            target, slug = companies[index % len(companies)], "description"
        value = f"{tag}-edit-{index}"
        store.edits.update_record(target, {slug: value})
        expected.setdefault(target, {})[slug] = value
    made: list[tuple[str, str]] = []
    for index in range(creates):
        key = f"{tag}-new-{index}"
        if index % 2:
            store.edits.create_record("people", {
                "name": {"first_name": "Crash", "last_name": f"Loop {index}", "full_name": f"Crash Loop {index}"},
                "email_addresses": [f"{key}@crash.example"], "job_title": key,
            })
            made.append(("people", key))
        else:
            store.edits.create_record("companies", {"name": key, "description": key})
            made.append(("companies", key))
    rng.shuffle(made)  # order does not matter for the check
    return expected, made


def crash_loop(folder: Path, *, kills: int, edits: int, creates: int, fault_rate: float,
               records: int = 60, seed: int = 1) -> CrashLoopResult:
    result = CrashLoopResult(queued_edits=edits, queued_creates=creates)
    rng = random.Random(seed)
    started = time.monotonic()
    with SandboxServer(records=records, seed=seed) as server:
        assert server.core is not None
        server.settings.honour_idempotency_keys = False
        counter = RequestCounter(server)
        data = folder / "data"
        first = run_sync(data, server.url, server.admin_token, "--quiet")
        # A sync pulls before it pushes: kills are placed after about as many requests as a
        # pull takes, so that they land while the queue is being pushed.
        pull_requests = counter.count
        if first.returncode != 0:
            raise RuntimeError(f"the first sync failed: {first.stderr}")
        (db,) = (data / "workspaces").glob("*.sqlite")
        tag = f"c{uuid.uuid4().hex[:8]}"
        with Store.open(db) as store:
            expected, made = _queue_work(store, tag, edits, creates, rng)
        server.set_faults(FaultConfig(fail_rate=fault_rate * 0.4, drop_rate=fault_rate * 0.3,
                                      truncate_rate=fault_rate * 0.2, empty_500_rate=fault_rate * 0.1, seed=seed))
        while result.kills < kills and result.runs < kills * 3:
            with Store.open(db) as store:
                if store.outbox.count() == 0:
                    break
            result.runs += 1
            stop_at = counter.count + pull_requests + rng.randint(1, 40)
            proc = subprocess.Popen(sync_command(data, server.url, "--quiet"), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=sync_env(data, server.admin_token))
            deadline = time.monotonic() + RUN_DEADLINE
            while proc.poll() is None and counter.count < stop_at and time.monotonic() < deadline:
                time.sleep(0.001)  # a bounded poll of the server's request count
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                result.kills += 1
            proc.wait(timeout=30)
        result.faults = server.faults_injected
        server.set_faults(None)
        for _ in range(5):
            final = run_sync(data, server.url, server.admin_token, "--quiet")
            if final.returncode == 0:
                break
        _check(result, server, db, expected, made)
    result.seconds = time.monotonic() - started
    return result


def _check(result: CrashLoopResult, server: SandboxServer, db: Path, expected: dict[str, dict[str, Any]],
           made: list[tuple[str, str]]) -> None:
    assert server.core is not None
    on_server = {slug: {r.id: r.values for r in server.core.records.all(slug)} for slug in ("people", "companies")}
    by_key: Counter[str] = Counter()
    for slug, key_field in (("people", "job_title"), ("companies", "name")):
        for values in on_server[slug].values():
            key = values.get(key_field)
            if isinstance(key, str) and "-new-" in key:
                by_key[key] += 1
    for _slug, key in made:
        if by_key[key] == 0:
            result.lost.append(f"create {key}")
        elif by_key[key] > 1:
            result.duplicated.append(f"{key} ×{by_key[key]}")
    records = {**on_server["people"], **on_server["companies"]}
    for record_id, fields in expected.items():
        for slug, value in fields.items():
            if records.get(record_id, {}).get(slug) != value:
                result.lost.append(f"edit {slug} of {record_id}")
    with Store.open(db) as store:
        result.conflicts = store.conflicts.count()
        result.rejected = [f"{m.op.value} {m.scope}: {m.error}" for m in store.outbox.all()
                           if m.state is MutationState.REJECTED]
        result.still_queued = store.outbox.count() - len(result.rejected)
        result.integrity = str(store.conn.execute("PRAGMA integrity_check").fetchone()[0])
