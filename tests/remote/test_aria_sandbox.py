"""The Aria adapter against the real sandbox server over loopback HTTP, default and --strict."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from crmdesk.remote.aria import AriaBackend, connect_aria
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NetworkError, NotFound, RateLimited, ServerError, ServerRejected, TruncatedAnswer
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.sandbox.server import SandboxServer

from .conftest import FakeClock


@pytest.fixture(scope="module", params=[False, True], ids=["default", "strict"])
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(records=2_500, seed=3, strict=request.param) as running:
        yield running


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AriaBackend]:
    server.set_faults(FaultConfig())
    client = connect_aria(server.url, server.admin_token, clock=FakeClock(),
                          config={"retry": RetryPolicy(max_attempts=2)})
    yield client
    client.close()


def test_capabilities_are_probed(server: SandboxServer, backend: AriaBackend) -> None:
    caps = backend.probe_capabilities()
    assert caps.changed_since("people") is (not server.strict)
    assert caps.schema_admin
    member = connect_aria(server.url, server.member_token)
    assert not member.probe_capabilities().schema_admin
    assert member.capabilities.reason("schema_admin")


def test_the_incremental_probe_queries_only_the_smallest_object(
    server: SandboxServer, backend: AriaBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = {o.slug: len(backend.record_ids(o.slug)) for o in backend.objects()}
    smallest = min((n, slug) for slug, n in counts.items() if n)[1]
    queried: list[str] = []
    query = backend.query

    def spy(path: str, body: object) -> object:
        queried.append(path)
        return query(path, body)

    monkeypatch.setattr(backend, "query", spy)
    caps = backend.probe_capabilities()
    assert caps.changed_since(smallest) is (not server.strict)
    # A strict server is caught by the first question; a default one needs both.
    assert queried == [f"/objects/{smallest}/records/query"] * (1 if server.strict else 2)


def test_schema_workspace_members_search(backend: AriaBackend) -> None:
    assert backend.workspace().id
    assert any(m.is_admin for m in backend.members())
    objects = {o.slug: o for o in backend.objects()}
    stage = objects["deals"].attribute("stage")
    assert stage is not None and {o.title for o in stage.options} >= {"Lead", "Won"}
    assert isinstance(backend.search("a"), list)


def test_paging_misses_nothing_while_records_are_created(backend: AriaBackend) -> None:
    before = backend.record_ids("people")
    assert len(before) >= 1_000 or sum(len(backend.record_ids(o.slug)) for o in backend.objects()) >= 2_000
    seen: list[str] = []
    created: set[str] = set()
    for page in backend.iter_record_pages("people", page_size=200):
        seen.extend(r.id for r in page.records)
        for _ in range(3):  # others keep working while we page
            created.add(backend.create_record("people", {"job_title": "new"}, str(uuid.uuid4())).id)
    assert len(seen) == len(set(seen)), "a record came twice"
    assert before <= set(seen), "a record was missed"
    assert set(seen) <= before | created


def test_changed_since_pulls_only_changes(server: SandboxServer, backend: AriaBackend) -> None:
    backend.probe_capabilities()
    record = backend.create_record("people", {"job_title": "fresh"}, str(uuid.uuid4()))
    assert record.updated_at
    changed = [r.id for p in backend.iter_record_pages("people", changed_since="2000-01-01T00:00:00Z")
               for r in p.records]
    assert record.id in changed
    future = [r for p in backend.iter_record_pages("people", changed_since="2999-01-01T00:00:00Z")
              for r in p.records]
    # Strict servers drop the filter, so the adapter falls back to a full scan.
    assert (future == []) is (not server.strict)


def test_record_round_trip(backend: AriaBackend) -> None:
    deals = {o.slug: o for o in backend.objects()}["deals"]
    stage = deals.attribute("stage")
    assert stage is not None
    won = stage.option_by_title("Qualified")
    assert won is not None
    values = {"name": "Round trip", "value": {"amount": 1200, "currency": "EUR"}, "stage": won.id}
    record = backend.create_record("deals", values, str(uuid.uuid4()))
    assert record.values["name"] == "Round trip"
    assert record.values["stage"] == won.id
    assert record.values["value"]["amount"] == 1200
    assert [r.values["name"] for r in backend.find_records_by("deals", "name", "Round trip")] == ["Round trip"]
    updated = backend.update_record("deals", record.id, {"name": "Renamed", "value": None})
    assert updated.values["name"] == "Renamed" and "value" not in updated.values
    assert backend.get_record("deals", record.id).values["name"] == "Renamed"
    backend.delete_record("deals", record.id)
    backend.delete_record("deals", record.id)  # already gone counts as deleted
    with pytest.raises(NotFound):
        backend.get_record("deals", record.id)


def test_note_round_trip(backend: AriaBackend) -> None:
    person = backend.create_record("people", {"job_title": "noted"}, str(uuid.uuid4()))
    note = backend.create_note("people", person.id, "Call", "Budget approved")
    assert note.record_id == person.id
    assert [n.id for n in backend.notes_for("people", person.id)] == [note.id]
    parent = NoteParent("people", person.id)
    assert backend.update_note(note.id, parent=parent, content="Budget cut").content == "Budget cut"
    # The cache may not know the record (None): Aria addresses a note by its own id anyway.
    assert backend.update_note(note.id, parent=None, title="Call back").title == "Call back"
    assert [(n.title, n.content) for n in backend.notes_for("people", person.id)] == [("Call back", "Budget cut")]
    assert any(n.id == note.id for page in backend.iter_notes() for n in page)
    backend.delete_note(note.id, parent=parent)
    assert backend.notes_for("people", person.id) == []
    backend.delete_note(note.id, parent=None)  # already gone counts as deleted


def test_what_aria_cannot_write_is_refused_not_dropped(backend: AriaBackend) -> None:
    """Its capabilities say so, so sync and the dialogs never ask; a caller that does is told."""
    person = backend.create_record("people", {"job_title": "fixed"}, str(uuid.uuid4()))
    task = backend.create_task("Fixed links", record_ids=[person.id])
    caps = backend.capabilities
    with pytest.raises(ServerRejected) as refused:
        backend.update_task(task.id, record_ids=[])
    assert refused.value.message == caps.reason("task_links_writable")
    assert [t.record_ids for page in backend.iter_tasks() for t in page if t.id == task.id] == [[person.id]]
    attr = next(a for a in backend.get_object("people").attributes if a.id)
    with pytest.raises(ServerRejected) as refused:
        backend.update_attribute("people", str(attr.id), order=0)
    assert refused.value.message == caps.reason("attribute_order_writable")


def test_tasks_lists_timeline_notifications(backend: AriaBackend) -> None:
    person = backend.create_record("people", {"job_title": "busy"}, str(uuid.uuid4()))
    task = backend.create_task("Follow up", record_ids=[person.id])
    assert backend.update_task(task.id, done=True).done
    assert any(t.id == task.id for page in backend.iter_tasks() for t in page)
    backend.delete_task(task.id)
    created = backend.create_list("Sandbox list", "people")
    entry = backend.add_entry(created.id, person.id)
    assert any(e.id == entry.id for page in backend.iter_entries(created.id) for e in page)
    backend.remove_entry(created.id, entry.id)
    backend.create_note("people", person.id, "t", "x")
    assert backend.timeline("people", person.id).events
    assert isinstance(backend.activity("people", person.id), list)
    backend.notifications()
    backend.mark_all_notifications_read()


class RealWallClock(FakeClock):
    """Waits only counted, as FakeClock's; the date read when an answer arrives, not when the test
    began (however long the request took, an HTTP date in a Retry-After reads as the seconds it says)."""

    def time(self) -> float:
        return time.time() + self.now


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        (FaultConfig(empty_500_rate=1.0), ServerError),
        (FaultConfig(fail_rate=1.0), ServerError),
        (FaultConfig(rate_limit_rate=1.0, retry_after=1), RateLimited),
        (FaultConfig(rate_limit_rate=1.0, retry_after=2, retry_after_date=True), RateLimited),
        (FaultConfig(truncate_rate=1.0), TruncatedAnswer),  # asked again, cut short every time
        (FaultConfig(drop_rate=1.0), NetworkError),
    ],
)
def test_faults_map_to_typed_errors(
    server: SandboxServer, faults: FaultConfig, error: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    clock = RealWallClock()  # the sandbox dates its Retry-After by the real clock
    client = connect_aria(
        server.url, server.admin_token, clock=clock, config={"retry": RetryPolicy(max_attempts=2)}
    )
    server.set_faults(faults)
    try:
        with pytest.raises(error):
            client.workspace()
    finally:
        server.set_faults(FaultConfig())
        client.close()
    if error is RateLimited:
        assert clock.sleeps and clock.sleeps[0] == pytest.approx(faults.retry_after, abs=1.5)
    caplog.clear()  # the retries' warnings (and the server's own, for a dropped connection) were expected
