"""Contract tests over real loopback HTTP: every Aria endpoint, and each of its errors."""

from __future__ import annotations

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.sandbox.conftest import client_for


def data(response: httpx.Response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()["data"]


def err(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


# -- auth ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "bearer x"}, {"Authorization": "oc_sk_x"},
                                     {"X-Api-Key": "oc_sk_x"}])
def test_missing_or_misspelt_auth_redirects_to_login(shared_server: SandboxServer, headers: dict) -> None:
    response = httpx.get(shared_server.api_url + "/objects", headers=headers)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/login?redirect=%2Fapi%2Fv1%2Fobjects")


def test_wrong_token_is_401(shared_server: SandboxServer) -> None:
    response = httpx.get(shared_server.api_url + "/objects", headers={"Authorization": "Bearer oc_sk_nope"})
    err(response, 401, "UNAUTHORIZED")


def test_tokens_look_like_real_keys(shared_server: SandboxServer) -> None:
    for token in (shared_server.admin_token, shared_server.member_token):
        assert token.startswith("oc_sk_") and len(token) == 6 + 48


def test_member_token_cannot_do_admin_things(shared_server: SandboxServer) -> None:
    with client_for(shared_server, shared_server.member_token) as member:
        err(member.patch("/workspace", json={"name": "x"}), 403, "FORBIDDEN")
        err(member.post("/workspace-members", json={"email": "x@y.io"}), 403, "FORBIDDEN")
        err(member.delete("/objects/people"), 403, "FORBIDDEN")
        assert member.get("/workspace-members").status_code == 200


# -- schema ------------------------------------------------------------------------------------------


def test_objects_and_attributes(empty_api: httpx.Client) -> None:
    slugs = [o["slug"] for o in data(empty_api.get("/objects"))]
    assert slugs == ["people", "companies", "deals"]
    deals = data(empty_api.get("/objects/deals"))
    stage = next(a for a in deals["attributes"] if a["slug"] == "stage")
    assert [s["title"] for s in stage["statuses"]] == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert [s["isActive"] for s in stage["statuses"]][-2:] == [False, False]
    created = data(empty_api.post("/objects", json={"slug": "projects", "singularName": "Project",
                                                     "pluralName": "Projects", "icon": "folder"}), 201)
    assert created["slug"] == "projects"
    err(empty_api.post("/objects", json={"slug": "projects", "singularName": "P", "pluralName": "P"}), 400,
        "BAD_REQUEST")
    assert data(empty_api.patch("/objects/projects", json={"pluralName": "All projects"}))["pluralName"] == \
        "All projects"
    attr = data(empty_api.post("/objects/projects/attributes",
                               json={"slug": "phase", "title": "Phase", "type": "select",
                                     "options": [{"title": "Plan"}, {"title": "Build"}]}), 201)
    options = data(empty_api.get("/objects/projects/attributes/options", params={"attributeId": attr["id"]}))
    assert [o["title"] for o in options] == ["Plan", "Build"]
    option = data(empty_api.post("/objects/projects/attributes/options",
                                 json={"attributeId": attr["id"], "title": "Ship"}), 201)
    renamed = data(empty_api.patch("/objects/projects/attributes/options",
                                   json={"optionId": option["id"], "title": "Launch"}))
    assert renamed["title"] == "Launch"
    data(empty_api.delete("/objects/projects/attributes/options", params={"optionId": option["id"]}))
    updated = data(empty_api.patch("/objects/projects/attributes", json={"attributeId": attr["id"], "title": "Stage"}))
    assert updated["title"] == "Stage"
    err(empty_api.post("/objects/projects/attributes", json={"slug": "x", "title": "X", "type": "json"}), 400,
        "BAD_REQUEST")
    err(empty_api.post("/objects/projects/attributes", json={"slug": "phase", "title": "P", "type": "text"}), 400,
        "BAD_REQUEST")
    data(empty_api.delete("/objects/projects/attributes", params={"attributeId": attr["id"]}))
    assert data(empty_api.get("/objects/projects/attributes")) == []
    data(empty_api.delete("/objects/projects"))
    err(empty_api.get("/objects/projects"), 404, "NOT_FOUND")
    err(empty_api.get("/objects/nosuch/attributes"), 404, "NOT_FOUND")


