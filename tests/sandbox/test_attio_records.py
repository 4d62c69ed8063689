"""The attio facade's records as a client notices them: the demo's counts, paging, filter look-ups,
sorts, PUT against PATCH, clearing, uniqueness, assert and value history — over loopback HTTP, every
exchange checked against Attio's spec (``tests/attio_spec.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.attio_spec import spec
from tests.sandbox.attio_support import Demo, checked_client, data, first, query_all

# Fixtures on this module's ``server`` (the redundant aliases re-export them, so ruff keeps them).
from tests.sandbox.attio_support import api as api
from tests.sandbox.attio_support import checked as checked

RECORDS = 50  # the demo: 10 companies, 12 deals, 28 people


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="attio", records=RECORDS, seed=5) as running:
        yield running


def _company(api: httpx.Client, **values: Any) -> dict[str, Any]:
    values = {"name": [f"Acme {uuid.uuid4().hex[:8]}"], **values}
    return dict(data(api.post("/objects/companies/records", json={"data": {"values": values}})))


def _query(api: httpx.Client, slug: str, filter_: Any, **body: Any) -> list[dict[str, Any]]:
    return list(data(api.post(f"/objects/{slug}/records/query", json={"filter": filter_, **body})))


def test_paging_counts_the_demo_built_and_covers_every_record_once() -> None:
    with SandboxServer(dialect="attio", records=RECORDS, seed=5) as fresh:
        client, transport = checked_client(fresh)
        with client:
            counts = {slug: fresh.core.records.count(slug) for slug in ("people", "companies", "deals")}
            assert counts == {"companies": 10, "deals": 12, "people": 28}  # build_demo's shares of 50
            for slug, count in counts.items():
                # People in pages of ten both ways; the others in one page (each answer's check costs).
                for direction in ("asc", "desc") if slug == "people" else ("desc",):
                    seen = query_all(client, slug, page=10 if slug == "people" else 500,
                                     sorts=[{"direction": direction, "attribute": "created_at"}])
                    assert len({r["id"]["record_id"] for r in seen}) == len(seen) == count
                    times = [r["created_at"] for r in seen]
                    assert times == sorted(times, reverse=direction == "desc")
            pipeline, accounts = (x["api_slug"] for x in data(client.get("/lists")))
            assert len(data(client.post(f"/lists/{pipeline}/entries/query", json={}))) == 12
            assert len(data(client.post(f"/lists/{accounts}/entries/query", json={}))) == 10
            assert len(data(client.get("/notes", params={"limit": "50"}))) == 5
            assert len(data(client.get("/tasks"))) == 2
            assert len(data(client.get("/workspace_members"))) == 5
        assert transport.problems == []


def test_limit_is_capped_at_500_and_offset_pages() -> None:
    with SandboxServer(dialect="attio", records=0) as empty, httpx.Client(
            base_url=empty.api_url, headers={"Authorization": f"Bearer {empty.admin_token}"}) as client:
        for n in range(501):  # through the core: 501 creates over HTTP would only be slower
            empty.core.records.create("companies", {"name": f"Company {n}"}, None)
        everyone = data(client.post("/objects/companies/records/query", json={"limit": 10_000}))
        second = data(client.post("/objects/companies/records/query", json={"limit": 5, "offset": 5}))
    assert len(everyone) == 500  # unchecked: the spec's check of 500 answers costs seconds, and proves nothing new
    assert [r["id"] for r in second] == [r["id"] for r in everyone[5:10]]


def test_filter_look_ups_find_a_created_record(api: httpx.Client) -> None:
    domain = f"{uuid.uuid4().hex[:8]}.example.com"
    company = _company(api, domains=[domain], categories=["SaaS"], description=["Makes widgets"])
    record_id = company["id"]["record_id"]
    option_id = company["values"]["categories"][0]["option"]["id"]["option_id"]
    for filter_ in ({"domains": domain}, {"domains": {"$eq": domain.upper()}}, {"domains": {"domain": {"$eq": domain}}},
                    {"name": company["values"]["name"][0]["value"]},
                    {"$and": [{"categories": "saas"}, {"domains": domain}]},
                    {"$and": [{"categories": {"$eq": option_id}}, {"description": {"$contains": "WIDGET"}}]},
                    {"$or": [{"domains": "nowhere.test"}, {"domains": {"root_domain": {"$eq": "example.com"}},
                                                            "record_id": record_id}]}):
        assert [r["id"]["record_id"] for r in _query(api, "companies", filter_)] == [record_id], filter_
    assert _query(api, "companies", {"domains": "nowhere.test"}) == []


def test_person_name_email_and_status_look_ups(api: httpx.Client, server: SandboxServer) -> None:
    email = f"ada.{uuid.uuid4().hex[:8]}@example.com"
    values = {"name": [{"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"}],
              "email_addresses": [email]}
    person = data(api.post("/objects/people/records", json={"data": {"values": values}}))["id"]["record_id"]
    assert [r["id"]["record_id"] for r in _query(api, "people", {"email_addresses": email})] == [person]
    found = _query(api, "people", {"name": {"full_name": {"$eq": "Ada Lovelace"}}})
    assert person in [r["id"]["record_id"] for r in found]
    stage = data(api.get("/objects/deals/attributes/stage/statuses"))[0]
    by_title = _query(api, "deals", {"stage": stage["title"]})
    by_id = _query(api, "deals", {"stage": {"$eq": stage["id"]["status_id"]}})
    assert by_title == by_id and all(first(r["values"], "stage", "status")["title"] == stage["title"] for r in by_title)
    big = _query(api, "deals", {"value": {"$gte": 100_000}})
    assert all(first(r["values"], "value", "currency_value") >= 100_000 for r in big)


@pytest.mark.parametrize("filter_", [{"nothing": "x"}, {"name": {"$like": "x"}}, {"$and": {"name": "x"}},
                                     {"location": "Paris"}, {"name": {"first_name": {"$eq": ["x"]}}}, []])
def test_a_filter_the_facade_cannot_read_is_a_400_not_everything(server: SandboxServer, filter_: Any) -> None:
    client, transport = checked_client(server, check_requests=False)  # some of these the spec refuses too
    with client:
        answer = client.post("/objects/people/records/query", json={"filter": filter_})
    assert answer.status_code == 400
    assert answer.json()["code"] == "filter_error" and answer.json()["status_code"] == 400
    assert transport.problems == []


def test_sorts_by_an_attribute_and_by_a_name_field(api: httpx.Client) -> None:
    names = [first(r["values"], "name") for r in data(api.post("/objects/deals/records/query", json={
        "sorts": [{"direction": "asc", "attribute": "name"}]}))]
    assert names == sorted(names, key=str.casefold)
    people = data(api.post("/objects/people/records/query", json={
        "sorts": [{"direction": "desc", "attribute": "name", "field": "last_name"}]}))
    last = [first(r["values"], "name", "last_name").casefold() for r in people]
    assert last == sorted(last, reverse=True)


def test_put_replaces_multiselect_values_patch_adds_and_an_empty_list_clears(api: httpx.Client) -> None:
    company = _company(api, domains=["one.test"])
    path = f"/objects/companies/records/{company['id']['record_id']}"

    def domains(answer: httpx.Response) -> list[str]:
        return [v["domain"] for v in data(answer)["values"]["domains"]]

    assert domains(api.patch(path, json={"data": {"values": {"domains": ["two.test"]}}})) == ["one.test", "two.test"]
    assert domains(api.put(path, json={"data": {"values": {"domains": ["three.test"]}}})) == ["three.test"]
    assert domains(api.patch(path, json={"data": {"values": {"domains": []}}})) == []
    assert data(api.get(path))["values"]["domains"] == []


def test_a_unique_value_another_record_holds_is_a_uniqueness_conflict(server: SandboxServer) -> None:
    client, transport = checked_client(server)
    with client:
        _company(client, domains=["taken.test"])
        answer = client.post("/objects/companies/records", json={"data": {"values": {
            "name": ["Copycat"], "domains": ["TAKEN.test"]}}})
        other = _company(client)
        patched = client.patch(f"/objects/companies/records/{other['id']['record_id']}",
                               json={"data": {"values": {"domains": ["taken.test"]}}})
    assert answer.status_code == patched.status_code == 400
    assert answer.json()["code"] == patched.json()["code"] == "uniqueness_conflict"
    # The contract's code; the spec lists only value_not_found (create) and missing_value (PATCH) for a 400.
    assert len(transport.problems) == 2 and all("uniqueness_conflict" in p for p in transport.problems)


def test_assert_creates_then_updates_the_matching_record(api: httpx.Client) -> None:
    domain = f"{uuid.uuid4().hex[:8]}.test"
    params = {"matching_attribute": "domains"}
    made = data(api.put("/objects/companies/records", params=params, json={"data": {"values": {
        "domains": [domain], "name": ["Asserted"], "categories": ["SaaS"]}}}))
    again = data(api.put("/objects/companies/records", params=params, json={"data": {"values": {
        "domains": [domain], "description": ["Found again"], "categories": ["Retail"]}}}))
    assert made["id"] == again["id"]
    assert first(again["values"], "description") == "Found again" and first(again["values"], "name") == "Asserted"
    assert [v["option"]["title"] for v in again["values"]["categories"]] == ["SaaS", "Retail"]


def test_a_replaced_value_is_kept_in_the_history_with_who_replaced_it(server: SandboxServer) -> None:
    admin, admin_transport = checked_client(server)
    member, member_transport = checked_client(server, server.member_token)
    with admin, member:
        company = _company(admin, description=["First"])
        path = f"/objects/companies/records/{company['id']['record_id']}"
        member.put(path, json={"data": {"values": {"description": ["Second"]}}})
        now = data(member.get(f"{path}/attributes/description/values"))
        history = data(member.get(f"{path}/attributes/description/values", params={"show_historic": "true"}))
        me = admin.get("/self").json()["authorized_by_workspace_member_id"]
        someone = member.get("/self").json()["authorized_by_workspace_member_id"]
    assert [v["value"] for v in now] == ["Second"]
    old, new = history
    assert (old["value"], new["value"]) == ("First", "Second")
    assert old["active_until"] == new["active_from"] and new["active_until"] is None
    assert old["created_by_actor"] == {"type": "workspace-member", "id": me}
    assert new["created_by_actor"] == {"type": "workspace-member", "id": someone}
    assert admin_transport.problems == member_transport.problems == []


def test_writes_name_attributes_by_id_and_take_bare_values(api: httpx.Client) -> None:
    attributes = {a["api_slug"]: a["id"]["attribute_id"] for a in data(api.get("/objects/deals/attributes"))}
    stage = data(api.get("/objects/deals/attributes/stage/statuses"))[1]
    made = data(api.post("/objects/deals/records", json={"data": {"values": {
        attributes["name"]: ["By id"], "stage": [{"status": stage["id"]["status_id"]}], "value": [2500]}}}))
    assert first(made["values"], "name") == "By id"
    assert first(made["values"], "stage", "status")["title"] == stage["title"]
    assert made["values"]["value"][0]["currency_code"] == "USD"


def test_every_amount_is_in_the_attributes_one_currency(api: httpx.Client) -> None:
    value = data(api.get("/objects/deals/attributes/value"))
    assert value["type"] == "currency" and value["config"]["currency"]["default_currency_code"] == "USD"
    deals = data(api.post("/objects/deals/records/query", json={}))
    assert {v["currency_code"] for d in deals for v in d["values"]["value"]} == {"USD"}


def test_a_deleted_record_is_gone(api: httpx.Client) -> None:
    company = _company(api)
    path = f"/objects/companies/records/{company['id']['record_id']}"
    assert api.delete(path).json() == {}
    assert api.get(path).json()["code"] == "not_found"


def test_member_and_demo_ids_are_uuids(api: httpx.Client) -> None:
    demo = Demo.read(api)
    for value in (demo.member_id, demo.person_id, demo.deal_id, demo.list_id, demo.entry_id, demo.deals_object_id):
        assert str(uuid.UUID(value)) == value


def _spec_location() -> dict[str, Any]:
    """The spec's own example location as a request writes it (its ``input-value`` branch)."""
    branch = next(b for b in spec()["components"]["schemas"]["input-value"]["anyOf"]
                  if "line_1" in b.get("properties", {}))
    return {key: prop["example"] for key, prop in branch["properties"].items()}


