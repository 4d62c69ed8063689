"""A workspace file belongs to one workspace on one server: queued edits never go elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.model import MutationState
from crmdesk.paths import Paths
from crmdesk.remote import ProtocolError
from crmdesk.store import Store
from crmdesk.store.binding import WorkspaceMismatch, same_server
from crmdesk.workspaces import open_workspace_store

from ._support import client, sandbox_client, sync_through
from .server import HostileServer


def _job_title_on_server(hostile: HostileServer, record_id: str) -> object:
    direct = sandbox_client(hostile.sandbox)
    try:
        return direct.get_record("people", record_id).values.get("job_title")
    finally:
        direct.close()


def test_a_server_answering_as_another_workspace_gets_no_queued_edit(store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    person = store.records.rows(store.records.query_ids("people"))[0]
    store.edits.update_record(person.id, {"job_title": "Meant for the first workspace"})

    hostile.spoil("workspace_id", id="0b7e4a8e-another-workspace")
    report = sync_through(store, hostile)

    assert report.status.value == "error"
    assert "another workspace" in report.message and "did not send it anything" in report.message
    [queued] = store.outbox.all()
    assert queued.state is MutationState.PENDING
    assert _job_title_on_server(hostile, person.id) != "Meant for the first workspace"
    assert store.schema.workspace().id != "0b7e4a8e-another-workspace"

    hostile.behave()
    assert sync_through(store, hostile).status.value == "synced"
    assert _job_title_on_server(hostile, person.id) == "Meant for the first workspace"


@pytest.mark.parametrize("bad_id", [42, {"id": "x"}, ["a"], "", "../../etc/passwd" * 20])
def test_an_unusable_workspace_id_is_a_protocol_error_and_names_no_file(
        tmp_path: Path, hostile: HostileServer, bad_id: object) -> None:
    hostile.spoil("workspace_id", id=bad_id)
    paths = Paths.resolve(tmp_path / "data")
    backend = client(hostile)
    try:
        with pytest.raises(ProtocolError, match=r"unusable workspace id|has no “id”"):
            open_workspace_store(paths, backend, "aria", hostile.url)
    finally:
        backend.close()
    assert not paths.workspaces_dir.exists() or list(paths.workspaces_dir.iterdir()) == []


def test_a_known_workspace_id_from_another_address_is_refused(tmp_path: Path, hostile: HostileServer) -> None:
    paths = Paths.resolve(tmp_path / "data")
    first = client(hostile)
    with open_workspace_store(paths, first, "aria", hostile.url) as store:
        assert sync_through(store, hostile).status.value == "synced"
        store.edits.create_record("companies", {"name": "Waiting for the first server"})
        path = store.path
    first.close()
    before = path.read_bytes()

    # The sandbox's own address answers with the same workspace id: another server, as far as
    # the file knows (a restored backup, a staging copy, a typo'd host serving a copy).
    elsewhere = sandbox_client(hostile.sandbox)
    try:
        with pytest.raises(WorkspaceMismatch) as refused:
            open_workspace_store(paths, elsewhere, "aria", hostile.sandbox.url)
    finally:
        elsewhere.close()
    assert hostile.url in refused.value.message and hostile.sandbox.url in refused.value.message
    assert path.read_bytes() == before
    with Store.open(path) as reopened:
        assert reopened.schema.get_meta("server_url") == hostile.url
        assert [m.changes for m in reopened.outbox.all()] == [{"name": "Waiting for the first server"}]


def test_crmdesk_sync_to_another_address_exits_1_and_says_why(
        tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CRMDESK_TOKEN", hostile.sandbox.admin_token)
    data = str(tmp_path / "data")
    assert main(["sync", "--url", hostile.url, "--data-dir", data, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["sync", "--url", hostile.sandbox.url, "--data-dir", data, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "belongs to the server at " + hostile.url in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("bound", "url", "same"), [
    ("https://crm.example.com", "https://CRM.example.com/", True),
    ("https://crm.example.com", "https://crm.example.com:443", True),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8001", False),
    ("https://crm.example.com", "http://crm.example.com", False),
    ("https://crm.example.com/team-a", "https://crm.example.com/team-b", False),
])
def test_same_server_compares_addresses_as_a_browser_would(bound: str, url: str, same: bool) -> None:
    assert same_server(bound, url) is same