# -- records -----------------------------------------------------------------------------------------


def test_record_crud_and_wire_values(empty_api: httpx.Client) -> None:
    acme = data(empty_api.post("/objects/companies/records", json={"values": {"name": "Acme", "domains": "acme.com",
                                                                               "bogus": 1}}), 201)
    assert acme["values"] == {"name": "Acme", "domains": ["acme.com"]}
    deal = data(empty_api.post("/objects/deals/records", json={"values": {
        "name": "Acme rollout", "value": 9999.5, "stage": "qualified", "company": acme["id"]}}), 201)
    assert deal["values"]["value"] == 9999.5
    assert deal["values"]["company"] == {"id": acme["id"], "displayName": "Acme", "objectSlug": "companies"}
    stages = {s["title"]: s["id"] for s in data(empty_api.get("/objects/deals"))["attributes"][2]["statuses"]}
    assert deal["values"]["stage"] == stages["Qualified"]
    won = data(empty_api.patch(f"/objects/deals/records/{deal['id']}", json={"values": {"stage": "WON"}}))
    assert won["values"]["stage"] == stages["Won"] and won["updatedAt"] >= won["createdAt"]
    cleared = data(empty_api.patch(f"/objects/deals/records/{deal['id']}", json={"values": {"value": None}}))
    assert "value" not in cleared["values"]
    assert data(empty_api.get(f"/objects/deals/records/{deal['id']}"))["isJoint"] is False
    err(empty_api.post("/objects/deals/records", json={"name": "x"}), 400, "BAD_REQUEST")
    err(empty_api.post("/objects/deals/records", json=[1, 2]), 400, "BAD_REQUEST")
    bad = empty_api.post("/objects/deals/records", json={"values": {"expected_close_date": "not-a-date"}})
    assert bad.status_code == 500 and bad.content == b""
    malformed = empty_api.post("/objects/deals/records", content=b'{"values": {', headers={
        "content-type": "application/json"})
    assert malformed.status_code == 500 and malformed.content == b""
    err(empty_api.patch("/objects/deals/records/00000000-0000-0000-0000-000000000000", json={"values": {}}), 404,
        "NOT_FOUND")
    data(empty_api.delete(f"/objects/deals/records/{deal['id']}"))
    err(empty_api.delete(f"/objects/deals/records/{deal['id']}"), 404, "NOT_FOUND")
    err(empty_api.get("/objects/nosuch/records"), 404, "NOT_FOUND")


def test_offset_paging_is_newest_first_and_capped(api: httpx.Client) -> None:
    page = data(api.get("/objects/people/records", params={"limit": 500}))
    assert page["pagination"]["limit"] == 200
    times = [r["createdAt"] for r in page["records"]]
    assert times == sorted(times, reverse=True)
    assert data(api.get("/objects/people/records", params={"limit": 0}))["records"] == []
    assert api.get("/objects/people/records", params={"limit": "2.5"}).status_code == 500
    assert api.get("/objects/people/records", params={"offset": "-5"}).status_code == 500
    two = data(api.get("/objects/people/records", params={"limit": 2, "offset": 1}))["records"]
    assert [r["id"] for r in two] == [r["id"] for r in page["records"][1:3]]


def test_cursor_paging_is_oldest_first_and_repeats_the_last_record(api: httpx.Client) -> None:
    first = data(api.get("/objects/people/records", params={"limit": 3, "cursor": ""}))
    assert first["pagination"]["hasMore"] is True
    second = data(api.get("/objects/people/records", params={"limit": 3, "cursor": first["pagination"]["nextCursor"]}))
    assert second["records"][0]["id"] == first["records"][-1]["id"]
    seen, cursor = set(), ""
    for _ in range(200):
        page = data(api.get("/objects/people/records", params={"limit": 50, "cursor": cursor}))
        seen.update(r["id"] for r in page["records"])
        if not page["pagination"]["hasMore"]:
            break
        cursor = page["pagination"]["nextCursor"]
    assert len(seen) == data(api.get("/objects/people/records"))["pagination"]["total"]


