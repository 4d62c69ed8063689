"""What the commands and the window say when the disk is in the way: one line on stderr (exit 1),
never a traceback, and the workspace file's bytes as they were — for a read-only file or folder,
damage met half-way through a write or a read, and a file that cannot be opened at all.

Permissions are real: as an ordinary user a file is chmod-ed; as root (where chmod stops nothing)
it gets the immutable flag, and the commands that must meet chmod itself run without root's
power to ignore it (``tests/disk_faults.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.sandbox import SandboxServer
from tests.disk_faults import (
    beside,
    damage_value_index,
    digest,
    make_workspace,
    run_crmdesk,
    stderr_lines,
    unwritable,
)

Capture = pytest.CaptureFixture[str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("disk") / "template.sqlite")


@pytest.fixture
def data(template: Path, tmp_path: Path) -> Path:
    """A data dir holding one workspace, ``ws``."""
    folder = tmp_path / "data"
    (folder / "workspaces").mkdir(parents=True)
    shutil.copy(template, folder / "workspaces" / "ws.sqlite")
    return folder


def _workspace(data: Path) -> Path:
    return data / "workspaces" / "ws.sqlite"


def crmdesk(capsys: Capture, *argv: str) -> tuple[int, list[str]]:
    """Run a command in this process: its exit code and its stderr lines."""
    capsys.readouterr()
    code = main(list(argv))
    return code, stderr_lines(capsys.readouterr().err)


# -- (a) a read-only workspace file ---------------------------------------------------------------


def test_records_list_on_a_read_only_file_says_so_in_one_line(data: Path, capsys: Capture) -> None:
    path = _workspace(data)
    before = digest(path)
    with unwritable(path):
        code, err = crmdesk(capsys, "records", "list", "companies", "--data-dir", str(data))
    assert code == 1
    assert err == [f"crmdesk: The workspace file {path} is read-only: crmdesk needs to write to it (your edits "
                   "and what the server sends are kept there). Give your user write permission on it, or copy it "
                   "to a writable folder and start crmdesk with --data-dir there. crmdesk has not changed it."]
    assert digest(path) == before and not beside(path)


def test_chmod_0400_000_and_a_read_only_folder_are_named(data: Path) -> None:
    """Real permissions, met by a real process (one that root's capabilities do not exempt)."""
    path = _workspace(data)
    before = digest(path)
    expected = {
        0o400: f"crmdesk: The workspace file {path} is read-only: crmdesk needs to write to it",
        0o000: f"crmdesk: The workspace file {path} cannot be opened: your user may not read it (permission denied)",
    }
    try:
        for mode, start in expected.items():
            path.chmod(mode)
            result = run_crmdesk("records", "list", "companies", "--data-dir", str(data), obey_permissions=True)
            assert result.returncode == 1, result.stderr
            assert len(stderr_lines(result.stderr)) == 1 and result.stderr.startswith(start), result.stderr
        path.chmod(0o600)
        path.parent.chmod(0o500)
        result = run_crmdesk("records", "list", "companies", "--data-dir", str(data), obey_permissions=True)
        assert result.returncode == 1
        assert len(stderr_lines(result.stderr)) == 1, result.stderr
        assert result.stderr.startswith(f"crmdesk: The folder {path.parent} does not let crmdesk create files")
    finally:
        path.chmod(0o600)
        path.parent.chmod(0o700)
    assert digest(path) == before and not beside(path)


def test_the_window_started_on_a_read_only_file_says_so(data: Path, tmp_path: Path) -> None:
    """``--screenshot`` runs the window's start unattended: the reason goes to stderr, exit 1 (the
    message box the interactive window shows is tests/ui/test_disk_failure_messages.py's)."""
    path = _workspace(data)
    before = digest(path)
    with unwritable(path):
        result = run_crmdesk("--data-dir", str(data), "--workspace", "ws", "--screenshot", str(tmp_path / "w.png"))
    assert result.returncode == 1
    assert stderr_lines(result.stderr) == [f"crmdesk: The workspace file {path} is read-only: crmdesk needs to write "
                                           "to it (your edits and what the server sends are kept there). Give your "
                                           "user write permission on it, or copy it to a writable folder and start "
                                           "crmdesk with --data-dir there. crmdesk has not changed it."]
    assert digest(path) == before and not beside(path)
    assert "is read-only" in (data / "logs" / "crmdesk.log").read_text(encoding="utf-8")  # and the log says so


# -- (b) a read-only folder -----------------------------------------------------------------------


def test_records_list_in_a_read_only_workspaces_folder(data: Path, capsys: Capture) -> None:
    path = _workspace(data)
    before = digest(path)
    with unwritable(path.parent):
        code, err = crmdesk(capsys, "records", "list", "companies", "--data-dir", str(data))
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"crmdesk: The folder {path.parent} does not let crmdesk create files")
    assert digest(path) == before and not beside(path)


