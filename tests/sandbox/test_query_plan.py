"""records/query's SQL path (indexed createdAt/updatedAt bounds, emptiness, SQL paging) against brute force.

``RecordStore.query`` decodes every record and evaluates the filter in Python (the model's
semantics); ``query_page`` must give the same page and total for every filter, sort and
page, in default and strict mode, including times tied with the threshold and records
updated between pages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crmdesk.sandbox.core import Core, Unprocessable
from crmdesk.sandbox.core.query import QueryRules, compile_filter, plan_filter

from .conftest import client_for

SLUG = "people"
# A few instants, some on a whole millisecond (what a client's "since" parses to), so
# records tie with each other and with the thresholds.
INSTANTS = [
    "2026-01-01T00:00:00.000000Z",
    "2026-01-01T00:00:00.000500Z",
    "2026-01-01T00:00:00.001000Z",
    "2026-03-04T05:06:07.089000Z",
    "2026-03-04T05:06:07.089999Z",
    "2026-03-04T05:06:07.090000Z",
    "2027-12-31T23:59:59.999999Z",
]
THRESHOLDS = [
    "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z", "2026-03-04T05:06:07.089Z", "2026-03-04 05:06:07.090",
    "2026-03-04T05:06:07.089999Z", "2026-03-04", "1970-01-01T00:00:00Z", "2999-01-01T00:00:00.000Z",
    "0999-06-01T00:00:00Z",
]
META_OPS = ["greater_than", "greater_than_or_equals", "less_than", "less_than_or_equals", "gt", "gte", "lt", "lte",
            "equals", "not_equals", "is_empty", "is_not_empty"]
TITLES = ["Engineer", "engineer", "CEO", "Sales", "", "VP Sales"]


@pytest.fixture(scope="module")
def core() -> Iterator[Core]:
    core = Core()
    core.initialise()
    rng = random.Random(5)
    for i in range(160):
        values: dict[str, Any] = {"name": {"first_name": f"P{i}", "last_name": rng.choice("ABC")}}
        if rng.random() < 0.7:
            values["job_title"] = rng.choice(TITLES)
        if rng.random() < 0.5:
            values["email_addresses"] = [f"p{i}@example.com"]
        core.records.create(SLUG, values, None)
    retime(core, rng)
    yield core
    core.close()


def retime(core: Core, rng: random.Random) -> None:
    """Ties: created and updated times drawn from a handful of instants (updated ≥ created)."""
    obj = core.schema.object_def(SLUG)
    with core.db.transaction() as conn:
        for (record_id,) in conn.execute("SELECT id FROM records WHERE object_id = ?", (obj.id,)).fetchall():
            created = rng.choice(INSTANTS)
            updated = rng.choice([t for t in INSTANTS if t >= created])
            conn.execute("UPDATE records SET created_at = ?, updated_at = ? WHERE id = ?",
                         (created, updated, record_id))


def random_condition(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.15 and depth < 2:
        return {"operator": rng.choice(["and", "or", "AND", "Or"]),
                "conditions": [random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if roll < 0.7:
        return {"attribute": rng.choice(["updatedAt", "createdAt", "updated_at", "created_at"]),
                "operator": rng.choice(META_OPS), "value": rng.choice(THRESHOLDS)}
    attribute = rng.choice(["job_title", "email_addresses", "nope"])
    operator = rng.choice(["equals", "not_equals", "contains", "is_empty", "is_not_empty", "starts_with", "bogus"])
    return {"attribute": attribute, "operator": operator, "value": rng.choice([*TITLES[:4], "example", "p1"])}


def random_sorts(rng: random.Random) -> Any:
    names = ["updatedAt", "createdAt", "job_title", "name", "nope"]
    return rng.choice([None, [], "x"] + [
        [{"attribute": rng.choice(names), "direction": rng.choice(["asc", "desc", "DESC"])}
         for _ in range(rng.randint(1, 3))] for _ in range(6)
    ])


def check(core: Core, body: dict[str, Any], rules: QueryRules, limit: int | None, offset: int) -> int:
    obj = core.schema.object_def(SLUG)
    try:
        reference = core.records.query(SLUG, compile_filter(body.get("filter"), obj, rules), body.get("sorts"), rules)
    except Unprocessable:
        with pytest.raises(Unprocessable):
            plan_filter(body.get("filter"), obj, rules)
        return -1
    page, total = core.records.query_page(SLUG, plan_filter(body.get("filter"), obj, rules), body.get("sorts"),
                                          rules, limit, offset)
    end = None if limit is None else offset + limit
    assert [r.id for r in page] == [r.id for r in reference[offset:end]], body
    assert page == reference[offset:end]
    assert total == len(reference), body
    return total


@pytest.mark.parametrize("strict", [False, True])
def test_random_filters_match_brute_force(core: Core, strict: bool) -> None:
    rng = random.Random(11 + strict)
    rules = QueryRules(strict=strict)
    totals = set()
    for _ in range(400):
        body = {"filter": {"operator": rng.choice(["and", "or"]),
                           "conditions": [random_condition(rng) for _ in range(rng.randint(1, 3))]},
                "sorts": random_sorts(rng)}
        totals.add(check(core, body, rules, rng.choice([None, 0, 1, 7, 50, 200]), rng.choice([0, 0, 3, 40, 150])))
    assert len(totals) > (3 if strict else 20)  # the filters really filter (or fail, -1)


@pytest.mark.parametrize("operator", META_OPS[:4])
@pytest.mark.parametrize("instant", INSTANTS)
def test_ties_at_the_threshold(core: Core, operator: str, instant: str) -> None:
    """A threshold equal to stored times (to the microsecond, or to the millisecond it parses to)."""
    for value in (instant, instant[:23] + "Z"):
        for attribute in ("updatedAt", "createdAt"):
            body = {"filter": {"operator": "and",
                               "conditions": [{"attribute": attribute, "operator": operator, "value": value}]}}
            total = check(core, body, QueryRules(), 200, 0)
            assert 0 <= total <= 160
            assert check(core, body, QueryRules(strict=True), 200, 0) == 160


def test_updates_between_pages_match_brute_force() -> None:
    core = Core()
    core.initialise()
    try:
        ids = [core.records.create(SLUG, {"job_title": f"t{i}"}, None).id for i in range(120)]
        since = core.clock.now()
        rng = random.Random(3)
        for record_id in rng.sample(ids, 30):
            core.records.update(SLUG, record_id, {"job_title": "changed"})
        body = {"filter": {"operator": "and",
                           "conditions": [{"attribute": "updatedAt", "operator": "greater_than", "value": since}]},
                "sorts": rng.choice([None, [{"attribute": "updatedAt", "direction": "asc"}]])}
        for sorts in (None, [{"attribute": "updatedAt", "direction": "asc"}], [{"attribute": "job_title"}]):
            body["sorts"] = sorts
            offset = 0
            while check(core, body, QueryRules(), 7, offset) > offset:
                for record_id in rng.sample(ids, 3):  # changed during the walk: some move, some join
                    core.records.update(SLUG, record_id, {"job_title": rng.choice(["changed", "again"])})
                offset += 7
    finally:
        core.close()


def test_indexed_path_uses_the_updated_index(core: Core) -> None:
    obj = core.schema.object_def(SLUG)
    plan = plan_filter({"operator": "and", "conditions": [
        {"attribute": "updatedAt", "operator": "greater_than", "value": "2999-01-01T00:00:00Z"}]}, obj, QueryRules())
    assert plan.predicate is None and plan.sql == "updated_at > ?"
    detail = " ".join(str(row[3]) for row in core.db.all(
        f"EXPLAIN QUERY PLAN SELECT id FROM records WHERE object_id = ? AND ({plan.sql})", (obj.id, *plan.params)))
    assert "records_by_object_updated" in detail
    mixed = plan_filter({"operator": "and", "conditions": [
        {"attribute": "updatedAt", "operator": "gte", "value": "2026-01-01"},
        {"attribute": "job_title", "operator": "contains", "value": "eng"}]}, obj, QueryRules())
    assert mixed.predicate is not None and mixed.sql is not None and "updated_at >= ?" in mixed.sql
    dropped = plan_filter({"operator": "and", "conditions": [
        {"attribute": "updatedAt", "operator": "greater_than", "value": "2999-01-01T00:00:00Z"},
        {"attribute": "job_title", "operator": "gt", "value": "x"}]}, obj, QueryRules(strict=True))
    assert dropped.sql is None and dropped.predicate is None


def test_changed_since_over_http(sandbox_server) -> None:
    server = sandbox_server(records=300, seed=2)
    since = server.core.clock.now()
    people = server.core.records.page(SLUG, 40, 0)
    for record in people[::4]:
        server.core.records.update(SLUG, record.id, {"job_title": "changed"})
    changed = {r.id for r in people[::4]}

    def query(client: httpx.Client, value: Any, **extra: Any) -> httpx.Response:
        return client.post(f"/objects/{SLUG}/records/query", json={"filter": {"operator": "and", "conditions": [
            {"attribute": "updatedAt", "operator": "greater_than", "value": value}]}, **extra})

    with client_for(server) as client:
        data = query(client, since, limit=200).json()["data"]
        assert {r["id"] for r in data["records"]} == changed
        assert data["pagination"]["total"] == len(changed)
        page = query(client, since, limit=3, offset=3).json()["data"]
        assert len(page["records"]) == 3 and page["pagination"]["total"] == len(changed)
        # A year before 1000 is still before everything (its text once sorted after 2026).
        everything = server.core.records.count(SLUG)
        assert query(client, "0999-01-01T00:00:00Z", limit=1).json()["data"]["pagination"]["total"] == everything
        assert query(client, "not a time").status_code == 500  # default mode: as the real server's bad operand


def test_strict_drops_changed_since_and_seed_spellings(sandbox_server) -> None:
    server = sandbox_server(records=300, seed=2, strict=True)
    everything = server.core.records.count(SLUG)
    with client_for(server) as client:
        for condition in ({"attribute": "updatedAt", "operator": "greater_than", "value": "2999-01-01T00:00:00.000Z"},
                          {"attribute": "updatedAt", "operator": "greater_than", "value": "not a time"},
                          {"attribute": "createdAt", "operator": "less_than", "value": "1970-01-01"},
                          {"attribute": "job_title", "operator": "gt", "value": "x"}):
            response = client.post(f"/objects/{SLUG}/records/query",
                                   json={"filter": {"operator": "and", "conditions": [condition]}, "limit": 200,
                                         "sorts": [{"attribute": "updatedAt", "direction": "asc"}]})
            assert response.status_code == 200, condition
            data = response.json()["data"]
            assert data["pagination"]["total"] == everything
            newest = [r.id for r in server.core.records.page(SLUG, 200, 0)]
            assert [r["id"] for r in data["records"]] == newest