def test_query_filters_sorts_and_paging(api: httpx.Client) -> None:
    def query(body: dict) -> dict:
        return data(api.post("/objects/deals/records/query", json=body))

    everything = query({"limit": 200})["pagination"]["total"]
    big = {"attribute": "value", "operator": "greater_than_or_equals", "value": 100000}
    found = query({"filter": {"operator": "and", "conditions": [big]}, "sorts": [
        {"attribute": "value", "direction": "desc"}], "limit": 200})
    amounts = [r["values"]["value"]["amount"] for r in found["records"]]
    assert amounts and min(amounts) >= 100000 and amounts == sorted(amounts, reverse=True)
    seed_spelling = query({"filter": {"operator": "and", "conditions": [
        {"attribute": "value", "operator": "gte", "value": 100000}]}})
    assert seed_spelling["pagination"]["total"] == found["pagination"]["total"]
    nested = query({"filter": {"operator": "or", "conditions": [big, {"operator": "and", "conditions": [
        {"attribute": "name", "operator": "contains", "value": "PILOT"}]}]}})
    assert found["pagination"]["total"] <= nested["pagination"]["total"] <= everything
    dropped = query({"filter": {"operator": "and", "conditions": [{"attribute": "nope", "operator": "equals",
                                                                    "value": 1}]}})
    assert dropped["pagination"]["total"] == everything
    assert query({"filter": {"operator": "and", "conditions": [
        {"attribute": "stage", "operator": "equals", "value": "Won"}]}})["pagination"]["total"] == 0
    assert api.post("/objects/deals/records/query").status_code == 500
    err(api.post("/objects/nosuch/records/query", json={}), 404, "NOT_FOUND")


def test_updated_at_filter_pulls_only_changes(sandbox_server) -> None:
    server = sandbox_server(records=30)
    with client_for(server) as client:
        newest = data(client.get("/objects/people/records", params={"limit": 1}))["records"][0]
        mark = newest["updatedAt"]
        person = data(client.get("/objects/people/records", params={"limit": 1, "offset": 5}))["records"][0]
        server.core.records.update("people", person["id"], {"job_title": "Changed elsewhere"})
        since = {"filter": {"operator": "and", "conditions": [
            {"attribute": "updatedAt", "operator": "greater_than", "value": mark}]}}
        changed = data(client.post("/objects/people/records/query", json=since))["records"]
        # Millisecond marks over microsecond times: the boundary record may come again, never less.
        assert {r["id"] for r in changed} - {newest["id"]} == {person["id"]}


def test_assert_mode_and_import(empty_api: httpx.Client) -> None:
    made = data(empty_api.post("/objects/companies/records/query", json={
        "mode": "assert", "matchAttribute": "domains", "matchValue": "stark.com", "values": {"name": "Stark"}}))
    again = data(empty_api.post("/objects/companies/records/query", json={
        "mode": "assert", "matchAttribute": "domains", "matchValue": "stark.com", "values": {"description": "x"}}))
    assert made["id"] == again["id"] and again["values"]["description"] == "x"
    assert empty_api.post("/objects/companies/records/query", json={
        "mode": "assert", "matchAttribute": "nope", "matchValue": "x"}).status_code == 500
    result = data(empty_api.post("/objects/deals/records/import", json={"rows": [
        {"name": "One"}, {"name": "Two", "expected_close_date": "never"}, "oops"]}))
    assert result["created"] == 1 and result["total"] == 3 and [e["row"] for e in result["errors"]] == [1, 2]
    err(empty_api.post("/objects/deals/records/import", json={"rows": [{}] * 1001}), 400, "BAD_REQUEST")
    err(empty_api.post("/objects/deals/records/import", json={}), 400, "BAD_REQUEST")


