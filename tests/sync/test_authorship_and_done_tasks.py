"""Notes and tasks written here take the server's author and times once pushed; tasks done on
the server (which hides them unless asked) show done, not gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._support import backend, sync


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=8) as running:
        yield running


def _api(server: SandboxServer, method: str, path: str, **kwargs: object) -> dict:
    answer = httpx.request(method, f"{server.api_url}{path}", timeout=10,
                           headers={"Authorization": f"Bearer {server.admin_token}"}, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code < 300, answer.text
    return answer.json()["data"]


def _admin_user(server: SandboxServer) -> str:
    assert server.core is not None
    return next(m["user_id"] for m in server.core.workspace.members() if m["role"] == "admin")


def test_a_note_written_here_takes_the_servers_author_and_times_at_once(store: Store, server: SandboxServer) -> None:
    record_id = sorted(store.records.ids("people"))[0]
    store.edits.create_note(record_id, "Call notes", "Talked **pricing**.")
    [local] = [n for n in store.notes.for_record(record_id) if n.title == "Call notes"]
    assert local.created_by is None  # nobody knows yet who the token belongs to
    assert sync(store, server).status.value == "synced"
    [pushed] = [n for n in store.notes.for_record(record_id) if n.title == "Call notes"]
    on_server = _api(server, "GET", f"/notes/{pushed.id}")
    assert pushed.created_by == on_server["createdBy"] == _admin_user(server)
    assert pushed.created_at == on_server["createdAt"]
    assert pushed.content == "Talked **pricing**."  # what the user typed stays as typed


def test_a_task_written_here_takes_the_servers_author_and_creation_time(store: Store, server: SandboxServer) -> None:
    store.edits.create_task("Send the contract")
    assert sync(store, server).status.value == "synced"
    [pushed] = [t for t in store.tasks.all() if t.content == "Send the contract"]
    assert not pushed.id.startswith("local-")
    rows = _api(server, "GET", "/tasks", params={"showCompleted": "true", "limit": 200})["tasks"]
    [on_server] = [t for t in rows if t["id"] == pushed.id]
    assert pushed.created_by == on_server["createdBy"] == _admin_user(server)
    assert pushed.created_at == on_server["createdAt"]


def test_a_task_completed_in_the_web_app_shows_done_not_gone(store: Store, server: SandboxServer) -> None:
    created = _api(server, "POST", "/tasks", json={"content": "Book the venue"})
    sync(store, server)  # collections come with the full scans on their own: forced below
    engine_backend = backend(server)
    try:
        engine = SyncEngine(store, engine_backend, collections_interval=timedelta(0))
        assert engine.sync().status.value == "synced"
        assert store.tasks.get(created["id"]) is not None
        _api(server, "PATCH", f"/tasks/{created['id']}", json={"isCompleted": True})
        assert engine.sync().status.value == "synced"
    finally:
        engine_backend.close()
    task = store.tasks.get(created["id"])
    assert task is not None and task.done and task.completed_at
