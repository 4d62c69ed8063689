"""Comments written in crmdesk reach the server once: after their record's own create, and when
the answer to a post was lost, by finding the comment on the server rather than posting it again —
even when the record page read it into the cache meanwhile. A server that cannot change a note
refuses a queued note edit with its reason instead of failing at every sync.

The server is the sandbox's attio facade over loopback HTTP (the dialect with comments); what it
holds is read with plain httpx in Attio's shapes (``tests/attio_support.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.model import COMMENT_KIND, MutationState, is_local_id
from crmdesk.remote import OutcomeUnknown
from crmdesk.remote.attio import ATTIO_DEFAULTS, AttioBackend, connect_attio
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport
from crmdesk.sync.push import Pusher
from tests.attio_support import AttioReader

from ._support import FAST_RETRY


def attio(server: SandboxServer) -> AttioBackend:
    plain = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    return connect_attio(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=plain)


def sync(store: Store, server: SandboxServer) -> SyncReport:
    backend = attio(server)
    try:
        return SyncEngine(store, backend).sync()
    finally:
        backend.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[SandboxServer, Store, AttioReader]]:
    with SandboxServer(dialect="attio", records=40, seed=21) as server, Store.open(tmp_path / "w.sqlite") as store:
        reader = AttioReader(server)
        assert sync(store, server).complete
        yield server, store, reader
        assert reader.transport.problems == []
        reader.close()


def posted(reader: AttioReader, object_slug: str, record_id: str) -> list[str]:
    return [c["content_plaintext"] for thread in reader.threads(object_slug, record_id) for c in thread["comments"]]


def cached_comments(store: Store, record_id: str) -> list[tuple[bool, str]]:
    return [(is_local_id(e.id), e.description or "") for e in store.timeline.for_record(record_id)
            if e.kind == COMMENT_KIND]


def a_company(store: Store) -> str:
    return store.records.rows(store.records.query_ids("companies"))[0].id


@pytest.mark.allow_log_warnings(r"Exception in ASGI application", r"^POST /v2/comments failed")
def test_a_comment_whose_answer_was_lost_is_found_even_once_the_record_page_read_it(
    world: tuple[SandboxServer, Store, AttioReader],
) -> None:
    server, store, reader = world
    company = a_company(store)
    store.edits.add_comment(company, "Quote sent, answer lost")
    client = attio(server)
    try:
        client.objects()
        client.probe_capabilities()  # as after a pull: the schema and the token's member are known
        server.set_faults(FaultConfig(drop_rate=1.0, max_faults=1, seed=3))
        with pytest.raises(OutcomeUnknown):
            Pusher(store, client, ATTIO_DEFAULTS).push()
        server.set_faults(None)
        assert store.outbox.all()[0].state is MutationState.IN_FLIGHT
        # The user opens the record: its comments come in, the lost one among them.
        SyncEngine(store, client).pull_timeline(company)
    finally:
        client.close()
    assert sorted(cached_comments(store, company)) == [(False, "Quote sent, answer lost"),
                                                       (True, "Quote sent, answer lost")]
    report = sync(store, server)
    assert report.pending == 0 and report.rejected == 0, report.summary()
    assert posted(reader, "companies", company).count("Quote sent, answer lost") == 1
    assert cached_comments(store, company) == [(False, "Quote sent, answer lost")]


def test_an_older_comment_with_the_same_words_is_not_taken_for_a_lost_one(
    world: tuple[SandboxServer, Store, AttioReader],
) -> None:
    server, store, reader = world
    company = a_company(store)
    long_ago = "2020-01-01T00:00:00.000000000Z"
    me = reader.client.get("/self").json()["authorized_by_workspace_member_id"]
    answer = reader.client.post("/comments", json={"data": {
        "format": "plaintext", "content": "Thanks!", "author": {"type": "workspace-member", "id": me},
        "created_at": long_ago, "record": {"object": "companies", "record_id": company}}})
    assert answer.status_code == 200, answer.text
    mutation = store.edits.add_comment(company, "Thanks!")
    # As after a crash between marking the post in flight and hearing its answer.
    with store.write():
        assert mutation.op_id is not None
        store.outbox.set_state(mutation.op_id, MutationState.IN_FLIGHT)
    report = sync(store, server)
    assert report.pending == 0 and report.rejected == 0, report.summary()
    assert posted(reader, "companies", company).count("Thanks!") == 2


def test_a_comment_on_a_record_made_offline_goes_after_it_under_its_new_id(
    world: tuple[SandboxServer, Store, AttioReader],
) -> None:
    server, store, reader = world
    made = store.edits.create_record("companies", {"name": "Comment Target Ltd"}).target_id
    store.edits.add_comment(made, "First contact at the fair")
    assert is_local_id(made)
    report = sync(store, server)
    assert report.pending == 0 and report.rejected == 0, report.summary()
    [company] = [r["id"]["record_id"] for r in reader.records("companies")
                 if [v["value"] for v in r["values"]["name"] if v["active_until"] is None] == ["Comment Target Ltd"]]
    assert posted(reader, "companies", company) == ["First contact at the fair"]
    assert cached_comments(store, company) == [(False, "First contact at the fair")]


def test_a_note_edit_the_server_cannot_make_is_refused_with_the_reason(
    world: tuple[SandboxServer, Store, AttioReader],
) -> None:
    server, store, _reader = world
    note = next(n for n in store.notes.all() if not is_local_id(n.id))
    store.edits.update_note(note.id, title="Renamed here")
    report = sync(store, server)
    assert report.rejected == 1, report.summary()
    [refused] = store.outbox.all()
    assert refused.state is MutationState.REJECTED
    assert refused.error == ATTIO_DEFAULTS.reason("notes_editable")
