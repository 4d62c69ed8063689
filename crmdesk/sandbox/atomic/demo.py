"""Demo data for the atomic facade: the same for the same seed and size.

``records`` splits as the Aria demo does (20 % companies, 55 % contacts, 25 % deals);
about one contact in ten, one deal in eight and one company in twenty has a note, one
contact or deal in twenty has a task (a fifth of them done), and a few deals are archived
(hidden from lists, as on the real server). Five users (two admins) share the
organization; the first admin and the first member get a ``bos_crm_…`` API token each.
Rows go in with one ``executemany`` per table, with their ids, so a build of 100,000
records takes seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crmdesk.sandbox.atomic.accounts import Accounts
from crmdesk.sandbox.atomic.store import AtomicStore, default_config
from crmdesk.sandbox.clock import format_instant
from crmdesk.sandbox.demo import MEMBERS, PRODUCTS
from crmdesk.sandbox.demo import _Pools as Pools  # the Aria demo's seeded name pools: one look for both

#: The demo users' password (sandbox-only credentials, for ``POST /api/auth/sign-in/email``).
DEMO_PASSWORD = "sandbox123"
SECTORS = ("technology", "enterprise", "finance", "healthcare", "saas", "b2c", "retail", "manufacturing")
NOTE_STATUSES = ("cold", "warm", "hot", "in-contract", None)
TAGS = (("VIP", "#e88b7d"), ("Hot", "#e8cb7d"), ("Cold", "#7dbde8"), ("Partner", "#a4e87d"),
        ("Churn risk", "#e87dd5"))
TASK_TYPES = ("call", "email", "meeting", "demo", "follow-up")


@dataclass(frozen=True)
class DemoTokens:
    admin: str
    member: str


def build_atomic_demo(store: AtomicStore, records: int = 2000, seed: int = 1) -> DemoTokens:
    """Fill the facade's empty tables; returns an admin and a member API token."""
    rng = random.Random(seed)
    store.install_defaults()
    start = datetime.now(UTC) - timedelta(seconds=records + 20_000)
    tick = iter(range(10**9))
    at = lambda: format_instant(start + timedelta(seconds=next(tick)))  # noqa: E731 - tiny local helper

    accounts = Accounts(store.core)
    users = []
    for name, email, role in MEMBERS:
        first, _, last = name.partition(" ")
        users.append(accounts.add_user(email, DEMO_PASSWORD, first, last, administrator=role == "admin", at=at()))
    admin = next(u for u in users if u["administrator"])
    member = next(u for u in users if not u["administrator"])
    tokens = DemoTokens(accounts.issue_token(int(admin["id"]), "sandbox admin", at=at())[1],
                        accounts.issue_token(int(member["id"]), "sandbox member", at=at())[1])
    store.bulk_insert("atomic_tags", [{"id": i, "name": n, "color": c} for i, (n, c) in enumerate(TAGS, 1)])
    if records <= 0:
        return tokens  # an empty organization: users, tokens, tags and the configuration only

    pools = Pools(seed)
    user_ids = [int(u["id"]) for u in users]
    stages = [s["value"] for s in default_config()["dealStages"]]
    n_companies = max(1, records * 2 // 10)
    n_deals = max(1, records * 25 // 100)
    n_contacts = max(0, records - n_companies - n_deals)
    companies, names, domains = [], [], []
    for i in range(1, n_companies + 1):
        base = pools.companies[(i - 1) % len(pools.companies)]
        lap = (i - 1) // len(pools.companies)
        name = base if lap == 0 else f"{base} {lap + 1}"
        domain = "".join(ch for ch in name.lower() if ch.isalnum())[:40] + ".com"
        companies.append({"id": i, "created_at": at(), "name": name, "domain": domain,
                          "description": rng.choice(pools.sentences), "category": rng.choice(SECTORS),
                          "crm_user_id": rng.choice(user_ids), "custom_fields": "{}"})
        names.append(name)
        domains.append(domain)
    store.bulk_insert("atomic_companies", companies)

    contacts, by_company = [], {}
    for i in range(1, n_contacts + 1):
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        k = rng.randrange(n_companies)
        contacts.append({"id": i, "first_name": first, "last_name": last,
                         "email": f"{first}.{last}{rng.randint(1, 999)}@{domains[k]}".lower(), "company_id": k + 1,
                         "crm_user_id": rng.choice(user_ids), "created_at": at(),
                         "linkedin_url": f"https://linkedin.com/in/{first}{last}{i}".lower(), "custom_fields": "{}"})
        by_company.setdefault(k + 1, []).append(i)
    store.bulk_insert("atomic_contacts", contacts)

    deals = []
    for i in range(1, n_deals + 1):
        k = rng.randrange(n_companies)
        created = at()
        archived = created if rng.random() < 0.02 else None
        deals.append({"id": i, "name": f"{names[k]} {rng.choice(PRODUCTS)}", "company_id": k + 1,
                      "status": rng.choice(stages), "amount": rng.randrange(1_000, 250_000, 500),
                      "created_at": created, "updated_at": created, "archived_at": archived,
                      "crm_user_id": rng.choice(user_ids), "custom_fields": "{}"})
    store.bulk_insert("atomic_deals", deals)
    _notes_and_tasks(store, rng, pools, at, user_ids, n_contacts, n_deals, n_companies)
    return tokens


def _notes_and_tasks(store: AtomicStore, rng: random.Random, pools: Any, at: Any, users: list[int], n_contacts: int,
                     n_deals: int, n_companies: int) -> None:
    def notes(parent: str, count: int, share: int, extra: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for i, target in enumerate(sorted(rng.sample(range(1, count + 1), count // share)), 1):
            row = {"id": i, parent: target, "title": rng.choice((None, "Discovery call", "Follow-up", "Pricing")),
                   "text": rng.choice(pools.sentences), "date": at(), "crm_user_id": rng.choice(users),
                   **{k: rng.choice(v) if isinstance(v, tuple) else v for k, v in extra.items()}}
            out.append(row)
        return out

    store.bulk_insert("atomic_contact_notes", notes("contact_id", n_contacts, 10,
                                                    {"status": NOTE_STATUSES, "attachments": None}))
    store.bulk_insert("atomic_deal_notes", notes("deal_id", n_deals, 8,
                                                 {"type": ("email", "call", "meeting"), "attachments": None}))
    store.bulk_insert("atomic_company_notes", notes("company_id", n_companies, 20,
                                                    {"status": NOTE_STATUSES, "attachments": None}))
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    targets = [("contact_id", c) for c in range(1, n_contacts + 1, 20)] + [("deal_id", d)
                                                                         for d in range(1, n_deals + 1, 20)]
    tasks = []
    for i, (column, target) in enumerate(targets, 1):
        due = today + timedelta(days=rng.randint(-10, 30))
        kind = rng.choice(TASK_TYPES)
        tasks.append({"id": i, "parent_task_id": None, "contact_id": target if column == "contact_id" else None,
                      "company_id": None, "deal_id": target if column == "deal_id" else None,
                      "crm_user_id": rng.choice(users), "assignee_id": rng.choice(users), "type": kind,
                      "text": f"{kind.capitalize()} about the {rng.choice(PRODUCTS)}", "description": None,
                      "due_date": format_instant(due), "done_date": format_instant(due) if i % 5 == 0 else None})
    store.bulk_insert("atomic_tasks", tasks)
