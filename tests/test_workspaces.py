"""Which workspace opens when none is named: the last used, else the only one, else a choice.
The window and the ``records``/``notes`` commands share this decision."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.paths import Paths
from crmdesk.store import EmptyDatabase, MissingDatabase, Store
from crmdesk.workspaces import (
    UnknownWorkspace,
    WorkspaceChoice,
    choose_workspace,
    describe_workspace,
    forget_last_workspace,
    last_workspace,
    remember_last_workspace,
    why_none_chosen,
)


def _workspaces(paths: Paths, *ids: str) -> list[Path]:
    made = []
    for workspace_id in ids:
        with Store.open(paths.workspace_db(workspace_id)) as store, store.write():
            store.schema.set_meta("workspace_name", f"Team {workspace_id}")
            store.schema.set_meta("server_url", f"https://{workspace_id}.example.com")
        made.append(paths.workspace_db(workspace_id))
    return made


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    resolved = Paths.resolve(tmp_path / "data")
    resolved.ensure()
    return resolved


def test_no_workspace_means_nothing_to_open(paths: Paths) -> None:
    assert choose_workspace(paths) == WorkspaceChoice(None, ())


def test_the_only_workspace_opens_and_the_demo_never_on_its_own(paths: Paths) -> None:
    (demo,) = _workspaces(paths, "demo")
    assert choose_workspace(paths) == WorkspaceChoice(None, ())  # its server only runs with --demo
    (ours,) = _workspaces(paths, "acme")
    assert choose_workspace(paths) == WorkspaceChoice(ours)
    assert choose_workspace(paths, "demo") == WorkspaceChoice(demo)


def test_several_ask_unless_one_was_used_last(paths: Paths) -> None:
    acme, globex = _workspaces(paths, "acme", "globex")
    assert choose_workspace(paths) == WorkspaceChoice(None, (acme, globex))
    remember_last_workspace(paths, "globex")
    assert last_workspace(paths) == "globex"
    assert choose_workspace(paths) == WorkspaceChoice(globex)
    assert choose_workspace(paths, "acme") == WorkspaceChoice(acme)  # a name wins over the last used
    globex.unlink()
    # The last one's file is gone: said, never replaced by the only one left as if nothing happened.
    gone = choose_workspace(paths)
    assert gone == WorkspaceChoice(None, (acme,), missing="globex")
    assert "“globex” used last is missing" in why_none_chosen(paths, gone)
    forget_last_workspace(paths)
    assert last_workspace(paths) is None


def test_an_unknown_name_says_which_exist(paths: Paths) -> None:
    _workspaces(paths, "acme", "globex")
    with pytest.raises(UnknownWorkspace, match=r"no workspace “initech”.*acme, globex"):
        choose_workspace(paths, "initech")


def test_a_summary_is_read_without_writing_the_file(paths: Paths) -> None:
    (acme,) = _workspaces(paths, "acme")
    with Store.open(acme) as store, store.write():
        store.schema.set_meta("last_sync_at", "2026-11-30T10:00:00.000Z")
    before = acme.read_bytes()
    summary = describe_workspace(acme)
    assert (summary.id, summary.name, summary.server_url, summary.last_synced_at) == (
        "acme", "Team acme", "https://acme.example.com", "2026-11-30T10:00:00.000Z")
    assert acme.read_bytes() == before
    broken = paths.workspaces_dir / "broken.sqlite"
    broken.write_bytes(b"not a database at all" * 100)
    assert describe_workspace(broken).name == "broken"


# -- a file that lost its bytes or went missing is reported, never started afresh ------------------


def test_a_zero_byte_workspace_file_is_refused_and_left_as_it_is(paths: Paths) -> None:
    path = paths.workspace_db("acme")
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabase, match=r"is empty \(0 bytes\).*has not started it afresh"):
        Store.open(path)
    assert path.stat().st_size == 0
    assert not path.with_name(path.name + "-wal").exists()


def test_a_known_workspace_whose_file_went_missing_is_not_made_again(paths: Paths) -> None:
    path = paths.workspace_db("gone")
    with pytest.raises(MissingDatabase, match="is missing: it was moved or deleted"):
        Store.open(path, create=False)
    assert not path.exists()


def test_records_list_says_the_last_workspace_is_missing_and_makes_nothing(
        paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    _acme, globex = _workspaces(paths, "acme", "globex")
    remember_last_workspace(paths, "globex")
    globex.unlink()

    code = main(["records", "list", "people", "--data-dir", str(paths.data_dir)])

    assert code == 1
    err = capsys.readouterr().err
    assert "“globex” used last is missing" in err and "Traceback" not in err
    assert sorted(p.name for p in paths.workspaces_dir.glob("*.sqlite")) == ["acme.sqlite"]


def test_records_list_on_a_zero_byte_file_says_so(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.workspace_db("acme")
    path.write_bytes(b"")
    os.utime(path, (0, 0))

    code = main(["records", "list", "people", "--workspace", "acme", "--data-dir", str(paths.data_dir)])

    assert code == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err
    assert path.stat().st_size == 0 and path.stat().st_mtime == 0
