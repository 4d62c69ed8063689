"""The atlas demo: ``records`` entities — 20% companies, 50% contacts, 30% sales — the same for the
same seed and size, and the two OAuth clients.

Every contact works at a company (link roles ``Employee``, a quarter also ``Decision maker``);
every sale is linked to a company (``Customer``) and most to one of its contacts (``Contact
person``); one sale in ten has Jira issue keys. User fields hold the demo accounts' Atlassian
account ids. Names come from small Faker pools combined by ``random.Random(seed)``; the rows go in
with one ``executemany`` per table, so 20,000 entities take about a second.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from faker import Faker

from crmdesk.sandbox.atlas.store import AtlasStore, pair, sort_name
from crmdesk.sandbox.atlas.template import INDUSTRIES, LANGUAGES, PRODUCTS, STAGES, TEMPLATES, custom_id
from crmdesk.sandbox.clock import format_instant
from crmdesk.sandbox.core.db import dumps

#: The demo's Atlassian accounts (name, account id): the admin client acts as the first, the
#: member client as the second; user fields hold any of them.
ACCOUNT_NAMES = ("Ada Admin", "Sam Seller", "Mia Manager", "Leo Lead", "Zoe Rep")
ACCOUNTS = tuple((name, hashlib.sha256(name.encode()).hexdigest()[:24]) for name in ACCOUNT_NAMES)
#: Link roles the demo uses (roles are free text: any other is accepted too).
EMPLOYEE, DECISION_MAKER, CUSTOMER, CONTACT_PERSON = "Employee", "Decision maker", "Customer", "Contact person"
JOB_TITLES = ("CEO", "CTO", "VP Sales", "Head of Operations", "Account Executive", "Procurement Lead", "CFO")
STEPS = ("Send the revised quote", "Book a demo with their team", "Follow up after the trial",
         "Loop in legal", "Confirm the budget")
ISSUE_PROJECTS = ("SALES", "SUP", "OPS")
#: Demo dates sit around a fixed day, so a seed gives the same data on any day.
BASE_DAY = date(2026, 6, 1)


@dataclass(frozen=True)
class Credentials:
    """``CLIENT_ID:CLIENT_SECRET`` of the admin and the member client (what ``CRMDESK_TOKEN`` holds)."""

    admin: str
    member: str


def add_clients(store: AtlasStore) -> Credentials:
    pairs = []
    for role, (_name, account) in zip(("admin", "member"), ACCOUNTS, strict=False):
        client_id, secret = "atlas-" + secrets.token_hex(8), secrets.token_urlsafe(24)
        store.add_client(client_id, secret, role, account)
        pairs.append(f"{client_id}:{secret}")
    return Credentials(*pairs)


def credentials(store: AtlasStore) -> Credentials:
    """The clients of a reopened file."""
    found = [store.client_of_role(role) for role in ("admin", "member")]
    return Credentials(*(f"{row['client_id']}:{row['secret']}" if row else "" for row in found))


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = [fake.first_name() for _ in range(300)]
        self.last = [fake.last_name() for _ in range(300)]
        self.companies = list(dict.fromkeys(fake.company().replace(",", "") for _ in range(500)))
        self.sentences = [fake.sentence(nb_words=8) for _ in range(100)]


def build_atlas_demo(store: AtlasStore, records: int, seed: int) -> Credentials:
    """Fill a new file: the clients, then the entities, their links and issue keys."""
    found = add_clients(store)
    if records > 0:
        _Builder(store, random.Random(seed), _Pools(seed)).build(records)
    return found


class _Builder:
    def __init__(self, store: AtlasStore, rng: random.Random, pools: _Pools) -> None:
        self.store, self.rng, self.pools = store, rng, pools
        self.rows: list[tuple[Any, ...]] = []
        #: (low, high) → the roles' JSON
        self.links: dict[tuple[str, str], str] = {}
        self.issues: list[tuple[str, str]] = []
        self.accounts = [a for _, a in ACCOUNTS]
        self.start = datetime(2026, 1, 1, tzinfo=UTC)
        self.order = {t: list(template.fields) for t, template in TEMPLATES.items()}
        #: custom field ids by label (computed once: a UUID5 per value would be most of the build)
        self.custom = {label: custom_id(t, label) for t, template in TEMPLATES.items()
                       for label in (f.label for f in template.fields.values())}

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def day(self, low: int, high: int) -> str:
        return (BASE_DAY + timedelta(days=self.rng.randint(low, high))).isoformat()

    def add(self, entity_type: str, fields: dict[str, Any]) -> str:
        entity_id = self.new_id()
        ordered = {fid: fields[fid] for fid in self.order[entity_type] if fields.get(fid) is not None}
        created = format_instant(self.start + timedelta(seconds=len(self.rows)))
        self.rows.append((entity_id, entity_type, sort_name(ordered, entity_type), dumps(ordered), created))
        return entity_id

    def build(self, records: int) -> None:
        n_companies = max(1, records * 20 // 100)
        n_sales = records * 30 // 100
        n_contacts = max(0, records - n_companies - n_sales)
        companies = [self.company(i) for i in range(n_companies)]
        staff: dict[str, list[str]] = {}
        for _ in range(n_contacts):
            company_id, domain = self.rng.choice(companies)
            contact = self.contact(domain)
            staff.setdefault(company_id, []).append(contact)
            roles = (EMPLOYEE, DECISION_MAKER) if self.rng.random() < 0.25 else (EMPLOYEE,)
            self.links[pair(contact, company_id)] = dumps(roles)
        for i in range(n_sales):
            company_id, _domain = self.rng.choice(companies)
            sale = self.sale(i)
            self.links[pair(sale, company_id)] = dumps([CUSTOMER])
            people = staff.get(company_id)
            if people and self.rng.random() < 0.8:
                self.links[pair(sale, self.rng.choice(people))] = dumps([CONTACT_PERSON])
            if i % 10 == 3:
                for _ in range(self.rng.randint(1, 2)):
                    key = f"{self.rng.choice(ISSUE_PROJECTS)}-{self.rng.randint(1, 400)}"
                    self.issues.append((sale, key))
        with self.store.db.transaction() as conn:
            conn.executemany("INSERT INTO atlas_entities (id, type, sort_name, data, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", self.rows)
            conn.executemany("INSERT INTO atlas_links (low, high, roles) VALUES (?, ?, ?)",
                             [(low, high, roles) for (low, high), roles in self.links.items()])
            conn.executemany("INSERT OR IGNORE INTO atlas_issue_links (entity_id, issue_id) VALUES (?, ?)",
                             self.issues)

    def company(self, i: int) -> tuple[str, str]:
        pools, rng = self.pools, self.rng
        base = pools.companies[i % len(pools.companies)]
        name = base if i < len(pools.companies) else f"{base} {i // len(pools.companies) + 1}"
        domain = "".join(ch for ch in name.lower() if ch.isalnum())[:30] + ("" if i < len(pools.companies) else str(i))
        domain += ".example"
        fields = {
            "company-name": name, "company-website": f"https://www.{domain}",
            "company-phone": f"+31 20 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "company-description": rng.choice(pools.sentences) if rng.random() < 0.6 else None,
            self.custom["Industry"]: rng.choice(INDUSTRIES),
            self.custom["Customer since"]: self.day(-2000, -30) if rng.random() < 0.7 else None,
            self.custom["Account manager"]: rng.choice(self.accounts),
            self.custom["Annual revenue"]: rng.randrange(100_000, 50_000_000, 50_000),
        }
        return self.add("company", fields), domain

    def contact(self, domain: str) -> str:
        pools, rng = self.pools, self.rng
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        contacted = self.start + timedelta(days=rng.randint(0, 150), minutes=rng.randint(0, 24 * 60))
        phone = f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        fields = {
            "contact-name": f"{first} {last}",
            "contact-email": f"{first}.{last}@{domain}".lower(),
            "contact-phone": phone if rng.random() < 0.7 else None,
            "contact-job-title": rng.choice(JOB_TITLES),
            self.custom["Languages"]: sorted(rng.sample(LANGUAGES, rng.randint(1, 2)), key=LANGUAGES.index),
            self.custom["Birthday"]: self.day(-22000, -8000) if rng.random() < 0.3 else None,
            self.custom["Last contacted"]: contacted.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            if rng.random() < 0.8 else None,
            self.custom["Notes"]: rng.choice(pools.sentences) if rng.random() < 0.3 else None,
        }
        return self.add("contact", fields)

    def sale(self, i: int) -> str:
        pools, rng = self.pools, self.rng
        stage = rng.choice(STAGES)
        status = stage if stage in ("Won", "Lost") else "Open"
        signed = self.start + timedelta(days=rng.randint(0, 150), hours=rng.randint(8, 18))
        fields = {
            "sale-name": f"{rng.choice(pools.companies)} {rng.choice(PRODUCTS).lower()} deal",
            "sale-balance": rng.randrange(1_000, 250_000, 500),
            "sale-status": status,
            "sale-owner": rng.choice(self.accounts),
            "sale-close-date": self.day(-60, 180),
            self.custom["Pipeline stage"]: stage,
            self.custom["Products"]: sorted(rng.sample(PRODUCTS, rng.randint(1, 3)), key=PRODUCTS.index),
            self.custom["Next step"]: rng.choice(STEPS) if status == "Open" else None,
            self.custom["Signed at"]: signed.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            if status == "Won" else None,
        }
        return self.add("sale", fields)
