"""Reliability figures: what survives a hostile world, counted rather than timed.

- The crash loop (``crash_loop.py``): 30 SIGKILLs of ``crmdesk sync`` while it pushes 500 queued
  edits and 100 creates (half of them people) under 5% faults, the server ignoring idempotency
  keys; afterwards lost, duplicated, conflicting and refused changes are counted (target: 0).
  Three seeds; the figure is the worst seed.
- A 100,000-record first pull under 5% faults (truncated and dropped pages included) must finish
  in one ``crmdesk sync``; its time sits beside the same pull without faults.
- The peak memory of a ``crmdesk sync`` whose server answers with 100 MB bodies (target: under
  300 MiB), beside the peak of the same command against a sane server.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.crash_loop import crash_loop, sync_command, sync_env
from benchmarks.report import Figure, Report
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from tests.hostile.server import HostileServer

CRASH_SEEDS = (1, 2, 3)
PULL_RECORDS = 100_000
MiB = 1024 * 1024


def _crash_loops(report: Report, folder: Path) -> None:
    results = []
    for seed in CRASH_SEEDS:
        result = crash_loop(folder / f"crash-{seed}", kills=30, edits=500, creates=100, fault_rate=0.05,
                            records=200, seed=seed)
        print(f"#   crash loop seed {seed}: {result.kills} kills in {result.runs} runs, {result.faults} faults, "
              f"lost {len(result.lost)}, duplicated {len(result.duplicated)}, conflicts {result.conflicts}, "
              f"refused {len(result.rejected)}, still queued {result.still_queued}, integrity {result.integrity}, "
              f"{result.seconds:.0f} s", flush=True)
        results.append(result)
    kills = min(r.kills for r in results)
    faults = sum(r.faults for r in results)
    note = (f"{len(CRASH_SEEDS)} seeds, ≥{kills} SIGKILLs each, {faults} faults injected in all; "
            "500 edits + 100 creates per seed; worst seed shown")
    report.add(Figure("reliability.crash_loop_lost", max(len(r.lost) for r in results), "changes", None, "",
                      "0", note))
    report.add(Figure("reliability.crash_loop_duplicated", max(len(r.duplicated) for r in results), "records",
                      None, "", "0", note))
    report.add(Figure("reliability.crash_loop_own_conflicts", max(r.conflicts for r in results), "conflicts",
                      None, "", "0", note))
    report.add(Figure("reliability.crash_loop_refused", max(len(r.rejected) for r in results), "changes",
                      None, "", "0", note))


def _one_sync(data: Path, server_url: str, token: str) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS in MiB) of one ``crmdesk sync`` child."""
    command = sync_command(data, server_url, "--quiet")
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=sync_env(data, token))
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, time.perf_counter() - began, usage.ru_maxrss / 1024


def _pull_under_faults(report: Report, folder: Path) -> None:
    with SandboxServer(records=PULL_RECORDS, seed=7) as server:
        clean_code, clean_seconds, _ = _one_sync(folder / "clean", server.url, server.admin_token)
        server.set_faults(FaultConfig(fail_rate=0.02, drop_rate=0.01, truncate_rate=0.01, empty_500_rate=0.01,
                                      seed=7))
        code, seconds, _ = _one_sync(folder / "faulty", server.url, server.admin_token)
        faults = server.faults_injected
    (db,) = (folder / "faulty" / "workspaces").glob("*.sqlite")
    with Store.open(db) as store:
        pulled = sum(len(store.records.ids(slug)) for slug in store.schema.objects())
    complete = code == 0 and clean_code == 0 and pulled == PULL_RECORDS
    report.add(Figure("reliability.first_pull_100k_under_5pct_faults", seconds, "s", clean_seconds,
                      "the same pull, no faults", "completes in one sync",
                      f"{'completed' if complete else 'DID NOT COMPLETE'}: exit {code}, {pulled:,} records, "
                      f"{faults} faults (errors, drops, cut-short and empty answers)"))


def _memory_against_huge_bodies(report: Report, folder: Path) -> None:
    with SandboxServer(records=200, seed=9) as server, HostileServer(server) as hostile:
        _code, _seconds, sane = _one_sync(folder / "sane", hostile.url, server.admin_token)
        hostile.spoil("huge_body", size=100 * MiB)
        code, _seconds, peak = _one_sync(folder / "huge", hostile.url, server.admin_token)
    report.add(Figure("reliability.peak_rss_sync_against_100mb_bodies", peak, "MiB", sane,
                      "the same command against the sane server", "< 300 MiB",
                      f"crmdesk sync exit {code}: refused past the 64 MiB answer limit"))


def run(report: Report) -> None:
    report.section("Reliability")
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as name:
        folder = Path(name)
        _memory_against_huge_bodies(report, folder)
        _pull_under_faults(report, folder)
        _crash_loops(report, folder)
