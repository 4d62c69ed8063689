"""Links between atlas entities (one per pair, the same roles from either end), Jira issue links and
comments."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atlas import atlas_app
from tests.sandbox.atlas_support import all_of, every_page, ok
from tests.sandbox.atlas_support import api as api  # (a fixture)
from tests.sandbox.atlas_support import server as server  # (a fixture)


def _new(api: httpx.Client, entity_type: str, name: str) -> str:
    answer = ok(api.post("/entities", json={"type": entity_type, "fields": {f"{entity_type}-name": name}}), 201)
    return str(answer["id"])


def _links(api: httpx.Client, entity_id: str, **params: Any) -> dict[str, list[str]]:
    items, _ = every_page(api, f"/entities/{entity_id}/links", {"size": 100, **params})
    return {i["entity"]["id"]: i["roles"] for i in items}


def test_a_link_is_seen_from_both_ends_with_its_roles(api: httpx.Client, server: SandboxServer) -> None:
    contact, company = _new(api, "contact", "Lin Link"), _new(api, "company", "Linked BV")
    roles = ["Employee", "Decision maker"]
    made = ok(api.post(f"/entities/{contact}/links", json={"entity-id": company, "roles": roles}), 201)
    assert made["roles"] == ["Employee", "Decision maker"] and made["entity"]["id"] == company
    assert made["entity"]["type"] == "company"
    assert made["_links"]["self"]["href"] == f"{server.api_url}/workspace/CRM/entities/{contact}/links/{company}"
    assert _links(api, contact) == {company: ["Employee", "Decision maker"]}
    assert _links(api, company) == {contact: ["Employee", "Decision maker"]}
    seen = ok(api.get(f"/entities/{company}/links/{contact}"))
    assert seen["entity"] == {"id": contact, "type": "contact", "_links": seen["entity"]["_links"]}
    assert seen["roles"] == ["Employee", "Decision maker"]


def test_linking_again_from_either_end_is_409(api: httpx.Client) -> None:
    sale, company = _new(api, "sale", "Twice"), _new(api, "company", "Twice Co")
    ok(api.post(f"/entities/{sale}/links", json={"entity-id": company}), 201)
    for here, there in ((sale, company), (company, sale)):
        again = api.post(f"/entities/{here}/links", json={"entity-id": there, "roles": ["Customer"]})
        assert again.status_code == 409 and again.json()["message"]
    assert _links(api, sale) == {company: []}


def test_roles_changed_from_one_end_show_at_the_other(api: httpx.Client) -> None:
    sale, contact = _new(api, "sale", "Roles"), _new(api, "contact", "Rolf Roles")
    ok(api.post(f"/entities/{sale}/links", json={"entity-id": contact, "roles": ["Contact person"]}), 201)
    changed = ok(api.put(f"/entities/{contact}/links/{sale}", json={"roles": ["Champion", "Champion", " Signer "]}))
    assert changed["roles"] == ["Champion", "Signer"]
    assert ok(api.get(f"/entities/{sale}/links/{contact}"))["roles"] == ["Champion", "Signer"]
    bad = api.put(f"/entities/{sale}/links/{contact}", json={"roles": "Champion"})
    assert bad.status_code == 400 and "roles" in bad.json()["errors"]


def test_an_unlinked_pair_is_404_and_a_removed_link_is_gone_from_both_ends(api: httpx.Client) -> None:
    contact, company = _new(api, "contact", "Una Link"), _new(api, "company", "Unlinked Co")
    for answer in (api.get(f"/entities/{contact}/links/{company}"),
                   api.put(f"/entities/{contact}/links/{company}", json={"roles": []}),
                   api.delete(f"/entities/{contact}/links/{company}")):
        assert answer.status_code == 404 and answer.json()["message"]
    ok(api.post(f"/entities/{contact}/links", json={"entity-id": company, "roles": ["Employee"]}), 201)
    removed = ok(api.delete(f"/entities/{company}/links/{contact}"))
    assert removed["roles"] == ["Employee"] and removed["entity"]["id"] == contact
    assert _links(api, contact) == {} and _links(api, company) == {}
    assert api.get(f"/entities/{contact}/links/{company}").status_code == 404


@pytest.mark.parametrize(("body", "status"), [
    ({"entity-id": "no-such-entity"}, 404), ({}, 400), ({"entity-id": "SELF"}, 400),
    ({"entity-id": "OTHER", "roles": [1]}, 400)])
def test_a_bad_link_is_refused(api: httpx.Client, body: dict[str, Any], status: int) -> None:
    here, other = _new(api, "contact", "Bad Linker"), _new(api, "company", "Bad Link Co")
    sent = {k: (here if v == "SELF" else other if v == "OTHER" else v) for k, v in body.items()}
    answer = api.post(f"/entities/{here}/links", json=sent)
    assert answer.status_code == status and answer.json()["message"]
    assert _links(api, here) == {}


def test_deleting_an_entity_removes_its_links(api: httpx.Client) -> None:
    contact, company = _new(api, "contact", "Gone Soon"), _new(api, "company", "Stays Co")
    ok(api.post(f"/entities/{company}/links", json={"entity-id": contact, "roles": ["Employee"]}), 201)
    ok(api.delete(f"/entities/{contact}"))
    assert _links(api, company) == {}
    assert api.get(f"/entities/{contact}/links").status_code == 404


def test_the_demo_links_contacts_to_companies_and_sales_to_both(api: httpx.Client) -> None:
    contact = all_of(api, "contact")[0]
    links = ok(api.get(f"/entities/{contact['id']}/links", params={"type": "company"}))
    assert links["total"] == 1 and links["items"][0]["roles"][0] == "Employee"
    roles = [tuple(i["roles"]) for c in all_of(api, "contact")[:40]
             for i in ok(api.get(f"/entities/{c['id']}/links", params={"type": "company"}))["items"]]
    assert ("Employee", "Decision maker") in roles and ("Employee",) in roles
    sale = all_of(api, "sale")[0]
    kinds = {i["entity"]["type"]: i["roles"] for i in ok(api.get(f"/entities/{sale['id']}/links"))["items"]}
    assert kinds["company"] == ["Customer"]


def test_a_company_s_links_page_by_next_and_filter_like_entities(api: httpx.Client) -> None:
    company = _new(api, "company", "Busy Co")
    contacts = [_new(api, "contact", f"Busy {n:02}") for n in range(12)]
    sale = _new(api, "sale", "Busy deal")
    for other in [*contacts, sale]:
        ok(api.post(f"/entities/{company}/links", json={"entity-id": other, "roles": ["Employee"]}), 201)
    items, totals = every_page(api, f"/entities/{company}/links", {"size": 5, "type": "contact"})
    assert [i["entity"]["id"] for i in items] == contacts and set(totals) == {12}
    named = ok(api.get(f"/entities/{company}/links", params={"type": "contact", "fields.contact-name": "Busy 03"}))
    assert [i["entity"]["id"] for i in named["items"]] == [contacts[3]]
    assert ok(api.get(f"/entities/{company}/links"))["total"] == 13


def test_issue_links_are_a_set_per_entity(api: httpx.Client) -> None:
    sale = _new(api, "sale", "Issues")
    assert ok(api.post(f"/entities/{sale}/issues", json={"issue-ids": ["SALES-12", "SUP-3"]})) == {
        "issue-ids": ["SALES-12", "SUP-3"]}
    assert ok(api.post(f"/entities/{sale}/issues", json={"issue-ids": ["SUP-3", "OPS-9"]})) == {
        "issue-ids": ["SALES-12", "SUP-3", "OPS-9"]}
    left = api.request("DELETE", f"/entities/{sale}/issues", json={"issue-ids": ["SALES-12", "NOPE-1"]})
    assert ok(left) == {"issue-ids": ["SUP-3", "OPS-9"]}
    for body in ({"issue-ids": []}, {"issue-ids": "SUP-3"}, {}):
        refused = api.post(f"/entities/{sale}/issues", json=body)
        assert refused.status_code == 400 and "issue-ids" in refused.json()["message"]
    assert api.post("/entities/gone/issues", json={"issue-ids": ["SUP-1"]}).status_code == 404


def test_comments_are_stored_and_need_plain_text_and_an_account(api: httpx.Client, server: SandboxServer) -> None:
    contact = _new(api, "contact", "Commented")
    sent = {"format": "plain-text", "comment": "Called them \n Kind regards", "account-id": "5b10ac8d82e05b22cc7d4ef5"}
    made = ok(api.post(f"/entities/{contact}/comments", json=sent), 201)
    assert made["comment"] == sent["comment"] and made["account-id"] == sent["account-id"] and made["id"]
    assert atlas_app(server).store.comments(contact) == [made]
    for broken, named in (({**sent, "format": "html"}, "format"), ({**sent, "account-id": ""}, "account-id"),
                          ({k: v for k, v in sent.items() if k != "format"}, "format"),
                          ({k: v for k, v in sent.items() if k != "comment"}, "comment")):
        refused = api.post(f"/entities/{contact}/comments", json=broken)
        assert refused.status_code == 400 and named in refused.json()["errors"]
    assert atlas_app(server).store.comments(contact) == [made]
    assert api.post("/entities/gone/comments", json=sent).status_code == 404
