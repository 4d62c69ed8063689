"""Notes are re-read whole every few minutes (Aria has no "changed since" for them): a re-read
that finds nothing new writes nothing and tells no view, and what did change still arrives."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.remote.aria.adapter import AriaBackend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.sync.pull import Puller

from ._support import backend


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=4) as running:
        yield running


def _reread(store: Store, aria: AriaBackend) -> ChangeSet:
    changes = ChangeSet()
    store.add_change_listener(changes.update)  # what the views would be told
    try:
        Puller(store, aria, aria.capabilities).pull_notes()
    finally:
        store.remove_change_listener(changes.update)
    return changes


def _api(server: SandboxServer, method: str, path: str, **kwargs: object) -> None:
    answer = httpx.request(method, f"{server.api_url}{path}", timeout=10,
                           headers={"Authorization": f"Bearer {server.admin_token}"}, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code < 300, answer.text


def test_a_reread_that_finds_nothing_new_changes_nothing(store: Store, server: SandboxServer) -> None:
    aria = backend(server)
    try:
        _reread(store, aria)  # this session's first read: converts every document once
        before = store.notes.by_id()
        assert before
        again = _reread(store, aria)
        assert not again.notes
        assert store.notes.by_id() == before
    finally:
        aria.close()


def test_a_note_changed_or_deleted_on_the_server_arrives_on_the_next_reread(
    store: Store, server: SandboxServer
) -> None:
    aria = backend(server)
    try:
        _reread(store, aria)
        edited, deleted = sorted(store.notes.ids())[:2]
        document = {"type": "doc", "content": [{"type": "heading", "attrs": {"level": 2},
                                                "content": [{"type": "text", "text": "Renewal plan"}]}]}
        _api(server, "PATCH", f"/notes/{edited}", json={"content": document})
        _api(server, "DELETE", f"/notes/{deleted}")
        changes = _reread(store, aria)
        assert changes.notes
        note = store.notes.get(edited)
        assert note is not None and note.content == "## Renewal plan"
        assert store.notes.get(deleted) is None
    finally:
        aria.close()