def test_a_location_keeps_its_extra_lines_and_coordinates(api: httpx.Client) -> None:
    """Attio's location has lines 3 and 4 and coordinates, which the core's canonical location
    cannot hold: the facade keeps them beside it and answers them with it — in the record, its
    history and a query — until the value is written without them or replaced."""
    example = _spec_location()
    assert example["line_3"] and example["latitude"]

    def answered(values: dict[str, Any]) -> dict[str, Any]:
        [value] = [v for v in values["primary_location"] if v["active_until"] is None]
        return {key: value[key] for key in example}

    company = _company(api, primary_location=[example])
    record_id = company["id"]["record_id"]
    path = f"/objects/companies/records/{record_id}"
    assert answered(company["values"]) == example
    assert answered(data(api.get(path))["values"]) == example
    [found] = _query(api, "companies", {"record_id": record_id})
    assert answered(found["values"]) == example
    # Written again as it is: kept; the coordinates given again, without lines 3 and 4: those go.
    again = data(api.put(path, json={"data": {"values": {"primary_location": [example]}}}))
    assert answered(again["values"]) == example
    fewer = {**example, "line_3": None, "line_4": None}
    assert answered(data(api.put(path, json={"data": {"values": {"primary_location": [fewer]}}}))["values"]) == fewer
    # Another address: its own parts only, and the history answers the one it replaced with its own.
    moved = {**example, "line_1": "2 Infinite Loop", "latitude": None, "longitude": None}
    assert answered(data(api.put(path, json={"data": {"values": {"primary_location": [moved]}}}))["values"]) == moved
    history = data(api.get(f"{path}/attributes/primary_location/values", params={"show_historic": "true"}))
    assert [(v["line_1"], v["latitude"], v["active_until"] is None) for v in history] == [
        ("1 Infinite Loop", example["latitude"], False), ("2 Infinite Loop", None, True)]
    assert api.delete(path).json() == {}


