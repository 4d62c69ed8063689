"""The atomic facade beyond the recordings: its demo data, paging by the total, filters, writes,
archiving, sessions and tokens, custom objects, the rate limit and reopened data files — each
over loopback HTTP against a real ``SandboxServer(dialect="atomic")``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atomic import RateLimits
from crmdesk.sandbox.atomic.demo import DEMO_PASSWORD
from crmdesk.sandbox.atomic.http import RateLimiter


def client(server: SandboxServer, token: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {token or server.admin_token}"},
                        timeout=10)


def total(response: httpx.Response) -> int:
    return int(response.headers["content-range"].rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def shared() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atomic", records=400, seed=3) as server:
        yield server


@pytest.fixture(scope="module")
def api(shared: SandboxServer) -> Iterator[httpx.Client]:
    with client(shared) as c:
        yield c


@pytest.fixture
def fresh() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atomic", records=60, seed=5) as server:
        yield server


def test_the_demo_spreads_records_over_the_resources(api: httpx.Client) -> None:
    counts = {name: total(api.get(f"/{name}", params={"range": "[0,0]"}))
              for name in ("companies", "contacts", "contact_notes", "deal_notes", "company_notes", "tasks", "tags",
                           "crm_users", "configuration")}
    assert counts["companies"] == 80 and counts["contacts"] == 220
    archived = total(api.get("/deals", params={"range": "[0,0]", "filter": '{"include_archived":true}'}))
    assert archived == 100 >= total(api.get("/deals", params={"range": "[0,0]"}))
    assert counts["contact_notes"] == 22 and counts["deal_notes"] == 12 and counts["company_notes"] == 4
    assert counts["tasks"] > 0 and counts["tags"] == 5 and counts["crm_users"] == 5 and counts["configuration"] == 1
    deal = api.get("/deals", params={"range": "[0,0]", "sort": "id"}).json()[0]
    assert isinstance(deal["amount"], int) and deal["status"] in {"opportunity", "proposal-sent", "in-negotiation",
                                                                  "won", "lost"}
    assert deal["companyName"] == api.get(f"/companies/{deal['companyId']}").json()["name"]


def test_paging_by_the_total_visits_every_row_once(api: httpx.Client) -> None:
    seen: list[int] = []
    start, size = 0, 7
    while True:
        response = api.get("/contacts", params={"range": f"[{start},{start + size - 1}]", "sort": "id"})
        rows = response.json()
        # The end is exclusive: start + rows returned (README 1).
        assert response.headers["content-range"] == f"contacts {start}-{start + len(rows)}/{total(response)}"
        seen += [r["id"] for r in rows]
        start += size
        if start >= total(response):
            break
    assert seen == sorted(set(seen)) and len(seen) == 220


def test_range_fallbacks_and_the_end_past_the_total(api: httpx.Client) -> None:
    for bad in ("[5,2]", "0-24", "[-1,3]", "[0]", "nope"):
        response = api.get("/contacts", params={"range": bad})
        assert response.headers["content-range"] == "contacts 0-25/220" and len(response.json()) == 25
    assert api.get("/contacts").headers["content-range"] == "contacts 0-25/220"
    response = api.get("/contacts", params={"range": "[500,524]"})
    assert response.headers["content-range"] == "contacts 500-220/220" and response.json() == []
    assert len(api.get("/contacts", params={"range": "[0,9999]"}).json()) == 220  # no cap


def test_sorting_needs_exactly_desc_and_takes_either_spelling(api: httpx.Client) -> None:
    def ids(**params: str) -> list[int]:
        return [r["id"] for r in api.get("/contacts", params={"range": "[0,9]", **params}).json()]

    assert ids(sort="id", order="DESC")[0] == 220
    assert ids(sort="id", order="desc")[0] == 1  # lowercase sorts ascending, as on the real server
    names = [r["lastName"] for r in api.get("/contacts", params={"range": "[0,219]", "sort": "lastName",
                                                                  "order": "DESC"}).json()]
    assert names == sorted(names, key=str.lower, reverse=True)
    assert ids(sort="last_name", order="DESC") == ids(sort="lastName", order="DESC")
    by_company = api.get("/contacts", params={"range": "[0,219]", "sorts": json.dumps(
        [{"field": "company_id", "order": "DESC"}, {"field": "id", "order": "ASC"}])}).json()
    keys = [(-r["companyId"], r["id"]) for r in by_company]
    assert keys == sorted(keys)


def test_filters_behave_as_the_real_servers(api: httpx.Client) -> None:
    def count(filters: list[dict[str, object]], resource: str = "contacts") -> int:
        return total(api.get(f"/{resource}", params={"range": "[0,0]", "filters": json.dumps(filters)}))

    first = api.get("/contacts/1").json()
    assert count([{"field": "first_name", "op": "eq", "value": first["firstName"]}]) >= 1
    assert count([{"field": "company_id", "op": "eq", "value": first["companyId"]}]) == 220  # a number: dropped
    assert count([{"field": "first_name", "op": "starts_with", "value": "Zz"}]) == 220  # not implemented
    upper = count([{"field": "firstName", "op": "contains", "value": first["firstName"].upper()}])
    assert upper == count([{"field": "first_name", "op": "contains", "value": first["firstName"].lower()}]) >= 1
    # logicalOp joins a filter to the one before it: on the first filter it does nothing.
    jane_or = [{"field": "id", "op": "eq", "value": "1", "logicalOp": "or"}, {"field": "id", "op": "eq", "value": "2"}]
    assert count(jane_or) == 0
    assert count([jane_or[1], {**jane_or[0], "logicalOp": "or"}]) == 2
    assert count([{"field": "id", "op": "gt", "value": "200"}]) == 20
    assert count([{"field": "shoe_size", "op": "eq", "value": "42"}]) == 0  # a custom field nobody has
    for broken in ([{"field": "updated_at", "op": "gt", "value": "2020-01-01"}],
                   [{"field": "amount", "op": "gte", "value": "lots"}]):
        response = api.get("/deals", params={"filters": json.dumps(broken)})
        assert response.status_code == 500 and response.headers["content-type"].startswith("text/plain")
    assert count([{"field": "done_date", "op": "is_not_empty", "value": ""}], "tasks") > 0


def test_writes_are_checked_like_the_real_servers(fresh: SandboxServer) -> None:
    with client(fresh) as api:
        refused = api.post("/contacts", json={"first_name": "X", "nickname": "Y"})
        assert refused.status_code == 400
        assert refused.json() == {"error": "Invalid payload: Unrecognized key(s) in object: 'nickname'",
                                  "code": "VALIDATION_FAILED"}
        assert api.post("/contact_notes", json={"contact_id": 1, "text": "2026-01-01 kickoff"}).json()["error"] == \
            "Invalid text: Expected string, received date"
        assert api.post("/contacts", json={}).json()["error"] == "No writable fields to create"
        assert api.post("/contacts", content=b'{"first_name":').json()["error"] == "Invalid JSON body"
        assert api.post("/deals", json={"name": "D"}).json()["error"] == "Invalid companyId: Required"
        created = api.post("/deals", json={"name": "D", "company_id": 1, "amount": "12.5", "status": "free text"})
        assert created.status_code == 201 and created.json()["amount"] == 12.5
        assert "companyName" not in created.json()
        note = api.post("/contact_notes", json={"contact_id": 999_999, "text": "orphan"})
        assert note.status_code == 500 and note.text == "Internal Server Error"
        contact = api.post("/contacts", json={"firstName": "Ada", "custom_fields": {"shoe_size": "42"}}).json()
        assert contact["customFields"] == {"shoe_size": "42"} and contact["lastName"] is None
        assert api.get(f"/contacts/{contact['id']}abc").json()["id"] == contact["id"]  # parseInt
        assert api.get("/contacts/abc").status_code == 400
        updated = api.put(f"/contacts/{contact['id']}", json={"last_name": "Lovelace", "id": 5}).json()
        assert updated["id"] == contact["id"] and updated["lastName"] == "Lovelace"
        assert api.patch(f"/contacts/{contact['id']}", json={}).text == "404 Not Found"
        deal_id = created.json()["id"]
        before = api.get(f"/deals/{deal_id}").json()["updatedAt"]
        assert api.put(f"/deals/{deal_id}", json={"amount": 20}).json()["updatedAt"] == before  # PUT keeps it


def test_a_member_archives_deals_and_an_admin_restores_them(fresh: SandboxServer) -> None:
    with client(fresh) as admin, client(fresh, fresh.member_token) as member:
        assert member.get("/me").json()["administrator"] is False
        deal = admin.get("/deals", params={"range": "[0,0]", "sort": "id"}).json()[0]
        shown = total(admin.get("/deals"))
        archived = member.delete(f"/deals/{deal['id']}").json()
        assert archived["archived"] is True and archived["record"]["archivedAt"] is not None
        assert total(admin.get("/deals")) == shown - 1
        assert admin.get(f"/deals/{deal['id']}").status_code == 404
        hidden = admin.get("/deals", params={"filter": json.dumps({"include_archived": "true"})})
        assert total(hidden) == shown - 1  # only the JSON true counts
        newest = admin.get("/deals", params={"filter": json.dumps({"include_archived": True}), "sort": "updatedAt",
                                             "order": "DESC", "range": "[0,0]"}).json()[0]
        assert newest["id"] == deal["id"]
        assert member.post(f"/deals/{deal['id']}/restore").status_code == 403
        assert admin.post(f"/deals/{deal['id']}/restore").json()["archivedAt"] is None
        assert member.delete("/contacts/1").json() == {"error": "Forbidden", "code": "FORBIDDEN"}
        assert admin.post("/contacts/1/restore").json() == {"error": "Restore is only supported for deals"}
        gone = admin.delete(f"/deals/{deal['id']}")
        assert gone.status_code == 200 and admin.post(f"/deals/{deal['id']}/restore").status_code == 404


def test_merging_moves_notes_and_tasks_to_the_winner(fresh: SandboxServer) -> None:
    with client(fresh) as api:
        winner = api.post("/contacts", json={"first_name": "Win"}).json()["id"]
        loser = api.post("/contacts", json={"first_name": "Lose"}).json()["id"]
        api.post("/contact_notes", json={"contact_id": loser, "text": "note"})
        api.post("/tasks", json={"contact_id": loser, "text": "task"})
        assert api.post("/merge_contacts", json={"loserId": loser, "winnerId": winner}).json() == {"id": winner}
        assert api.get(f"/contacts/{loser}").status_code == 404
        for resource in ("contact_notes", "tasks"):
            assert total(api.get(f"/{resource}", params={"filter": json.dumps({"contact_id": winner})})) == 1


def test_sessions_tokens_and_invites(fresh: SandboxServer) -> None:
    with httpx.Client(base_url=fresh.url, timeout=10) as web:
        me = web.get("/api/me")
        assert me.status_code == 401 and me.json() == {"error": "Unauthorized"}
        admin_email = httpx.get(fresh.api_url + "/me", headers={"Authorization": f"Bearer {fresh.admin_token}"}
                                ).json()["email"]
        bad = web.post("/api/auth/sign-in/email", json={"email": admin_email, "password": "wrong"})
        assert bad.status_code == 401
        signed_in = web.post("/api/auth/sign-in/email", json={"email": admin_email, "password": DEMO_PASSWORD})
        raw = signed_in.json()["token"]
        assert web.get("/api/me").json()["email"] == admin_email  # the session cookie
        web.cookies.clear()
        assert web.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        cookie = signed_in.cookies["better-auth.session_token"]
        headers = {"Authorization": f"Bearer {cookie}"}
        created = web.post("/api/api-tokens", json={"name": "laptop"}, headers=headers).json()
        assert created["token"].startswith("bos_crm_") and created["tokenPrefix"] == created["token"][:12]
        mine = {"Authorization": f"Bearer {created['token']}"}
        assert web.get("/api/contacts", params={"range": "[0,0]"}, headers=mine).status_code == 200
        assert web.delete(f"/api/api-tokens/{created['id']}", headers=headers).json() == {"ok": True}
        assert web.get("/api/contacts", headers=mine).status_code == 401
        invite = web.post("/api/invites", json={"email": "new@sandbox.test"}, headers=headers).json()
        assert invite["signupLink"].endswith(f"/sign-up?invite={invite['token']}")
        body = {"email": "new@sandbox.test", "password": "longenough", "first_name": "New", "last_name": "Member"}
        assert web.post("/api/signup", json={**body, "invite_token": "wrong"}).status_code == 403
        joined = web.post("/api/signup", json={**body, "invite_token": invite["token"]})
        assert joined.status_code == 200 and joined.json()["email"] == "new@sandbox.test"
        users = web.get("/api/crm_users", headers=headers).json()
        assert {"basicsApiKey", "basicsApiKeyHash"} <= users[-1].keys() and users[-1]["administrator"] is False
        assert web.post("/api/crm_users", json={"first_name": "x"}, headers=headers).status_code == 400


def test_custom_objects_answer_raw_rows(fresh: SandboxServer) -> None:
    with client(fresh) as api:
        made = api.post("/object-config", json={"singularName": "Project", "pluralName": "Projects"})
        assert made.status_code == 201 and made.json()["tableName"] == "custom_projects"
        assert api.post("/object-config", json={"singularName": "P", "pluralName": "Projects"}).status_code == 409
        for name in ("Apollo", "Gemini", "Mercury"):
            row = api.post("/projects", json={"name": name, "budget": 10}).json()
        assert row == {**row, "id": "3", "custom_fields": {"budget": 10}} and row["created_at"].endswith("+00")
        names = [r["name"] for r in api.get("/projects", params={"sort": "name", "order": "DESC"}).json()]
        assert names == ["Mercury", "Gemini", "Apollo"]
        assert [r["id"] for r in api.get("/projects").json()] == ["3", "2", "1"]
        updated = api.put("/projects/3", json={"phase": "two"}).json()
        assert updated["custom_fields"] == {"phase": "two", "budget": 10} and updated["name"] == "Mercury"
        assert api.delete("/projects/3").status_code == 200 and api.get("/projects/3").status_code == 404
        assert api.get("/widgets").json() == {"error": "Unknown resource"}


def test_the_rate_limit_is_off_unless_asked(fresh: SandboxServer) -> None:
    with client(fresh) as api:
        assert all(api.get("/tags", params={"range": "[0,0]"}).status_code == 200 for _ in range(200))
    limits = RateLimits(per_minute=5, auth_per_minute=2)
    with SandboxServer(dialect="atomic", records=0, rate_limit=limits) as server, client(server) as api:
        assert [api.get("/tags").status_code for _ in range(6)] == [200] * 5 + [429]
        refused = api.get("/tags")
        assert refused.json() == {"error": "Too many requests"} and 0 < int(refused.headers["retry-after"]) <= 60
        assert api.get("/contacts").status_code == 200  # another path, another bucket
        sign_in = [api.post("/auth/sign-in/email", json={}).status_code for _ in range(3)]
        assert sign_in[-1] == 429 and 429 not in sign_in[:2]


def test_a_rate_limit_window_ends() -> None:
    now = [1000.0]
    limiter = RateLimiter(RateLimits(per_minute=2), now=lambda: now[0])
    assert [limiter.retry_after("a", "/api/tags") for _ in range(2)] == [None, None]
    now[0] += 20.2
    assert limiter.retry_after("a", "/api/tags") == 40
    assert limiter.retry_after("b", "/api/tags") is None
    now[0] += 40
    assert limiter.retry_after("a", "/api/tags") is None


def test_a_kept_data_file_is_served_again_by_its_own_dialect(tmp_path: Path) -> None:
    path = tmp_path / "atomic.sqlite"
    with SandboxServer(dialect="atomic", records=30, db_path=path) as first, client(first) as api:
        made = api.post("/tags", json={"name": "Kept", "color": "#123456"}).json()
        tokens = (first.admin_token, first.member_token)
    with SandboxServer(dialect="atomic", records=30, db_path=path) as again, client(again) as api:
        assert (again.admin_token, again.member_token) == tokens
        assert api.get(f"/tags/{made['id']}").json()["name"] == "Kept"
    with pytest.raises(ValueError, match="made by the atomic sandbox"):
        SandboxServer(dialect="aria", db_path=path).start()
    with pytest.raises(ValueError, match="unknown dialect"):
        SandboxServer(dialect="nope")


def test_a_new_atomic_file_gets_only_the_workspace_from_the_core(fresh: SandboxServer) -> None:
    core = fresh.core
    assert core is not None and core.dialect == "atomic" == fresh.dialect
    assert core.workspace.get()["id"] == fresh.workspace_id
    assert core.db.scalar("SELECT COUNT(*) FROM objects") == 0  # Aria's standard objects are not installed
