"""The attio facade against Attio's own OpenAPI: every answer of every operation the facade serves
(successes and the documented 400/404/409 errors) validates against the operation's response schema,
every request these tests send against its request schema (``tests/attio_spec.py``), over loopback
HTTP to a real ``SandboxServer(dialect="attio")``. One test per operation; the behaviour a client
notices is in ``test_attio_records.py`` and ``test_attio_collab.py``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.attio_spec import SEARCH, SpecCheckingTransport, operations
from tests.sandbox.attio_support import Demo, data

# Fixtures on this module's ``server`` (the redundant aliases re-export them, so ruff keeps them).
from tests.sandbox.attio_support import checked as checked
from tests.sandbox.attio_support import demo as demo

MISSING = str(uuid.UUID(int=7))


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="attio", records=40, seed=11) as running:
        yield running


def _unique() -> str:
    return "t" + uuid.uuid4().hex[:10]


def _person(c: httpx.Client, email: str | None = None) -> str:
    values: dict[str, Any] = {"name": [{"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"}],
                              "email_addresses": [{"email_address": email or f"{_unique()}@example.com"}]}
    return str(data(c.post("/objects/people/records", json={"data": {"values": values}}))["id"]["record_id"])


def _note(c: httpx.Client, d: Demo) -> str:
    body = {"data": {"parent_object": "people", "parent_record_id": d.person_id, "title": "Call", "format": "markdown",
                     "content": "# Call\n\n- **price** agreed"}}
    return str(data(c.post("/notes", json=body))["id"]["note_id"])


def _task(c: httpx.Client, d: Demo) -> str:
    linked = [{"target_object": "deals", "target_record_id": d.deal_id}]
    body = {"data": {"content": "Send the contract", "format": "plaintext", "deadline_at": "2030-01-01T09:00:00Z",
                     "is_completed": False, "linked_records": linked,
                     "assignees": [{"referenced_actor_type": "workspace-member", "referenced_actor_id": d.member_id}]}}
    return str(data(c.post("/tasks", json=body))["id"]["task_id"])


def _comment(c: httpx.Client, d: Demo, **target: Any) -> dict[str, Any]:
    body = {"format": "plaintext", "content": "Looks good", "author": {"type": "workspace-member", "id": d.member_id},
            **(target or {"record": {"object": "deals", "record_id": d.deal_id}})}
    return dict(data(c.post("/comments", json={"data": body})))


def _select_attribute(c: httpx.Client) -> str:
    slug = _unique()
    c.post("/objects/companies/attributes", json={"data": {
        "title": slug, "description": None, "api_slug": slug, "type": "select", "is_required": False,
        "is_unique": False, "is_multiselect": True, "config": {}}})
    return slug


# -- one exercise per operation: (operation, what to send) --------------------------------------------------

Exercise = Callable[[httpx.Client, Demo], None]


def _attributes_post(c: httpx.Client, d: Demo) -> None:
    slug = _unique()
    body = {"data": {"title": "Tier", "description": "How big", "api_slug": slug, "type": "currency",
                     "is_required": False, "is_unique": False, "is_multiselect": False,
                     "config": {"currency": {"default_currency_code": "EUR", "display_type": "code"}}}}
    made = data(c.post("/objects/companies/attributes", json=body))
    assert made["config"]["currency"]["default_currency_code"] == "EUR"
    assert c.post("/objects/companies/attributes", json=body).status_code == 409
    assert c.post("/objects/nothing/attributes", json=body).status_code == 404
    body["data"]["api_slug"] = _unique()
    assert data(c.post(f"/lists/{d.list_slug}/attributes", json=body))["id"]["object_id"] == d.list_id
    body["data"].update(api_slug=_unique(), type="checkbox", is_multiselect=True)
    assert c.post("/objects/companies/attributes", json=body).json()["code"] == "validation_type"


def _attribute_patch(c: httpx.Client, d: Demo) -> None:
    slug = _select_attribute(c)
    body = {"data": {"title": "Sector", "is_archived": True}}
    got = data(c.patch(f"/objects/companies/attributes/{slug}", json=body))
    assert (got["title"], got["is_archived"]) == ("Sector", True)
    assert c.patch("/objects/people/attributes/name", json={"data": {"api_slug": "moniker"}}).json()["code"] == \
        "system_edit_unauthorized"
    assert c.patch("/objects/people/attributes/nothing", json={"data": {"title": "x"}}).status_code == 404


def _options_post(c: httpx.Client, d: Demo) -> None:
    slug = _select_attribute(c)
    path = f"/objects/companies/attributes/{slug}/options"
    assert data(c.post(path, json={"data": {"title": "Big"}}))["title"] == "Big"
    assert c.post(f"/objects/companies/attributes/{slug}/options", json={"data": {"title": "big"}}).status_code == 409
    assert c.post("/objects/companies/attributes/nothing/options", json={"data": {"title": "x"}}).status_code == 404


def _option_patch(c: httpx.Client, d: Demo) -> None:
    slug = _select_attribute(c)
    for title in ("Big", "Small"):
        c.post(f"/objects/companies/attributes/{slug}/options", json={"data": {"title": title}})
    got = data(c.patch(f"/objects/companies/attributes/{slug}/options/Big", json={"data": {"is_archived": True}}))
    assert got["is_archived"] is True
    assert c.patch(f"/objects/companies/attributes/{slug}/options/Small", json={"data": {"title": "Big"}}
                   ).status_code == 409
    assert c.patch(f"/objects/companies/attributes/{slug}/options/{MISSING}", json={"data": {"title": "x"}}
                   ).status_code == 404


def _statuses_post(c: httpx.Client, d: Demo) -> None:
    title = _unique()
    got = data(c.post("/objects/deals/attributes/stage/statuses", json={"data": {
        "title": title, "celebration_enabled": True, "target_time_in_status": "P0Y0M1DT0H0M0S"}}))
    assert (got["celebration_enabled"], got["target_time_in_status"]) == (True, "P0Y0M1DT0H0M0S")
    assert c.post("/objects/deals/attributes/stage/statuses", json={"data": {"title": title}}).status_code == 409
    assert c.post("/objects/deals/attributes/name/statuses", json={"data": {"title": "x"}}).status_code == 404


def _status_patch(c: httpx.Client, d: Demo) -> None:
    title = _unique()
    data(c.post("/objects/deals/attributes/stage/statuses", json={"data": {"title": title}}))
    assert data(c.patch(f"/objects/deals/attributes/stage/statuses/{title}", json={"data": {"is_archived": True}}
                        ))["is_archived"] is True
    assert c.patch(f"/objects/deals/attributes/stage/statuses/{title}", json={"data": {"title": "Won"}}
                   ).status_code == 409
    assert c.patch(f"/objects/deals/attributes/stage/statuses/{MISSING}", json={"data": {"title": "x"}}
                   ).status_code == 404


def _records_query(c: httpx.Client, d: Demo) -> None:
    for slug in ("people", "companies", "deals"):
        assert data(c.post(f"/objects/{slug}/records/query", json={"limit": 500}))
    data(c.post("/objects/people/records/query", json={"filter": {"name": {"full_name": {"$eq": "Nobody"}}}}))
    assert c.post("/objects/people/records/query", json={"filter": {"nothing": "x"}}).json()["code"] == "filter_error"
    assert c.post("/objects/nothing/records/query", json={}).status_code == 404


def _records_post(c: httpx.Client, d: Demo) -> None:
    values = {"name": ["Big deal"], "stage": ["Lead"], "value": [{"currency_value": 1200}],
              "company": [{"target_object": "companies", "target_record_id": d.company_id}],
              "owner": [{"referenced_actor_type": "workspace-member", "referenced_actor_id": d.member_id}],
              "expected_close_date": ["2030-05-01"]}
    assert data(c.post("/objects/deals/records", json={"data": {"values": values}}))["values"]["value"][0] == {
        **data(c.post("/objects/deals/records/query", json={"limit": 1}))[0]["values"]["value"][0],
        "currency_value": 1200}
    assert c.post("/objects/deals/records", json={"data": {"values": {"stage": ["Nope"]}}}).json()["code"] == \
        "value_not_found"
    assert c.post("/objects/nothing/records", json={"data": {"values": {}}}).status_code == 404


def _records_assert(c: httpx.Client, d: Demo) -> None:
    email = f"{_unique()}@example.com"
    body = {"data": {"values": {"email_addresses": [email], "job_title": ["CTO"]}}}
    first = data(c.put("/objects/people/records", params={"matching_attribute": "email_addresses"}, json=body))
    again = data(c.put("/objects/people/records", params={"matching_attribute": "email_addresses"}, json=body))
    assert first["id"] == again["id"]
    assert c.put("/objects/people/records", params={"matching_attribute": "job_title"},
                 json={"data": {"values": {"name": ["X"]}}}).json()["code"] == "value_not_found"
    assert c.put("/objects/nothing/records", params={"matching_attribute": "name"}, json=body).status_code == 404


def _record_put(c: httpx.Client, d: Demo) -> None:
    record = _person(c)
    data(c.put(f"/objects/people/records/{record}", json={"data": {"values": {"job_title": ["CEO"]}}}))
    assert c.put(f"/objects/people/records/{record}", json={"data": {"values": {"name": []}}}).json()["code"] == \
        "missing_value"
    assert c.put(f"/objects/people/records/{MISSING}", json={"data": {"values": {}}}).status_code == 404


def _record_patch(c: httpx.Client, d: Demo) -> None:
    record = _person(c)
    data(c.patch(f"/objects/people/records/{record}", json={"data": {"values": {"job_title": ["CFO"]}}}))
    assert c.patch(f"/objects/people/records/{record}", json={"data": {"values": {"name": []}}}).status_code == 400
    assert c.patch(f"/objects/people/records/{MISSING}", json={"data": {"values": {}}}).status_code == 404


def _record_delete(c: httpx.Client, d: Demo) -> None:
    record = _person(c)
    assert c.delete(f"/objects/people/records/{record}").json() == {}
    assert c.delete(f"/objects/people/records/{record}").status_code == 404


def _record_values(c: httpx.Client, d: Demo) -> None:
    record = _person(c)
    c.put(f"/objects/people/records/{record}", json={"data": {"values": {"job_title": ["CEO"]}}})
    c.put(f"/objects/people/records/{record}", json={"data": {"values": {"job_title": ["CFO"]}}})
    got = data(c.get(f"/objects/people/records/{record}/attributes/job_title/values", params={"show_historic": "true"}))
    assert [v["value"] for v in got] == ["CEO", "CFO"]
    assert c.get(f"/objects/people/records/{record}/attributes/job_title/values", params={"limit": "-1"}
                 ).json()["code"] == "validation_type"
    assert c.get(f"/objects/people/records/{MISSING}/attributes/name/values").status_code == 404


def _record_entries(c: httpx.Client, d: Demo) -> None:
    entry = data(c.get(f"/lists/{d.list_slug}/entries/{d.entry_id}"))
    got = data(c.get(f"/objects/deals/records/{entry['parent_record_id']}/entries"))
    assert [e["entry_id"] for e in got] == [d.entry_id]


def _lists_post(c: httpx.Client, d: Demo) -> None:
    slug = _unique()
    body = {"data": {"name": "Hiring", "api_slug": slug, "parent_object": "people", "workspace_access": "read-only",
                     "workspace_member_access": [{"workspace_member_id": d.member_id, "level": "full-access"}]}}
    assert data(c.post("/lists", json=body))["workspace_access"] == "read-only"
    assert c.post("/lists", json=body).status_code == 409
    assert c.post("/lists", json={"data": {**body["data"], "api_slug": _unique(), "parent_object": "nothing"}}
                  ).status_code == 404
    member = [{"workspace_member_id": MISSING, "level": "read-only"}]
    assert c.post("/lists", json={"data": {**body["data"], "api_slug": _unique(), "workspace_member_access": member}}
                  ).json()["code"] == "value_not_found"


def _list_patch(c: httpx.Client, d: Demo) -> None:
    slug = _unique()
    c.post("/lists", json={"data": {"name": "Hiring", "api_slug": slug, "parent_object": "people",
                                    "workspace_access": "read-only", "workspace_member_access": []}})
    assert data(c.patch(f"/lists/{slug}", json={"data": {"name": "Hires", "workspace_access": "full-access"}})
                )["name"] == "Hires"
    assert c.patch(f"/lists/{MISSING}", json={"data": {"name": "x"}}).status_code == 404


def _entries_post(c: httpx.Client, d: Demo) -> None:
    company = data(c.post("/objects/companies/records", json={"data": {"values": {"name": [_unique()]}}}))
    record = company["id"]["record_id"]
    body = {"data": {"parent_record_id": record, "parent_object": "companies", "entry_values": {"tier": ["Gold"]}}}
    accounts = next(x["api_slug"] for x in data(c.get("/lists")) if x["parent_object"] == ["companies"])
    assert data(c.post(f"/lists/{accounts}/entries", json=body))["parent_record_id"] == record
    body["data"]["entry_values"] = {"tier": ["Platinum"]}
    assert c.post(f"/lists/{accounts}/entries", json=body).json()["code"] == "value_not_found"
    body["data"]["parent_record_id"] = MISSING
    assert c.post(f"/lists/{accounts}/entries", json=body).status_code == 404


def _entry_patch(c: httpx.Client, d: Demo) -> None:
    got = data(c.patch(f"/lists/{d.list_slug}/entries/{d.entry_id}", json={"data": {"entry_values": {
        "next_step": ["Sign"], "priority": [4]}}}))
    assert got["entry_values"]["next_step"][0]["value"] == "Sign"
    assert c.patch(f"/lists/{d.list_slug}/entries/{MISSING}", json={"data": {"entry_values": {}}}).status_code == 404


def _entry_delete(c: httpx.Client, d: Demo) -> None:
    deal = data(c.post("/objects/deals/records", json={"data": {"values": {"name": ["X"], "stage": ["Lead"]}}}))
    entry = data(c.post(f"/lists/{d.list_slug}/entries", json={"data": {
        "parent_record_id": deal["id"]["record_id"], "parent_object": "deals", "entry_values": {}}}))
    assert c.delete(f"/lists/{d.list_slug}/entries/{entry['id']['entry_id']}").json() == {}
    assert c.delete(f"/lists/{d.list_slug}/entries/{entry['id']['entry_id']}").status_code == 404


@dataclass(frozen=True)
class Call:
    """One request and the status it must get; ``{d.…}`` in the path and ``{missing}`` are filled in."""

    method: str
    path: str
    json: Any = None
    params: dict[str, str] | None = None
    status: int = 200

    def send(self, c: httpx.Client, d: Demo) -> httpx.Response:
        params = {k: v.format(d=d, missing=MISSING) for k, v in (self.params or {}).items()}
        response = c.request(self.method, self.path.format(d=d, missing=MISSING), json=self.json, params=params)
        assert response.status_code == self.status, (self, response.text[:300])
        return response


def calls(*items: Call) -> Exercise:
    def exercise(c: httpx.Client, d: Demo) -> None:
        for item in items:
            item.send(c, d)
    return exercise


def _pipeline_record(c: httpx.Client, d: Demo) -> str:
    return str(data(c.get(f"/lists/{d.list_slug}/entries/{d.entry_id}"))["parent_record_id"])


def _assert_entry(c: httpx.Client, d: Demo) -> None:
    body = {"data": {"parent_record_id": _pipeline_record(c, d), "parent_object": "deals",
                     "entry_values": {"priority": [2]}}}
    assert data(c.put(f"/lists/{d.list_slug}/entries", json=body))["id"]["entry_id"] == d.entry_id
    body["data"]["parent_record_id"] = MISSING
    assert c.put(f"/lists/{d.list_slug}/entries", json=body).status_code == 404


def _tasks_post(c: httpx.Client, d: Demo) -> None:
    _task(c, d)
    body = {"content": "", "format": "plaintext", "deadline_at": None, "is_completed": False, "linked_records": [],
            "assignees": []}
    assert c.post("/tasks", json={"data": body}).json()["code"] == "validation_type"
    linked = [{"target_object": "people", "target_record_id": MISSING}]
    assert c.post("/tasks", json={"data": {**body, "content": "x", "linked_records": linked}}).status_code == 404


def _comments_post(c: httpx.Client, d: Demo) -> None:
    _comment(c, d, thread_id=_comment(c, d)["thread_id"])
    _comment(c, d, entry={"list": d.list_slug, "entry_id": d.entry_id})
    body = {"format": "plaintext", "content": "x", "author": {"type": "workspace-member", "id": MISSING},
            "record": {"object": "deals", "record_id": d.deal_id}}
    assert c.post("/comments", json={"data": body}).status_code == 400


def _created_then_missing(make: Callable[[httpx.Client, Demo], str], path: str, method: str = "GET",
                          json: Any = None) -> Exercise:
    """The operation on a thing just made (200), then on one that does not exist (404)."""
    def exercise(c: httpx.Client, d: Demo) -> None:
        for name, status in ((make(c, d), 200), (MISSING, 404)):
            response = c.request(method, path.format(name), json=json)
            assert response.status_code == status, response.text[:300]
    return exercise


def _notes_post(c: httpx.Client, d: Demo) -> None:
    _note(c, d)
    body = {"parent_object": "people", "parent_record_id": MISSING, "title": "x", "format": "plaintext", "content": "x"}
    assert c.post("/notes", json={"data": body}).status_code == 404


def _threads_get(c: httpx.Client, d: Demo) -> None:
    thread = _comment(c, d)["thread_id"]
    got = data(c.get("/threads", params={"object": "deals", "record_id": d.deal_id}))
    assert thread in [t["id"]["thread_id"] for t in got]

EXERCISES: dict[str, Exercise] = {
    "GET /v2/self": calls(Call("GET", "/self")),
    "GET /v2/objects": calls(Call("GET", "/objects")),
    "POST /v2/objects": lambda c, d: calls(
        Call("POST", "/objects", {"data": {"api_slug": _unique(), "singular_noun": "Thing", "plural_noun": "Things"}}),
        Call("POST", "/objects", {"data": {"api_slug": "people", "singular_noun": "P", "plural_noun": "Ps"}},
             status=409),
    )(c, d),
    "GET /v2/objects/{object}": calls(Call("GET", "/objects/people"), Call("GET", "/objects/{d.deals_object_id}"),
                                      Call("GET", "/objects/nothing", status=404)),
    "PATCH /v2/objects/{object}": calls(
        Call("PATCH", "/objects/deals", {"data": {"singular_noun": "Opportunity"}}),
        Call("PATCH", "/objects/deals", {"data": {"api_slug": "people"}}, status=409),
        Call("PATCH", "/objects/deals", {"data": {"api_slug": "Not A Slug"}}, status=400),
        Call("PATCH", "/objects/nothing", {"data": {"plural_noun": "X"}}, status=404)),
    "GET /v2/{target}/{identifier}/attributes": calls(
        *(Call("GET", f"/objects/{slug}/attributes") for slug in ("people", "companies", "deals")),
        Call("GET", "/lists/{d.list_slug}/attributes", params={"show_archived": "true", "limit": "2"})),
    "POST /v2/{target}/{identifier}/attributes": _attributes_post,
    "GET /v2/{target}/{identifier}/attributes/{attribute}": calls(
        *(Call("GET", f"/objects/{path}") for path in ("deals/attributes/value", "deals/attributes/stage",
                                                       "people/attributes/company", "companies/attributes/domains")),
        Call("GET", "/lists/{d.list_slug}/attributes/priority"),
        Call("GET", "/objects/deals/attributes/nothing", status=404)),
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}": _attribute_patch,
    "GET /v2/{target}/{identifier}/attributes/{attribute}/options": calls(
        Call("GET", "/objects/companies/attributes/categories/options"),
        Call("GET", "/lists/key-accounts/attributes/tier/options", params={"show_archived": "false"}),
        Call("GET", "/objects/companies/attributes/name/options", status=404)),
    "POST /v2/{target}/{identifier}/attributes/{attribute}/options": _options_post,
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}/options/{option}": _option_patch,
    "GET /v2/{target}/{identifier}/attributes/{attribute}/statuses": calls(
        Call("GET", "/objects/deals/attributes/stage/statuses", params={"show_archived": "true"}),
        Call("GET", "/lists/{d.list_slug}/attributes/pipeline_status/statuses"),
        Call("GET", "/objects/deals/attributes/nothing/statuses", status=404)),
    "POST /v2/{target}/{identifier}/attributes/{attribute}/statuses": _statuses_post,
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}": _status_patch,
    "POST /v2/objects/{object}/records/query": _records_query,
    "POST /v2/objects/{object}/records": _records_post,
    "PUT /v2/objects/{object}/records": _records_assert,
    "GET /v2/objects/{object}/records/{record_id}": calls(
        Call("GET", "/objects/people/records/{d.person_id}"), Call("GET", "/objects/companies/records/{d.company_id}"),
        Call("GET", "/objects/deals/records/{d.deal_id}"), Call("GET", "/objects/people/records/{missing}", status=404),
        Call("GET", "/objects/companies/records/{d.person_id}", status=404)),
    "PUT /v2/objects/{object}/records/{record_id}": _record_put,
    "PATCH /v2/objects/{object}/records/{record_id}": _record_patch,
    "DELETE /v2/objects/{object}/records/{record_id}": _record_delete,
    "GET /v2/objects/{object}/records/{record_id}/attributes/{attribute}/values": _record_values,
    "GET /v2/objects/{object}/records/{record_id}/entries": _record_entries,
    "GET /v2/lists": calls(Call("GET", "/lists")),
    "POST /v2/lists": _lists_post,
    "GET /v2/lists/{list}": calls(Call("GET", "/lists/{d.list_id}"), Call("GET", "/lists/{d.list_slug}"),
                                  Call("GET", "/lists/{missing}", status=404)),
    "PATCH /v2/lists/{list}": _list_patch,
    "POST /v2/lists/{list}/entries/query": calls(
        Call("POST", "/lists/{d.list_slug}/entries/query", {"limit": 500}),
        Call("POST", "/lists/{missing}/entries/query", {}, status=404)),
    "POST /v2/lists/{list}/entries": _entries_post,
    "PUT /v2/lists/{list}/entries": _assert_entry,
    "GET /v2/lists/{list}/entries/{entry_id}": calls(
        Call("GET", "/lists/{d.list_slug}/entries/{d.entry_id}"),
        Call("GET", "/lists/{d.list_slug}/entries/{missing}", status=404)),
    "PATCH /v2/lists/{list}/entries/{entry_id}": _entry_patch,
    "PUT /v2/lists/{list}/entries/{entry_id}": calls(
        Call("PUT", "/lists/{d.list_slug}/entries/{d.entry_id}", {"data": {"entry_values": {"priority": [3]}}}),
        Call("PUT", "/lists/{d.list_slug}/entries/{missing}", {"data": {"entry_values": {}}}, status=404)),
    "DELETE /v2/lists/{list}/entries/{entry_id}": _entry_delete,
    "GET /v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values": calls(
        Call("GET", "/lists/{d.list_slug}/entries/{d.entry_id}/attributes/priority/values",
             params={"show_historic": "true"}),
        Call("GET", "/lists/{d.list_slug}/entries/{missing}/attributes/priority/values", status=404)),
    "GET /v2/workspace_members": calls(Call("GET", "/workspace_members")),
    "GET /v2/workspace_members/{workspace_member_id}": calls(
        Call("GET", "/workspace_members/{d.member_id}"), Call("GET", "/workspace_members/{missing}", status=404)),
    "GET /v2/notes": calls(
        Call("GET", "/notes", params={"limit": "50"}),
        Call("GET", "/notes", params={"parent_object": "people", "parent_record_id": "{d.person_id}"}),
        Call("GET", "/notes", params={"parent_object": "nothing"}, status=404)),
    "POST /v2/notes": _notes_post,
    "GET /v2/notes/{note_id}": _created_then_missing(_note, "/notes/{}"),
    "DELETE /v2/notes/{note_id}": _created_then_missing(_note, "/notes/{}", "DELETE"),
    "GET /v2/tasks": calls(*(Call("GET", "/tasks", params={"sort": s, "limit": "500"})
                             for s in ("created_at:asc", "created_at:desc"))),
    "POST /v2/tasks": _tasks_post,
    "GET /v2/tasks/{task_id}": _created_then_missing(_task, "/tasks/{}"),
    "PATCH /v2/tasks/{task_id}": _created_then_missing(_task, "/tasks/{}", "PATCH", {"data": {"is_completed": True}}),
    "DELETE /v2/tasks/{task_id}": _created_then_missing(_task, "/tasks/{}", "DELETE"),
    "GET /v2/threads": _threads_get,
    "GET /v2/threads/{thread_id}": _created_then_missing(lambda c, d: _comment(c, d)["thread_id"], "/threads/{}"),
    "POST /v2/comments": _comments_post,
    "GET /v2/comments/{comment_id}": _created_then_missing(lambda c, d: _comment(c, d)["id"]["comment_id"],
                                                           "/comments/{}"),
    "DELETE /v2/comments/{comment_id}": _created_then_missing(lambda c, d: _comment(c, d)["id"]["comment_id"],
                                                              "/comments/{}", "DELETE"),
}


@pytest.mark.parametrize("operation", sorted(EXERCISES))
def test_every_answer_of_the_operation_conforms_to_the_spec(
        checked: tuple[httpx.Client, SpecCheckingTransport], demo: Demo, operation: str) -> None:
    client, transport = checked
    EXERCISES[operation](client, demo)
    assert transport.problems == []
    assert operation in transport.used()


def test_the_exercises_cover_every_operation_of_the_spec_but_search() -> None:
    assert {str(op) for op in operations()} - set(EXERCISES) == {SEARCH}
