"""``crmdesk links`` on a workspace synced from the atlas facade, with no server running: links
made, re-roled and removed offline, each one store transaction with its queued change; a link made
and removed offline leaves nothing to send; refusals say why and change nothing — and on a server
that keeps no links (Aria), the capability's reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main
from crmdesk.model import EntityKind, MutationOp
from crmdesk.paths import Paths
from crmdesk.remote.aria import ARIA_DEFAULTS
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.workspaces import open_workspace_store

Capture = pytest.CaptureFixture[str]


def _synced(root: Path, dialect: str) -> Path:
    data = root / "data"
    with SandboxServer(dialect=dialect, records=40, seed=3) as server:
        backend = open_backend(dialect, server.url, server.admin_token)
        with open_workspace_store(Paths.resolve(data), backend, dialect, server.url) as store:
            assert SyncEngine(store, backend).sync().complete
        backend.close()
    return data


@pytest.fixture(scope="module")
def atlas_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synced(tmp_path_factory.mktemp("links-atlas"), "atlas")


@pytest.fixture
def data(atlas_data: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(atlas_data, copy)
    return copy


def crmdesk(data: Path, capsys: Capture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*argv, "--data-dir", str(data)])
    out, err = capsys.readouterr()
    return code, out, err


def _store(data: Path) -> Store:
    (path,) = (data / "workspaces").glob("*.sqlite")
    return Store.open(path)


def _ids(data: Path, kind: str) -> list[str]:
    with _store(data) as store:
        return sorted(store.records.ids(kind))


def _links(data: Path, capsys: Capture, kind: str, record_id: str) -> dict[str, Any]:
    code, out, err = crmdesk(data, capsys, "links", "list", kind, record_id, "--json")
    assert code == 0, err
    return dict(json.loads(out))


def test_a_link_made_re_roled_and_listed_offline_is_queued_once_each(data: Path, capsys: Capture) -> None:
    contact, sale = _ids(data, "contact")[0], _ids(data, "sale")[0]
    assert crmdesk(data, capsys, "links", "add", "contact", contact, sale, "--role", " Champion ")[0] == 0
    assert crmdesk(data, capsys, "links", "roles", "contact", contact, sale, "--role", "Champion",
                   "--role", "Budget owner")[0] == 0
    listed = _links(data, capsys, "contact", contact)
    assert [(link["id"], link["roles"], link["pending"], link["refused"]) for link in listed["links"]
            if link["id"] == sale] == [(sale, ["Champion", "Budget owner"], True, None)]
    # Seen from the sale too: one link.
    assert [link["roles"] for link in _links(data, capsys, "sale", sale)["links"] if link["id"] == contact] == [
        ["Champion", "Budget owner"]]
    with _store(data) as store:
        queued = [(m.op, m.scope, m.target_id) for m in store.outbox.all() if m.entity is EntityKind.LINK]
    assert queued == [(MutationOp.CREATE, contact, sale), (MutationOp.UPDATE, contact, sale)]


def test_a_link_made_and_removed_offline_leaves_nothing_to_send(data: Path, capsys: Capture) -> None:
    contact, sale = _ids(data, "contact")[1], _ids(data, "sale")[1]
    assert crmdesk(data, capsys, "links", "add", "contact", contact, sale)[0] == 0
    assert crmdesk(data, capsys, "links", "remove", "contact", contact, sale)[0] == 0
    assert sale not in {link["id"] for link in _links(data, capsys, "contact", contact)["links"]}
    with _store(data) as store:
        assert [m for m in store.outbox.all() if m.entity is EntityKind.LINK] == []


def test_refusals_say_why_and_queue_nothing(data: Path, capsys: Capture) -> None:
    contact, sale = _ids(data, "contact")[2], _ids(data, "sale")[2]
    code, _, err = crmdesk(data, capsys, "links", "remove", "contact", contact, sale)
    assert code == 1 and "is not linked to" in err
    code, _, err = crmdesk(data, capsys, "links", "add", "contact", contact, contact)
    assert code == 1 and "cannot be linked to itself" in err
    code, _, err = crmdesk(data, capsys, "links", "issue", "sale", sale, "not a key")
    assert code == 1 and "is not an issue key" in err
    with _store(data) as store:
        assert store.outbox.all() == []


def test_a_server_without_links_refuses_with_its_reason(tmp_path: Path, capsys: Capture) -> None:
    data = _synced(tmp_path, "aria")
    with _store(data) as store:
        people, companies = sorted(store.records.ids("people")), sorted(store.records.ids("companies"))
    code, _, err = crmdesk(data, capsys, "links", "add", "people", people[0], companies[0])
    assert (code, err.strip()) == (1, f"crmdesk: {ARIA_DEFAULTS.reasons['record_links']}")
    with _store(data) as store:
        assert store.outbox.all() == []
