"""Capabilities drive sync, and the workspace file keeps them: the engine stores what it probed
(a later store reads it with no server), the page size and the deletion sweep come from them,
and a note's update and delete name the record it hangs off.

Against the real sandbox over loopback. Where a capability Aria does not have is needed, the
backend is Aria's with that one capability changed — a stand-in for a dialect that has it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crmdesk.model import EntityKind, MutationState, Note
from crmdesk.remote.aria import ARIA_DEFAULTS, AriaBackend
from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.backend import Capabilities, NoteParent
from crmdesk.remote.capabilities_json import capabilities_from_json
from crmdesk.remote.transport import Transport, TransportConfig
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.pull import Puller

from ._requests import RecordingTransport
from ._support import FAST_RETRY, backend


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=14) as running:
        yield running


class Changed(AriaBackend):
    """Aria with ``changes`` laid over what its probe finds; the parents of note calls noted."""

    def __init__(self, transport: Transport, **changes: Any) -> None:
        super().__init__(transport)
        self.changes = changes
        self.parents: list[tuple[str, str, NoteParent | None]] = []

    def probe_capabilities(self) -> Capabilities:
        self._capabilities = replace(super().probe_capabilities(), **self.changes)
        return self._capabilities

    def update_note(self, note_id: str, *, parent: NoteParent | None, **edit: Any) -> Note:
        self.parents.append(("update", note_id, parent))
        return super().update_note(note_id, parent=parent, **edit)

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        self.parents.append(("delete", note_id, parent))
        super().delete_note(note_id, parent=parent)


def changed(server: SandboxServer, recording: RecordingTransport | None = None, **changes: Any) -> Changed:
    plain = recording or httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    transport = Transport(TransportConfig(base_url=server.url, retry=FAST_RETRY), BearerAuth(server.admin_token),
                          http_transport=plain)
    return Changed(transport, **changes)


def api(server: SandboxServer, method: str, path: str) -> Any:
    answer = httpx.request(method, f"{server.api_url}{path}", timeout=10,
                           headers={"Authorization": f"Bearer {server.admin_token}"})
    return answer.status_code, (answer.json().get("data") if answer.content else None)


def test_the_engine_keeps_what_it_probed_and_a_later_store_reads_it_offline(
    tmp_path: Path, server: SandboxServer
) -> None:
    path = tmp_path / "ws.sqlite"
    with Store.open(path) as store:
        assert store.schema.capabilities_json() is None
        client = backend(server)
        try:
            engine = SyncEngine(store, client)
            probed = engine.capabilities
            # Kept as the probe answers, before any sync round.
            assert store.schema.capabilities_json() is not None
        finally:
            client.close()
    # What the probe found, not the defaults: an admin token, and "changed since" works here.
    assert probed.schema_admin and probed.changed_since("people")
    assert not ARIA_DEFAULTS.schema_admin and not ARIA_DEFAULTS.changed_since("people")

    with Store.open(path) as later:
        kept = capabilities_from_json(later.schema.capabilities_json(), ARIA_DEFAULTS)
        assert kept == probed and kept.reasons == probed.reasons
        assert later.schema.value_limits() == probed.value_limits  # what edits are checked against
        # An engine that has not asked its server uses them (a push round never probes).
        offline = SyncEngine(later, backend(server))
        try:
            assert offline.known_capabilities() == probed
        finally:
            offline.backend.close()


def test_the_page_size_asked_for_is_the_capabilities(tmp_path: Path, server: SandboxServer) -> None:
    recording = RecordingTransport()
    client = changed(server, recording)
    try:
        with Store.open(tmp_path / "ws.sqlite") as store:
            caps = replace(client.probe_capabilities(), max_page_size=7)
            puller = Puller(store, client, caps)
            puller.pull_schema()
            mark = recording.mark()
            obj = store.schema.get_object("people")
            assert obj is not None
            puller.pull_records(obj)
            puller.pull_notes()
            puller.pull_tasks()
            sent = recording.since(mark)
            assert len(store.records.ids("people")) > 7  # more than one page was read
    finally:
        client.close()
    pages = [s for s in sent if s.is_page or s.path in ("/api/v1/notes", "/api/v1/tasks")]
    assert {s.path for s in pages} >= {"/api/v1/objects/people/records", "/api/v1/notes", "/api/v1/tasks"}
    assert all("limit=7" in s.query for s in pages), pages


@pytest.mark.parametrize("sweep", [True, False])
def test_the_deletion_sweep_runs_only_where_the_server_needs_it(
    tmp_path: Path, server: SandboxServer, sweep: bool
) -> None:
    recording = RecordingTransport()
    client = changed(server, recording, needs_delete_sweep=sweep)
    try:
        with Store.open(tmp_path / "ws.sqlite") as store:
            engine = SyncEngine(store, client, sweep_interval=timedelta(0))
            assert engine.sync().status.value == "synced"  # a first pull: a full scan
            assert engine.capabilities.changed_since("people")
            mark = recording.mark()
            assert engine.sync().status.value == "synced"  # "changed since", then a sweep if needed
            sent = recording.since(mark)
    finally:
        client.close()
    # A sweep lists every id (plain pages); "changed since" asks by a filtered query.
    full_lists = [s for s in sent if s.method == "GET" and s.path == "/api/v1/objects/people/records"]
    assert bool(full_lists) is sweep


def test_a_note_update_and_delete_carry_the_record_they_hang_off(tmp_path: Path, server: SandboxServer) -> None:
    client = changed(server)
    try:
        with Store.open(tmp_path / "ws.sqlite") as store:
            engine = SyncEngine(store, client)
            assert engine.sync().status.value == "synced"
            person = sorted(store.records.ids("people"))[3]
            store.edits.create_note(person, "Call", "Budget approved")
            assert engine.push().status.value == "synced"
            (note,) = store.notes.for_record(person)
            store.edits.update_note(note.id, title="Call back", content="Budget cut")
            assert engine.push().status.value == "synced"
            assert store.outbox.unsent() == 0
            status, body = api(server, "GET", f"/notes/{note.id}")
            assert status == 200 and body["title"] == "Call back" and "Budget cut" in str(body["content"])
            store.edits.delete_note(note.id)
            assert engine.push().status.value == "synced"
            assert api(server, "GET", f"/notes/{note.id}")[0] == 404
    finally:
        client.close()
    parent = NoteParent("people", person)
    assert client.parents == [("update", note.id, parent), ("delete", note.id, parent)]


def test_a_tasks_links_are_refused_with_the_servers_reason(tmp_path: Path, server: SandboxServer) -> None:
    with Store.open(tmp_path / "ws.sqlite") as store:
        client = backend(server)
        try:
            engine = SyncEngine(store, client)
            assert engine.sync().status.value == "synced"
            person = sorted(store.records.ids("people"))[5]
            store.edits.create_task("Follow up", record_ids=[person])
            assert engine.push().status.value == "synced"
            (task,) = [t for t in store.tasks.all() if t.content == "Follow up"]
            store.edits.update_task(task.id, record_ids=[])
            engine.push()
            (refused,) = [m for m in store.outbox.all() if m.entity is EntityKind.TASK]
        finally:
            client.close()
    assert refused.state is MutationState.REJECTED
    assert refused.error == engine.capabilities.reason("task_links_writable")
