"""``crmdesk sync`` as a user runs it, and killed with SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.model import MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import integrity_ok, marker, server_records

ROOT = Path(__file__).resolve().parents[2]


def env_for(data: Path, token: str) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), CRMDESK_TOKEN=token,
                CRMDESK_DATA_DIR=str(data), PYTHONUNBUFFERED="1")


def run_sync(data: Path, server: SandboxServer, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crmdesk", "sync", "--data-dir", str(data), "--url", server.url, *extra],
        capture_output=True, text=True, env=env_for(data, token), timeout=60,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=51) as running:
        yield running


def the_store(data: Path) -> Path:
    (path,) = (data / "workspaces").glob("*.sqlite")
    return path


def test_cli_sync_succeeds_with_a_summary(tmp_path: Path, server: SandboxServer) -> None:
    result = run_sync(tmp_path, server, server.admin_token)
    assert result.returncode == 0, result.stderr
    assert "synced: pulled 40, pushed 0, conflicts 0, rejected 0" in result.stdout
    assert "records:" in result.stderr  # the progress line
    assert server.admin_token not in result.stdout + result.stderr
    with Store.open(the_store(tmp_path)) as store:
        assert sum(store.records.count(slug) for slug in store.schema.objects()) == 40


def test_cli_sync_with_a_bad_token_fails_clearly_without_echoing_it(tmp_path: Path, server: SandboxServer) -> None:
    token = "oc_sk_" + "wrong" * 6
    result = run_sync(tmp_path, server, token, "--quiet")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert token not in output and "wrong" * 2 not in output
    assert "Traceback" not in output
    assert any(word in output.lower() for word in ("api key", "sign in", "token", "authentication")), output


def test_cli_sync_without_a_token_says_so(tmp_path: Path, server: SandboxServer) -> None:
    env = env_for(tmp_path, "")
    env.pop("CRMDESK_TOKEN")
    result = subprocess.run([sys.executable, "-m", "crmdesk", "sync", "--url", server.url, "--quiet"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and "CRMDESK_TOKEN" in result.stderr  # a failure, not "conflicts wait" (2)


CRASH_RUNS = 50


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    rng = random.Random(1234)
    with SandboxServer(records=12, seed=61) as server:
        count_requests(server)
        data = tmp_path / "data"
        first = run_sync(data, server, server.admin_token, "--quiet")
        assert first.returncode == 0, first.stderr
        db = the_store(data)
        tag = marker()
        expected_names: list[str] = []
        expected_edits: dict[str, str] = {}
        killed = 0
        assert server.core is not None
        for run in range(CRASH_RUNS):
            with Store.open(db) as store:
                name = f"{tag}-{run}"
                store.edits.create_record("companies", {"name": name, "description": tag})
                expected_names.append(name)
                target = sorted(store.records.ids("people"))[run % 5]
                if store.records.get(target) is not None:
                    store.edits.update_record(target, {"job_title": name})
                    expected_edits[target] = name
            base = _requests(server)
            stop_at = base + rng.randint(1, 30)
            proc = subprocess.Popen(
                [sys.executable, "-m", "crmdesk", "sync", "--data-dir", str(data), "--url", server.url, "--quiet"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_for(data, server.admin_token),
            )
            deadline = time.monotonic() + 30
            while proc.poll() is None and _requests(server) < stop_at and time.monotonic() < deadline:
                time.sleep(0.001)  # a bounded poll of the server's request count, not a fixed wait
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait(timeout=10)
        assert killed >= CRASH_RUNS // 2, f"only {killed} runs were killed mid-sync"
        final = run_sync(data, server, server.admin_token, "--quiet")
        assert integrity_ok(db)
        with Store.open(db) as store:
            rejected = [m for m in store.outbox.all() if m.state is MutationState.REJECTED]
            conflicts = store.conflicts.all()
            assert rejected == [], [(m.op, m.error) for m in rejected]
            assert store.outbox.count() == 0, final.stdout + final.stderr
        assert final.returncode == 0 or conflicts, final.stdout + final.stderr
        companies = [v["name"] for v in server_records(server, "companies").values() if v.get("description") == tag]
        assert sorted(companies) == sorted(expected_names), "a create was lost or sent twice"
        people = server_records(server, "people")
        conflicted = {c.target_id for c in conflicts}
        for record_id, value in expected_edits.items():
            assert record_id in conflicted or people[record_id]["job_title"] == value


def count_requests(server: SandboxServer) -> None:
    """Count the requests reaching the sandbox: its fault middleware asks the injector once per request."""
    injector = server.injector
    choose = injector.choose
    counter = {"n": 0}

    def counting(path: str) -> str | None:
        counter["n"] += 1
        return choose(path)

    injector.choose = counting  # type: ignore[method-assign]
    server.counter = counter  # type: ignore[attr-defined]


def _requests(server: SandboxServer) -> int:
    return int(server.counter["n"])  # type: ignore[attr-defined]
