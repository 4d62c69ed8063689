"""``crmdesk sync`` exit codes: 0 all sent and pulled, 2 synced with conflicts or refusals
waiting (listed on stderr), 1 failed — against the real sandbox over loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.cli import main
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync_command import parser


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=17) as running:
        yield running


def _sync(data: Path, server: SandboxServer, *extra: str) -> int:
    return main(["sync", "--url", server.url, "--data-dir", str(data), *extra])


def _store(data: Path) -> Store:
    (path,) = (data / "workspaces").glob("*.sqlite")
    return Store.open(path)


def test_a_clean_sync_exits_0_without_terminal_codes_on_a_pipe(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
    assert _sync(tmp_path, server) == 0
    out, err = capsys.readouterr()
    assert out.startswith("synced: pulled 30")
    # stderr is captured (not a terminal): progress as plain lines, one per phase.
    assert "\x1b" not in err and "\r" not in err
    assert any(re.fullmatch(r"records:people: \d+ of \d+", line) for line in err.splitlines()), err


def test_conflicts_and_refusals_exit_2_and_are_listed(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
    assert _sync(tmp_path, server, "--quiet") == 0
    with _store(tmp_path) as store:
        person, doomed = sorted(store.records.ids("people"))[:2]
        name = store.records.get(person).title  # type: ignore[union-attr]
        store.edits.update_record(person, {"job_title": "Mine"})
        store.edits.create_note(doomed, "Lost cause", "its record is deleted on the server")
    response = httpx.patch(f"{server.api_url}/objects/people/records/{person}",
                           json={"values": {"job_title": "Theirs"}},
                           headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert server.core is not None
    server.core.records.delete("people", doomed)
    capsys.readouterr()

    assert _sync(tmp_path, server, "--quiet") == 2
    out, err = capsys.readouterr()
    assert "conflicts 1, rejected 1" in out
    assert f"conflict: Job Title of {name}: yours “Mine”, the server's “Theirs”" in err
    assert "refused: Create note “Lost cause”: " in err
    # Still waiting at the next sync: still 2.
    assert _sync(tmp_path, server, "--quiet") == 2


def test_a_failed_sync_exits_1(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRMDESK_TOKEN", "oc_sk_" + "nope" * 8)
    assert _sync(tmp_path, server, "--quiet") == 1
    assert "Could not open the workspace" in capsys.readouterr().err


def test_no_token_is_a_failure_that_says_where_a_token_comes_from(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CRMDESK_TOKEN", raising=False)
    # A workspace id no keyring holds: the machine's real keyring (if any) is only asked, never written.
    assert _sync(tmp_path, server, "--workspace", "no-such-workspace-7f3a", "--quiet") == 1
    assert "CRMDESK_TOKEN" in capsys.readouterr().err


def test_a_wrong_command_line_exits_1_not_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["sync", "--no-such-option"])
    assert stopped.value.code == 1


def test_help_documents_the_exit_codes() -> None:
    text = parser().format_help()
    for code, meaning in (("0", "everything was sent and pulled"), ("2", "conflicts or refused changes"),
                          ("1", "the sync failed")):
        assert f"  {code}  " in text and meaning in text
