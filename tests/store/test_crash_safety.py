"""A writer killed with SIGKILL at random moments never loses a committed edit.

The child prints a line only after a transaction has committed; the parent
kills it after a random number of lines (so at a random point of its next
transaction), reopens the file, and checks that every promised edit is there
together with its outbox row, and that SQLite says the file is sound.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crmdesk.store import Store

RUNS = 30
WRITER = Path(__file__).with_name("crash_writer.py")


def _run_and_kill(db: Path, lines_before_kill: int) -> list[list[str]]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    promised = []
    try:
        for _ in range(lines_before_kill):
            line = child.stdout.readline()
            if not line:
                break
            promised.append(line.split())
    finally:
        child.send_signal(signal.SIGKILL)
        # A line may have been written between our last read and the kill: it was
        # committed too, so it counts.
        rest, errors = child.communicate(timeout=30)
    promised.extend(line.split() for line in rest.splitlines() if line.strip())
    assert child.returncode == -signal.SIGKILL, errors
    return promised


@pytest.mark.slow
def test_sigkill_never_loses_a_committed_edit(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite"
    rng = random.Random(20261124)
    promised_total: list[list[str]] = []
    for run in range(RUNS):
        promised_total.extend(_run_and_kill(db, rng.randint(0, 60)))
        with Store.open(db) as store:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"run {run}"
            mutation_ids = {m.mutation_id for m in store.outbox.all()}
            for kind, mutation_id, record_id, marker in promised_total:
                assert mutation_id in mutation_ids, f"run {run}: {kind} {mutation_id} lost from the outbox"
                record = store.records.get(record_id)
                assert record is not None, f"run {run}: record {record_id} lost"
                if kind == "CREATE":
                    assert record.values["name"] == f"crash {marker}"
                else:
                    assert record.values["note"] == marker
            # Nothing half-written: every outbox row points at a record that exists.
            for mutation in store.outbox.all():
                assert store.records.get(mutation.target_id) is not None
    assert len(promised_total) > RUNS, "the writer should have committed edits in most runs"
