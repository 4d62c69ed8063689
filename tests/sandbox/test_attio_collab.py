"""The attio facade around records: notes, tasks, comment threads, lists and entries, tokens and
scopes, idempotent creates, the rate limit and injected faults — over loopback HTTP, every
exchange checked against Attio's spec where the spec describes it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.attio import RateLimits
from crmdesk.sandbox.faults import FaultConfig
from tests.attio_spec import ERROR_SHAPE, SpecCheckingTransport
from tests.sandbox.attio_support import Demo, checked_client, data, first

# Fixtures on this module's ``server`` (the redundant aliases re-export them, so ruff keeps them).
from tests.sandbox.attio_support import api as api
from tests.sandbox.attio_support import checked as checked
from tests.sandbox.attio_support import demo as demo

ERROR_KEYS = set(ERROR_SHAPE["required"])


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="attio", records=40, seed=9) as running:
        yield running


def test_a_note_round_trip(api: httpx.Client, demo: Demo) -> None:
    body = {"parent_object": "people", "parent_record_id": demo.person_id, "title": "Kick-off", "format": "markdown",
            "content": "## Agenda\n\n- **Pricing** agreed\n- Next call"}
    made = data(api.post("/notes", json={"data": body}))
    assert made["content_markdown"] == body["content"]
    assert made["content_plaintext"] == "Agenda\n• Pricing agreed\n• Next call"
    note_id = made["id"]["note_id"]
    assert data(api.get(f"/notes/{note_id}")) == made
    mine = data(api.get("/notes", params={"parent_object": "people", "parent_record_id": demo.person_id}))
    assert note_id in [n["id"]["note_id"] for n in mine]
    plain = data(api.post("/notes", json={"data": {**body, "format": "plaintext", "content": "Price: *50%* off"}}))
    assert plain["content_plaintext"] == "Price: *50%* off"
    assert api.delete(f"/notes/{note_id}").json() == {}
    assert api.get(f"/notes/{note_id}").status_code == 404


def test_notes_come_at_most_fifty_a_page(server: SandboxServer, api: httpx.Client, demo: Demo) -> None:
    for n in range(55):
        server.core.notes.create(demo.company_id, f"Note {n}", f"Text {n}", None)
    total = server.core.db.scalar("SELECT COUNT(*) FROM notes")
    pages, offset = [], 0
    while page := data(api.get("/notes", params={"limit": "100", "offset": str(offset)})):
        assert len(page) <= 50
        pages.append(page)
        offset += len(page)
    ids = [n["id"]["note_id"] for page in pages for n in page]
    assert len(ids) == len(set(ids)) == total


def test_a_task_round_trip(api: httpx.Client, demo: Demo) -> None:
    body = {"content": "Send the contract", "format": "plaintext", "deadline_at": "2030-02-01T10:00:00.000Z",
            "is_completed": False, "linked_records": [{"target_object": "deals", "target_record_id": demo.deal_id}],
            "assignees": [{"workspace_member_email_address": "sam@sandbox.test"}]}
    made = data(api.post("/tasks", json={"data": body}))
    task_id = made["id"]["task_id"]
    deals = data(api.get("/objects/deals"))["id"]["object_id"]
    assert made["linked_records"] == [{"target_object_id": deals, "target_record_id": demo.deal_id}]
    assert made["deadline_at"] == "2030-02-01T10:00:00.000000000Z"
    assert [a["referenced_actor_id"] for a in made["assignees"]] == [demo.other_member_id]
    done = data(api.patch(f"/tasks/{task_id}", json={"data": {"is_completed": True, "deadline_at": None,
                                                               "assignees": []}}))
    assert (done["is_completed"], done["deadline_at"], done["assignees"]) == (True, None, [])
    with httpx.Client(base_url=str(api.base_url), headers=dict(api.headers)) as unchecked:  # the spec refuses it too
        refused = unchecked.patch(f"/tasks/{task_id}", json={"data": {"content": "Changed"}})
    assert refused.status_code == 400 and refused.json()["code"] == "validation_type"
    assert data(api.get(f"/tasks/{task_id}"))["content_plaintext"] == body["content"]
    newest = data(api.get("/tasks", params={"sort": "created_at:desc", "limit": "1"}))
    oldest = data(api.get("/tasks", params={"sort": "created_at:asc"}))
    assert newest[0]["id"]["task_id"] == task_id == oldest[-1]["id"]["task_id"]
    linked = data(api.get("/tasks", params={"linked_object": "deals", "linked_record_id": demo.deal_id}))
    assert task_id in [t["id"]["task_id"] for t in linked]
    assert api.delete(f"/tasks/{task_id}").json() == {}
    assert api.get(f"/tasks/{task_id}").status_code == 404


def _comment(api: httpx.Client, demo: Demo, content: str, **target: Any) -> dict[str, Any]:
    body = {"format": "plaintext", "content": content, "author": {"type": "workspace-member", "id": demo.member_id},
            **target}
    return dict(data(api.post("/comments", json={"data": body})))


def test_comment_threads_on_a_record(server: SandboxServer, demo: Demo) -> None:
    client, transport = checked_client(server, check_requests=False)  # the spec wants no format on a reply
    with client:
        record = data(client.post("/objects/companies/records", json={"data": {"values": {"name": ["Threaded"]}}}))
        record_id = record["id"]["record_id"]
        head = _comment(client, demo, "First", record={"object": "companies", "record_id": record_id})
        reply = _comment(client, demo, "Second", thread_id=head["thread_id"])
        threads = data(client.get("/threads", params={"object": "companies", "record_id": record_id}))
        assert [[c["content_plaintext"] for c in t["comments"]] for t in threads] == [["First", "Second"]]
        assert head["record"]["record_id"] == record_id and head["entry"] is None
        assert client.delete(f"/comments/{reply['id']['comment_id']}").json() == {}
        assert len(data(client.get(f"/threads/{head['thread_id']}"))["comments"]) == 1
        _comment(client, demo, "Third", thread_id=head["thread_id"])
        client.delete(f"/comments/{head['id']['comment_id']}")  # the head: the thread goes with its answers
        assert client.get(f"/threads/{head['thread_id']}").status_code == 404
        assert data(client.get("/threads", params={"object": "companies", "record_id": record_id})) == []
        on_entry = _comment(client, demo, "On the entry", entry={"list": demo.list_slug, "entry_id": demo.entry_id})
        assert on_entry["entry"] == {"entry_id": demo.entry_id, "list_id": demo.list_id}
    assert transport.problems == []


def test_a_bad_comment_answers_both_spellings_of_the_status(api: httpx.Client, demo: Demo) -> None:
    answer = api.post("/comments", json={"data": {"format": "plaintext", "content": "x", "author": {
        "type": "workspace-member", "id": str(uuid.UUID(int=1))}, "record": {"object": "deals",
                                                                            "record_id": demo.deal_id}}})
    assert answer.json()["status_code"] == answer.json()["statusCode"] == 400


def test_lists_and_entries(api: httpx.Client, demo: Demo) -> None:
    slug = "l" + uuid.uuid4().hex[:8]
    made = data(api.post("/lists", json={"data": {"name": "Hot leads", "api_slug": slug, "parent_object": "people",
                                                  "workspace_access": "full-access", "workspace_member_access": []}}))
    assert made["parent_object"] == ["people"]
    api.post(f"/lists/{slug}/attributes", json={"data": {
        "title": "Tags", "description": None, "api_slug": "tags", "type": "select", "is_required": False,
        "is_unique": False, "is_multiselect": True, "config": {}}})
    for title in ("Warm", "Hot", "VIP"):
        api.post(f"/lists/{slug}/attributes/tags/options", json={"data": {"title": title}})
    entry = data(api.post(f"/lists/{slug}/entries", json={"data": {
        "parent_record_id": demo.person_id, "parent_object": "people", "entry_values": {"tags": ["Warm"]}}}))
    path = f"/lists/{slug}/entries/{entry['id']['entry_id']}"

    def tags(answer: httpx.Response) -> list[str]:
        return [v["option"]["title"] for v in data(answer)["entry_values"]["tags"]]

    assert tags(api.patch(path, json={"data": {"entry_values": {"tags": ["Hot"]}}})) == ["Warm", "Hot"]
    assert tags(api.put(path, json={"data": {"entry_values": {"tags": ["VIP"]}}})) == ["VIP"]
    found = data(api.post(f"/lists/{slug}/entries/query", json={"filter": {"tags": "vip"}}))
    assert [e["id"] for e in found] == [entry["id"]]
    history = data(api.get(f"{path}/attributes/tags/values", params={"show_historic": "true"}))
    assert [(v["option"]["title"], v["active_until"] is None) for v in history] == [
        ("Warm", False), ("Hot", False), ("VIP", True)]
    assert api.delete(path).json() == {} and api.get(path).status_code == 404


def test_a_member_token_cannot_change_the_schema(server: SandboxServer) -> None:
    member, transport = checked_client(server, server.member_token)
    with member:
        scopes = member.get("/self").json()["scope"].split()
        refused = member.post("/objects/people/attributes", json={"data": {
            "title": "Nickname", "description": None, "api_slug": "nickname", "type": "text", "is_required": False,
            "is_unique": False, "is_multiselect": False, "config": {}}})
        list_refused = member.post("/lists", json={"data": {
            "name": "Mine", "api_slug": "mine", "parent_object": "people", "workspace_access": "full-access",
            "workspace_member_access": []}})
        allowed = member.post("/objects/companies/records", json={"data": {"values": {"name": ["Member made"]}}})
    assert "object_configuration:read-write" not in scopes and "record_permission:read-write" in scopes
    for answer in (refused, list_refused):
        assert answer.status_code == 403 and set(answer.json()) >= ERROR_KEYS and answer.json()["status_code"] == 403
    assert allowed.status_code == 200
    # The spec documents POST /v2/lists's 403 as billing_error only; a missing scope is a 403 all the same.
    assert transport.problems == ["POST /v2/lists 403: code: 'missing_scopes' is not one of ['billing_error']"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer"])
def test_a_bad_token_is_a_401(server: SandboxServer, header: str | None) -> None:
    transport = SpecCheckingTransport()
    with httpx.Client(base_url=server.api_url, transport=transport,
                      headers={"Authorization": header} if header else {}) as client:
        answer = client.get("/objects")
    assert answer.status_code == 401 and answer.json()["status_code"] == 401
    assert transport.problems == []


def test_an_idempotency_key_makes_one_record(api: httpx.Client, server: SandboxServer) -> None:
    before = server.core.records.count("companies")
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"data": {"values": {"name": ["Once only"]}}}
    first_answer = api.post("/objects/companies/records", json=body, headers=headers)
    again = api.post("/objects/companies/records", json=body, headers=headers)
    assert data(first_answer)["id"] == data(again)["id"] and again.headers["idempotent-replayed"] == "true"
    assert server.core.records.count("companies") == before + 1


def test_the_rate_limit_answers_429_with_an_http_date() -> None:
    limits = RateLimits(reads_per_second=3, writes_per_second=1, window_seconds=3600)
    with SandboxServer(dialect="attio", records=0, rate_limit=limits) as limited:
        client, transport = checked_client(limited)
        with client:
            reads = [client.get("/objects").status_code for _ in range(4)]
            writes = [client.post("/objects/companies/records", json={"data": {"values": {"name": [n]}}}).status_code
                      for n in ("a", "b")]
            limited_answer = client.get("/objects")
    assert (reads, writes) == ([200, 200, 200, 429], [200, 429])
    assert limited_answer.json()["status_code"] == 429 and limited_answer.json()["type"] == "rate_limit_error"
    assert parsedate_to_datetime(limited_answer.headers["retry-after"]).tzinfo is not None
    assert transport.problems == []
    assert SandboxServer(dialect="attio", rate_limit=True).settings.rate_limits == RateLimits()


def test_injected_faults_answer_in_attios_error_shape() -> None:
    faults = FaultConfig(fail_rate=1.0, max_faults=1)
    with (SandboxServer(dialect="attio", records=0, faults=faults) as faulty,
          httpx.Client(base_url=faulty.api_url, headers={"Authorization": f"Bearer {faulty.admin_token}"}) as c):
        failed, then = c.get("/objects"), c.get("/objects")
        faulty.set_faults(FaultConfig(rate_limit_rate=1.0, retry_after_date=True, max_faults=1))
        limited = c.get("/objects")
    assert failed.status_code in (500, 502, 503) and set(failed.json()) == ERROR_KEYS
    assert failed.json()["status_code"] == failed.status_code and then.status_code == 200
    assert limited.status_code == 429 and set(limited.json()) == ERROR_KEYS
    assert parsedate_to_datetime(limited.headers["retry-after"]).tzinfo is not None


def test_demo_comment_threads_are_served(server: SandboxServer, api: httpx.Client) -> None:
    record_id = server.core.db.scalar("SELECT record_id FROM attio_threads LIMIT 1")
    slug = server.core.records.find(record_id).object_slug  # type: ignore[union-attr]
    threads = data(api.get("/threads", params={"object": slug, "record_id": record_id}))
    assert threads and all(t["comments"] for t in threads)
    assert first(data(api.get(f"/objects/{slug}/records/{record_id}"))["values"], "name") is not None


def test_a_data_file_reopens_with_its_tokens_history_and_threads(tmp_path: Any) -> None:
    path = tmp_path / "attio.sqlite"
    with SandboxServer(dialect="attio", records=20, db_path=path) as first_run:
        client, _ = checked_client(first_run)
        with client:
            record = data(client.post("/objects/companies/records", json={"data": {"values": {"name": ["Old"]}}}))
            record_path = f"/objects/companies/records/{record['id']['record_id']}"
            client.put(record_path, json={"data": {"values": {"name": ["New"]}}})
        token, threads = first_run.admin_token, first_run.core.db.scalar("SELECT COUNT(*) FROM attio_threads")
    with SandboxServer(dialect="attio", db_path=path) as second_run:
        assert second_run.admin_token == token
        client, transport = checked_client(second_run)
        with client:
            history = data(client.get(f"{record_path}/attributes/name/values", params={"show_historic": "true"}))
            assert [v["value"] for v in history] == ["Old", "New"]
            assert second_run.core.db.scalar("SELECT COUNT(*) FROM attio_threads") == threads > 0
        assert transport.problems == []
    with pytest.raises(ValueError, match="made by the attio sandbox"):
        SandboxServer(dialect="aria", db_path=path).start()


def test_threads_come_ten_by_default_and_at_most_fifty_a_page(api: httpx.Client, demo: Demo) -> None:
    """``GET /v2/threads``: "The default is 10 and the maximum is 50" (the spec)."""
    record = data(api.post("/objects/companies/records", json={"data": {"values": {"name": ["Talkative"]}}}))
    target = {"object": "companies", "record_id": record["id"]["record_id"]}
    for n in range(55):
        _comment(api, demo, f"Comment {n}", record=target)
    assert len(data(api.get("/threads", params=target))) == 10
    pages, offset = [], 0
    while page := data(api.get("/threads", params={**target, "limit": "500", "offset": str(offset)})):
        assert len(page) <= 50
        pages.append(page)
        offset += len(page)
    assert [len(page) for page in pages] == [50, 5]
    assert len({t["id"]["thread_id"] for page in pages for t in page}) == 55
    assert api.delete(f"/objects/companies/records/{record['id']['record_id']}").json() == {}


def test_entries_sort_by_entry_id(api: httpx.Client, demo: Demo) -> None:
    """A list's entries answer a sort on ``entry_id`` (the adapter sorts entries by ``created_at`` alone)."""
    for direction in ("asc", "desc"):
        found = [e["id"]["entry_id"] for e in data(api.post(f"/lists/{demo.list_slug}/entries/query", json={
            "sorts": [{"direction": direction, "attribute": "entry_id"}]}))]
        assert len(found) > 2 and found == sorted(found, reverse=direction == "desc")


def test_a_query_is_paced_as_a_read_though_it_is_a_post() -> None:
    limits = RateLimits(reads_per_second=2, writes_per_second=1, window_seconds=3600)
    with SandboxServer(dialect="attio", records=0, rate_limit=limits) as limited:
        client, transport = checked_client(limited)
        with client:
            written = client.post("/objects/companies/records", json={"data": {"values": {"name": ["a"]}}})
            queries = [client.post("/objects/companies/records/query", json={"limit": 1}).status_code
                       for _ in range(3)]
    # The one write a window allows went to the create; the queries use the reads' two.
    assert written.status_code == 200 and queries == [200, 200, 429]
    assert transport.problems == []