def test_related_activity_notes_tasks_timeline(empty_api: httpx.Client) -> None:
    acme = data(empty_api.post("/objects/companies/records", json={"values": {"name": "Acme"}}), 201)
    jane = data(empty_api.post("/objects/people/records", json={"values": {
        "name": {"first_name": "Jane", "last_name": "Doe"}, "company": acme["id"]}}), 201)
    related = data(empty_api.get(f"/objects/companies/records/{acme['id']}/related"))
    assert [r["recordId"] for r in related["related"]] == [jane["id"]]
    forward = data(empty_api.get(f"/objects/people/records/{jane['id']}/related"))["forward"]
    assert [r["recordId"] for r in forward] == [acme["id"]]
    note = data(empty_api.post(f"/objects/people/records/{jane['id']}/notes", json={"title": "Call", "content": "hi"}),
                201)
    assert [n["id"] for n in data(empty_api.get(f"/objects/people/records/{jane['id']}/notes"))] == [note["id"]]
    task = data(empty_api.post("/tasks", json={"content": "Follow up", "deadline": "2030-01-02T10:00:00Z",
                                               "recordIds": [jane["id"]]}), 201)
    assert data(empty_api.get(f"/objects/people/records/{jane['id']}/tasks"))[0]["id"] == task["id"]
    kinds = [a["type"] for a in data(empty_api.get(f"/objects/people/records/{jane['id']}/activity"))]
    assert sorted(kinds) == ["created", "note", "task"]
    page = data(empty_api.get(f"/timeline/{jane['id']}", params={"limit": 1}))
    assert page["total"] == 2 and " " in page["nextCursor"] and "T" not in page["nextCursor"]
    rest = data(empty_api.get(f"/timeline/{jane['id']}", params={"limit": 1, "cursor": page["nextCursor"]}))
    assert rest["events"][0]["id"] != page["events"][0]["id"]
    err(empty_api.get(f"/timeline/{jane['id']}", params={"limit": 500}), 400, "BAD_REQUEST")
    err(empty_api.get("/timeline/00000000-0000-0000-0000-000000000000"), 404, "NOT_FOUND")


def test_lists_attributes_entries(empty_api: httpx.Client) -> None:
    jane = data(empty_api.post("/objects/people/records", json={"values": {"name": {"first_name": "Jane"}}}), 201)
    bob = data(empty_api.post("/objects/people/records", json={"values": {"name": {"first_name": "Bob"}}}), 201)
    hot = data(empty_api.post("/lists", json={"name": "Hot prospects", "objectSlug": "people"}), 201)
    assert hot["slug"] == "hot-prospects"
    attr = data(empty_api.post(f"/lists/{hot['id']}/attributes", json={"slug": "priority", "title": "Priority",
                                                                        "type": "rating"}), 201)
    renamed = data(empty_api.patch(f"/lists/{hot['id']}/attributes", json={"id": attr["id"], "title": "Urgency"}))
    assert renamed["title"] == "Urgency"
    entry = data(empty_api.post(f"/lists/{hot['id']}/entries", json={"recordId": jane["id"],
                                                                     "values": {"priority": 5}}), 201)
    again = data(empty_api.post(f"/lists/{hot['id']}/entries", json={"recordId": jane["id"]}), 201)
    assert again["id"] == entry["id"]
    updated = data(empty_api.patch(f"/lists/{hot['id']}/entries/{entry['id']}", json={"values": {"priority": 3}}))
    assert updated["listValues"] == {"priority": 3} and updated["updatedAt"]
    page = data(empty_api.get(f"/lists/{hot['id']}/entries"))
    assert page["pagination"]["total"] == 1 and page["entries"][0]["recordDisplayName"] == "Jane"
    available = data(empty_api.get(f"/lists/{hot['id']}/available-records"))
    assert [r["recordId"] for r in available] == [bob["id"]]
    assert data(empty_api.get(f"/lists/{hot['id']}"))["entryCount"] == 1
    assert data(empty_api.patch(f"/lists/{hot['id']}", json={"name": "Warm"}))["name"] == "Warm"
    data(empty_api.delete(f"/lists/{hot['id']}/entries/{entry['id']}"))
    data(empty_api.delete(f"/lists/{hot['id']}/attributes", params={"id": attr["id"]}))
    data(empty_api.delete(f"/lists/{hot['id']}"))
    err(empty_api.get(f"/lists/{hot['id']}/entries"), 404, "NOT_FOUND")
    assert empty_api.post("/lists", content=b"{", headers={"content-type": "application/json"}).status_code == 500


