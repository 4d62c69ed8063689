"""Demo data: a realistic workspace, the same for the same seed and size.

Faker (seeded) fills small pools of names, words and places once; a
``random.Random(seed)`` then combines them, which is what makes 100,000 records
take seconds rather than minutes. Records go in with one ``executemany`` per
object; ids come from the seeded stream too, so a seed gives the same ids.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from crmdesk.sandbox.clock import format_instant
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.db import dumps

CATEGORIES = ("SaaS", "Enterprise", "SMB", "Fintech", "Healthcare", "Retail")
JOB_TITLES = ("CEO", "CTO", "VP Sales", "Head of Operations", "Account Executive", "Procurement Lead",
              "Product Manager", "Engineering Manager", "CFO", "Office Manager", "Marketing Director")
DEAL_CURRENCIES = ("USD", "USD", "EUR", "USD", "GBP", "USD", "EUR", "USD", "USD", "EUR")
PRODUCTS = ("rollout", "pilot", "renewal", "expansion", "onboarding", "licence", "migration", "support plan")
MEMBERS = (("Ada Admin", "ada@sandbox.test", "admin"), ("Sam Seller", "sam@sandbox.test", "member"),
           ("Mia Manager", "mia@sandbox.test", "admin"), ("Leo Lead", "leo@sandbox.test", "member"),
           ("Zoe Rep", "zoe@sandbox.test", "member"))


@dataclass(frozen=True)
class DemoTokens:
    admin: str
    member: str


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = [fake.first_name() for _ in range(400)]
        self.last = [fake.last_name() for _ in range(400)]
        self.companies = list(dict.fromkeys(fake.company().replace(",", "") for _ in range(600)))
        self.cities = [(fake.city(), fake.state_abbr()) for _ in range(150)]
        self.sentences = [fake.sentence(nb_words=8) for _ in range(200)]


def build_demo(core: Core, records: int = 2000, seed: int = 1) -> DemoTokens:
    """Fill an initialised, empty core; returns an admin and a member token."""
    rng = random.Random(seed)
    pools = _Pools(seed)
    new_id = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))  # noqa: E731 - tiny local helper
    start = datetime.now(UTC) - timedelta(seconds=records + 20_000)
    tick = iter(range(10**9))
    at = lambda: format_instant(start + timedelta(seconds=next(tick)))  # noqa: E731

    members = [core.workspace.add_member(email, role, name, at=at(), user_id=new_id().replace("-", "")[:32])
               for name, email, role in MEMBERS]
    users = [m["user_id"] for m in members]
    tokens = DemoTokens(core.workspace.issue_token(users[0], "sandbox admin")[1],
                        core.workspace.issue_token(users[1], "sandbox member")[1])

    if records <= 0:
        return tokens  # an empty workspace: the standard objects, members and tokens only
    companies_def = core.schema.object_def("companies")
    categories = companies_def.attribute("categories")
    assert categories is not None and categories.id is not None
    for title in CATEGORIES:
        core.schema.create_option(categories.id, {"title": title})
    category_ids = [o.id for o in core.schema.object_def("companies").attribute("categories").options]  # type: ignore[union-attr]
    stage_ids = [o.id for o in core.schema.object_def("deals").attribute("stage").options]  # type: ignore[union-attr]

    n_companies = max(1, records * 2 // 10)
    n_deals = max(1, records * 25 // 100)
    n_people = max(0, records - n_companies - n_deals)

    company_rows, company_ids, company_names, domains = [], [], [], []
    for i in range(n_companies):
        base = pools.companies[i % len(pools.companies)]
        name = base if i < len(pools.companies) else f"{base} {i // len(pools.companies) + 1}"
        domain = "".join(ch for ch in name.lower() if ch.isalnum())[:40] + (
            "" if i < len(pools.companies) else str(i)) + ".com"
        city, state = rng.choice(pools.cities)
        values: dict[str, Any] = {"name": name, "domains": [domain], "description": rng.choice(pools.sentences),
                                  "primary_location": {"city": city, "state": state, "country": "US"},
                                  # One option: the real server keeps one per select (the draw
                                  # stays as it was so the rest of the demo does not change).
                                  "categories": rng.sample(category_ids, rng.randint(1, 2))[:1]}
        record_id = new_id()
        company_rows.append((record_id, values, rng.choice(users), at()))
        company_ids.append(record_id)
        company_names.append(name)
        domains.append(domain)
    core.records.bulk_insert("companies", company_rows)

    people_rows, people_ids, people_by_company = [], [], {}
    for _ in range(n_people):
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        k = rng.randrange(n_companies)
        city, state = rng.choice(pools.cities)
        values = {"name": {"first_name": first, "last_name": last, "full_name": f"{first} {last}"},
                  "email_addresses": [f"{first}.{last}{rng.randint(1, 999)}@{domains[k]}".lower()],
                  "phone_numbers": [f"+1555{rng.randint(100, 999)}{rng.randint(1000, 9999)}"],  # E.164
                  "job_title": rng.choice(JOB_TITLES), "company": company_ids[k],
                  "location": {"city": city, "state": state, "country": "US"}}
        record_id = new_id()
        # Written as the team's web app writes a name (camelCase keys).
        web_name = {"firstName": first, "lastName": last, "fullName": f"{first} {last}"}
        people_rows.append((record_id, values, rng.choice(users), at(), {"name": web_name}))
        people_ids.append(record_id)
        people_by_company.setdefault(k, []).append(record_id)
    core.records.bulk_insert("people", people_rows)

    deal_rows, deal_ids = [], []
    today = datetime.now(UTC).date()
    for i in range(n_deals):
        k = rng.randrange(n_companies)
        contacts = people_by_company.get(k) or (rng.sample(people_ids, 1) if people_ids else [])
        # Mostly dollars, some euros and pounds: a team selling abroad (board sums stay per currency).
        code = DEAL_CURRENCIES[i % len(DEAL_CURRENCIES)]
        name = f"{company_names[k]} {rng.choice(PRODUCTS)}"  # drawn before the amount, as always
        amount = rng.randrange(1_000, 250_000, 500)
        values = {"name": name,
                  "value": {"amount": amount, "currency": code},
                  "stage": rng.choice(stage_ids),
                  "expected_close_date": (today + timedelta(days=rng.randint(-60, 180))).isoformat(),
                  "owner": rng.choice(users), "company": company_ids[k]}
        if contacts:
            values["associated_people"] = contacts[:2]
        record_id = new_id()
        sent = {"value": {"amount": amount, "currencyCode": code}}  # the web app's shape
        instant = at()
        if i % 3 == 0:
            # A third of the deals were last touched weeks ago, as in any team's pipeline: Home marks
            # the stale ones. (Worked out from i, not drawn: the demo's other values stay as they were.)
            instant = format_instant(start - timedelta(days=15 + i % 45))
        deal_rows.append((record_id, values, rng.choice(users), instant, sent))
        deal_ids.append(record_id)
    core.records.bulk_insert("deals", deal_rows)

    _lists(core, rng, at, users, deal_ids, company_ids)
    _notes_and_tasks(core, rng, pools, at, users, people_ids + company_ids + deal_ids, today)
    for user in users:
        for n in range(8):
            target = rng.choice(deal_ids)
            core.notifications.add(user, "assignment" if n % 2 else "mention",
                                   "You were assigned a deal" if n % 2 else "You were mentioned in a note",
                                   rng.choice(pools.sentences), target, at=at())
    return tokens


def _lists(core: Core, rng: random.Random, at: Any, users: list[str], deal_ids: list[str],
           company_ids: list[str]) -> None:
    pipeline = core.lists.create("Sales pipeline", "deals", False, users[0])
    core.schema.create_attribute(list_id=pipeline["id"], slug="pipeline_status", title="Pipeline status",
                                 type="status", options=[{"title": t} for t in
                                                         ("Prospecting", "In progress", "Closing", "Done")])
    core.schema.create_attribute(list_id=pipeline["id"], slug="priority", title="Priority", type="rating")
    core.schema.create_attribute(list_id=pipeline["id"], slug="next_step", title="Next step", type="text")
    accounts = core.lists.create("Key accounts", "companies", False, users[0])
    core.schema.create_attribute(list_id=accounts["id"], slug="tier", title="Tier", type="select",
                                 options=[{"title": t} for t in ("Gold", "Silver", "Bronze")])
    core.schema.create_attribute(list_id=accounts["id"], slug="account_owner", title="Account owner",
                                 type="actor_reference")
    statuses = [o.id for o in core.lists.list_def(pipeline["id"]).attributes[0].options]
    tiers = [o.id for o in core.lists.list_def(accounts["id"]).attributes[0].options]
    rows = []
    for record_id in rng.sample(deal_ids, min(len(deal_ids), 300)):
        values = {"pipeline_status": rng.choice(statuses), "priority": rng.randint(1, 5),
                  "next_step": rng.choice(("Send proposal", "Book demo", "Call back", "Legal review"))}
        instant = at()
        rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), pipeline["id"], record_id, dumps(values),
                     users[0], instant, instant))
    for record_id in rng.sample(company_ids, min(len(company_ids), 100)):
        values = {"tier": [rng.choice(tiers)], "account_owner": rng.choice(users)}
        instant = at()
        rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), accounts["id"], record_id, dumps(values),
                     users[0], instant, instant))
    with core.db.transaction() as conn:
        conn.executemany("INSERT INTO entries (id, list_id, record_id, data, created_by, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def _notes_and_tasks(core: Core, rng: random.Random, pools: _Pools, at: Any, users: list[str],
                     record_ids: list[str], today: Any) -> None:
    notes, tasks, links, assignees = [], [], [], []
    for position, record_id in enumerate(rng.sample(record_ids, min(len(record_ids), max(1, len(record_ids) // 10),
                                                                    3000))):
        instant = at()
        sentence = rng.choice(pools.sentences)
        # Every fourth note is a structured one, as colleagues write them in the web app.
        content = _web_app_note(sentence, position) if position % 4 == 0 else {
            "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": sentence}]}]}
        notes.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), record_id,
                      rng.choice(("Discovery call", "Follow-up", "Meeting notes", "Pricing discussion")),
                      dumps(content), rng.choice(users), instant, instant))
    for position, record_id in enumerate(rng.sample(record_ids, min(len(record_ids), max(1, len(record_ids) // 20),
                                                                    1000))):
        task_id, instant = str(uuid.UUID(int=rng.getrandbits(128), version=4)), at()
        deadline = datetime.combine(today + timedelta(days=rng.randint(-10, 30)), datetime.min.time(), UTC)
        done = position % 5 == 0
        verb = rng.choice(("Call about the", "Email about the", "Send the contract for the", "Meet about the"))
        tasks.append((task_id, f"{verb} {rng.choice(PRODUCTS)}", deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z"), int(done),
                      instant if done else None, rng.choice(users), instant, instant))
        links.append((task_id, record_id, 0))
        assignees.append((task_id, rng.choice(users), 0))
    with core.db.transaction() as conn:
        conn.executemany("INSERT INTO notes (id, record_id, title, content, created_by, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", notes)
        conn.executemany("INSERT INTO tasks (id, content, deadline, is_completed, completed_at, created_by, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tasks)
        conn.executemany("INSERT INTO task_records VALUES (?, ?, ?)", links)
        conn.executemany("INSERT INTO task_assignees VALUES (?, ?, ?)", assignees)


def _web_app_note(sentence: str, position: int) -> dict[str, Any]:
    """A note in the shape the team's web app writes (TipTap JSON, as in the WEBSHAPE_* recordings):
    a heading, lists with marks, a link. Built from ``position`` only: the seeded stream is untouched."""
    product = PRODUCTS[position % len(PRODUCTS)]

    def text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
        return {"type": "text", "text": value, **({"marks": list(marks)} if marks else {})}

    def item(*content: dict[str, Any]) -> dict[str, Any]:
        return {"type": "listItem", "content": [{"type": "paragraph", "content": list(content)}]}

    link = {"type": "link", "attrs": {"href": f"https://example.com/{product.replace(' ', '-')}/{position}",
                                      "target": "_blank", "rel": "noopener noreferrer nofollow", "class": None}}
    return {"type": "doc", "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [text("Agenda")]},
        {"type": "bulletList", "content": [
            item(text("Pricing for "), text(f"{10 + position % 90} seats", {"type": "bold"})),
            item(text("The "), text(f"{product} proposal", link), text(" is ready")),
        ]},
        {"type": "paragraph", "content": [text(sentence)]},
        {"type": "orderedList", "attrs": {"start": 1}, "content": [
            item(text("Send the contract")),
            item(text("Book the "), text(product, {"type": "italic"}), text(" kickoff")),
        ]},
    ]}