def test_the_window_started_in_a_read_only_data_dir_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with unwritable(data):  # empty: its workspaces folder cannot be made
        result = run_crmdesk("--data-dir", str(data), "--screenshot", str(tmp_path / "w.png"))
    assert result.returncode == 1
    assert len(stderr_lines(result.stderr)) == 1, result.stderr
    assert result.stderr.startswith(f"crmdesk: The folder {data} does not let crmdesk create files")
    assert list(data.iterdir()) == []


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=5, seed=3) as running:
        yield running


def test_sync_into_a_read_only_data_dir_or_file(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
    data = tmp_path / "data"
    data.mkdir()
    sync = ("sync", "--url", server.url, "--data-dir", str(data), "--quiet")
    with unwritable(data):  # nothing in it yet: not even the workspaces folder can be made
        code, err = crmdesk(capsys, *sync)
    assert code == 1 and len(err) == 1, err
    assert err[0].startswith(f"Could not open the workspace: The folder {data} does not let crmdesk create files")
    assert sorted(data.iterdir()) == []

    assert crmdesk(capsys, *sync)[0] == 0  # the first sync makes the workspace's file
    (path,) = (data / "workspaces").glob("*.sqlite")
    before = digest(path)
    with unwritable(path):
        code, err = crmdesk(capsys, *sync)
    assert code == 1 and len(err) == 1, err
    assert err[0].startswith(f"Could not open the workspace: The workspace file {path} is read-only")
    assert digest(path) == before
    # (The sync reads the file's meta first, read-only: a reader of a WAL file may leave an empty
    # -wal and its index beside it. Nothing was written.)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


# -- (c) damage met half-way ----------------------------------------------------------------------


def test_records_set_meeting_damage_says_so_and_writes_nothing(
    data: Path, capsys: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    path = _workspace(data)
    damage_value_index(path)
    before = digest(path)
    code, err = crmdesk(capsys, "records", "set", "companies", "c5", "description=new", "--data-dir", str(data))
    assert code == 1
    assert err == [f"crmdesk: The workspace file {path} is damaged and cannot be read (database disk image is "
                   "malformed). crmdesk has not changed it. Move it somewhere safe (it may still hold unsynced edits "
                   "that support can recover), then reconnect the workspace to download it again."]
    assert digest(path) == before and not beside(path)  # no delete, no re-create, no repair


def test_a_read_meeting_damage_says_so_without_a_traceback(
    data: Path, capsys: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    path = _workspace(data)
    damage_value_index(path)
    before = digest(path)
    code, err = crmdesk(capsys, "records", "list", "companies", "--filter", "description contains 5",
                        "--data-dir", str(data))
    assert code == 1
    assert err == ["crmdesk: The workspace file is damaged and cannot be read (database disk image is malformed). "
                   "crmdesk has not changed it. Move it somewhere safe (it may still hold unsynced edits that support "
                   "can recover), then reconnect the workspace to download it again."]
    assert [r.levelname for r in caplog.records] == ["ERROR"]  # the traceback: in the log file only
    caplog.clear()
    assert "Traceback" in (data / "logs" / "crmdesk.log").read_text(encoding="utf-8")
    assert digest(path) == before


# -- (d) a file that cannot be opened at all ------------------------------------------------------


def test_a_folder_or_another_file_where_the_workspace_should_be(data: Path, capsys: Capture) -> None:
    path = _workspace(data)
    path.unlink()
    path.mkdir()
    code, err = crmdesk(capsys, "records", "list", "companies", "--data-dir", str(data))
    assert (code, err) == (1, [f"crmdesk: The workspace file {path} cannot be opened: it is a folder, not a "
                               "file. crmdesk has not changed it."])
    path.rmdir()
    path.write_text("name,email\nAda,ada@example.com\n", encoding="utf-8")
    code, err = crmdesk(capsys, "records", "list", "companies", "--data-dir", str(data))
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"crmdesk: The workspace file {path} is damaged and cannot be read (file is not a "
                             "database). crmdesk has not changed it.")
    assert path.read_text(encoding="utf-8") == "name,email\nAda,ada@example.com\n"