def test_list_attribute_statuses_and_options(empty_api: httpx.Client) -> None:
    """Not recorded of the real server (its list attributes recorded are rating and text): list
    attributes carry their choices as object attributes do — inline on GET, none in the create
    answer — with an options endpoint beside the list's attributes (docs/sandbox.md)."""
    deals = data(empty_api.post("/lists", json={"name": "Pipeline", "objectSlug": "deals"}), 201)
    base = f"/lists/{deals['id']}/attributes"
    stage = data(empty_api.post(base, json={"slug": "pipeline_status", "title": "Pipeline status", "type": "status",
                                            "statuses": [{"title": "Open", "color": "#22c55e"},
                                                         {"title": "Closed", "isActive": False}]}), 201)
    assert "statuses" not in stage and "options" not in stage
    tier = data(empty_api.post(base, json={"slug": "tier", "title": "Tier", "type": "select",
                                           "options": [{"title": "Gold"}]}), 201)
    data(empty_api.post(base, json={"slug": "note", "title": "Note", "type": "text"}), 201)

    listed = {a["slug"]: a for a in data(empty_api.get(f"/lists/{deals['id']}"))["attributes"]}
    assert [(s["title"], s["color"], s["isActive"]) for s in listed["pipeline_status"]["statuses"]] == [
        ("Open", "#22c55e", True), ("Closed", listed["pipeline_status"]["statuses"][1]["color"], False)]
    assert [o["title"] for o in listed["tier"]["options"]] == ["Gold"]
    assert "options" not in listed["note"] and "statuses" not in listed["note"]
    assert {a["slug"]: a.get("statuses") or a.get("options") for a in data(empty_api.get(base))} == {
        slug: a.get("statuses") or a.get("options") for slug, a in listed.items()}

    options = base + "/options"
    silver = data(empty_api.post(options, json={"attributeId": tier["id"], "title": "Silver", "color": "#aaaaaa"}), 201)
    assert [o["title"] for o in data(empty_api.get(options, params={"attributeId": tier["id"]}))] == ["Gold", "Silver"]
    assert data(empty_api.patch(options, json={"optionId": silver["id"], "attributeType": "select",
                                               "title": "Platinum"}))["title"] == "Platinum"
    data(empty_api.delete(options, params={"optionId": silver["id"], "attributeType": "select"}))
    assert [o["title"] for o in data(empty_api.get(options, params={"attributeId": tier["id"]}))] == ["Gold"]
    statuses = data(empty_api.get(options, params={"attributeId": stage["id"]}))
    assert [s["title"] for s in statuses] == ["Open", "Closed"] and "isActive" in statuses[0]
    # An attribute of another list, or none at all, is not this list's.
    other = data(empty_api.post("/lists", json={"name": "Other", "objectSlug": "deals"}), 201)
    err(empty_api.get(f"/lists/{other['id']}/attributes/options", params={"attributeId": tier["id"]}), 404,
        "NOT_FOUND")
    err(empty_api.get(options), 400, "BAD_REQUEST")
    # Entry values are the option/status ids, as on records.
    deal = data(empty_api.post("/objects/deals/records", json={"values": {"name": "Big one"}}), 201)
    entry = data(empty_api.post(f"/lists/{deals['id']}/entries", json={
        "recordId": deal["id"], "values": {"pipeline_status": "Closed"}}), 201)
    page = data(empty_api.get(f"/lists/{deals['id']}/entries"))["entries"]
    assert [(e["id"], e["listValues"]["pipeline_status"]) for e in page] == [(entry["id"], statuses[1]["id"])]


