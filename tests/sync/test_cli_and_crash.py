"""``crmdesk sync`` as a user runs it, and killed with SIGKILL at random moments."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.crash_loop import crash_loop, run_sync, sync_env
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=51) as running:
        yield running


def the_store(data: Path) -> Path:
    (path,) = (data / "workspaces").glob("*.sqlite")
    return path


def test_cli_sync_succeeds_with_a_summary(tmp_path: Path, server: SandboxServer) -> None:
    result = run_sync(tmp_path, server.url, server.admin_token)
    assert result.returncode == 0, result.stderr
    assert "synced: pulled 40, pushed 0, conflicts 0, rejected 0" in result.stdout
    assert "records:" in result.stderr  # the progress line
    assert server.admin_token not in result.stdout + result.stderr
    with Store.open(the_store(tmp_path)) as store:
        assert sum(store.records.count(slug) for slug in store.schema.objects()) == 40


def test_cli_sync_with_a_bad_token_fails_clearly_without_echoing_it(tmp_path: Path, server: SandboxServer) -> None:
    token = "oc_sk_" + "wrong" * 6
    result = run_sync(tmp_path, server.url, token, "--quiet")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert token not in output and "wrong" * 2 not in output
    assert "Traceback" not in output
    assert any(word in output.lower() for word in ("api key", "sign in", "token", "authentication")), output


def test_cli_sync_without_a_token_says_so(tmp_path: Path, server: SandboxServer) -> None:
    env = sync_env(tmp_path, "")
    env.pop("CRMDESK_TOKEN")
    result = subprocess.run([sys.executable, "-m", "crmdesk", "sync", "--url", server.url, "--quiet"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and "CRMDESK_TOKEN" in result.stderr  # a failure, not "conflicts wait" (2)


CRASH_KILLS = 12


@pytest.mark.slow
@pytest.mark.allow_log_warnings  # the sandbox's dropped connections are logged by uvicorn, by design
def test_sigkill_at_random_moments_loses_nothing_duplicates_nothing_and_never_conflicts(tmp_path: Path) -> None:
    """Killed mid-push again and again against a faulty server that ignores idempotency keys:
    afterwards every edit and create is on the server exactly once, and no edit conflicts with
    the user's own earlier one (the same fields are edited several times in the queue)."""
    result = crash_loop(tmp_path, kills=CRASH_KILLS, edits=200, creates=30, fault_rate=0.05, records=30, seed=1234)
    assert result.kills >= CRASH_KILLS // 2, f"only {result.kills} of {result.runs} runs were killed mid-sync"
    assert result.faults > 0, "the server injected no fault"
    assert result.lost == [] and result.duplicated == [], (result.lost, result.duplicated)
    assert result.conflicts == 0 and result.rejected == [] and result.still_queued == 0, result
    assert result.integrity == "ok"