def test_a_sort_on_record_id_is_honoured_and_breaks_created_at_ties(api: httpx.Client, server: SandboxServer) -> None:
    """``record_id`` is an attribute of every Attio object: it sorts, alone or after ``created_at``
    (records made in one instant then keep one order, page after page)."""
    ids = sorted(str(uuid.uuid4()) for _ in range(7))
    same = "2026-02-01T00:00:00.000000Z"
    server.core.records.bulk_insert("deals", [(ident, {"name": f"Tie {n}"}, None, same)
                                              for n, ident in enumerate(ids)])
    try:
        newest = [{"direction": "desc", "attribute": "created_at"}]
        for direction, expected in (("asc", ids), ("desc", ids[::-1])):
            tie = [*newest, {"direction": direction, "attribute": "record_id"}]
            paged = [r["id"]["record_id"] for offset in range(0, 7, 2) for r in data(api.post(
                "/objects/deals/records/query", json={"sorts": tie, "limit": 2, "offset": offset,
                                                      "filter": {"created_at": {"$eq": "2026-02-01T00:00:00Z"}}}))]
            assert paged == expected
            unfiltered = [r["id"]["record_id"] for r in query_all(api, "deals", page=3, sorts=tie)
                          if r["id"]["record_id"] in ids]
            assert unfiltered == expected
        alone = [r["id"]["record_id"] for r in query_all(api, "deals", sorts=[
            {"direction": "asc", "attribute": "record_id"}])]
        assert alone == sorted(alone)
    finally:
        for ident in ids:
            server.core.records.delete("deals", ident)