def test_notes_and_tasks(empty_api: httpx.Client) -> None:
    jane = data(empty_api.post("/objects/people/records", json={"values": {"name": {"first_name": "Jane"}}}), 201)
    note = data(empty_api.post("/notes", json={"recordId": jane["id"], "title": "T", "content": {"type": "doc"}}), 201)
    assert data(empty_api.get(f"/notes/{note['id']}"))["content"] == {"type": "doc"}
    assert data(empty_api.patch(f"/notes/{note['id']}", json={"title": "New"}))["title"] == "New"
    assert data(empty_api.get("/notes"))["pagination"]["total"] == 1
    err(empty_api.post("/notes", json={"title": "orphan"}), 400, "BAD_REQUEST")
    assert empty_api.post("/notes", json={"recordId": "00000000-0000-0000-0000-000000000000"}).status_code == 500
    data(empty_api.delete(f"/notes/{note['id']}"))
    err(empty_api.get(f"/notes/{note['id']}"), 404, "NOT_FOUND")
    task = data(empty_api.post("/tasks", json={"content": "Minimal"}), 201)
    assert task["linkedRecords"] == [] and task["deadline"] is None
    done = data(empty_api.patch(f"/tasks/{task['id']}", json={"isCompleted": True}))
    assert done["isCompleted"] and done["completedAt"]
    assert data(empty_api.get("/tasks"))["tasks"] == []
    assert len(data(empty_api.get("/tasks", params={"showCompleted": "true"}))["tasks"]) == 1
    err(empty_api.post("/tasks", content=b"{", headers={"content-type": "application/json"}), 400, "BAD_REQUEST")
    data(empty_api.delete(f"/tasks/{task['id']}"))
    err(empty_api.delete(f"/tasks/{task['id']}"), 404, "NOT_FOUND")


def test_workspace_members_notifications(sandbox_server) -> None:
    server = sandbox_server(records=10)
    with client_for(server) as admin, client_for(server, server.member_token) as member:
        assert data(admin.patch("/workspace", json={"name": "Renamed"}))["name"] == "Renamed"
        listing = data(admin.get("/workspace-members"))
        assert set(listing) == {"members", "invites"}
        new = data(admin.post("/workspace-members", json={"email": "new@sandbox.test", "role": "member"}), 201)
        err(admin.post("/workspace-members", json={"email": "new@sandbox.test"}), 400, "BAD_REQUEST")
        assert data(admin.patch(f"/workspace-members/{new['id']}", json={"role": "admin"}))["role"] == "admin"
        data(admin.delete(f"/workspace-members/{new['id']}"))
        err(admin.delete(f"/workspace-members/{new['id']}"), 404, "NOT_FOUND")
        notes = data(member.get("/notifications"))
        assert notes["unreadCount"] == len(notes["notifications"]) > 0
        first = notes["notifications"][0]["id"]
        assert data(member.patch(f"/notifications/{first}"))["isRead"] is True
        data(member.post("/notifications/mark-all-read"))
        assert data(member.get("/notifications", params={"unreadOnly": "true"}))["notifications"] == []


def test_search_browse_and_api_keys(api: httpx.Client, shared_server: SandboxServer) -> None:
    some = data(api.get("/records/browse", params={"limit": 3}))
    assert len(some) == 3 and {"recordId", "displayName", "objectSlug"} <= set(some[0])
    word = some[0]["displayName"].split()[0]
    hits = data(api.get("/search", params={"q": word}))
    assert any(h["id"] == some[0]["recordId"] for h in hits)
    key = data(api.post("/api-keys", json={"name": "ci"}), 201)
    assert key["key"].startswith("oc_sk_")
    assert httpx.get(shared_server.api_url + "/objects", headers={"Authorization": f"Bearer {key['key']}"}).is_success
    data(api.delete(f"/api-keys/{key['id']}"))
    err(httpx.get(shared_server.api_url + "/objects", headers={"Authorization": f"Bearer {key['key']}"}), 401,
        "UNAUTHORIZED")
