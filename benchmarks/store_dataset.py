"""A deterministic 100,000-record object with 15 attributes of mixed types, for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option, Record

FIRST = ["Ada", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kai", "Lena",
         "Mateo", "Noor", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Yara"]
LAST = ["Andersen", "Brown", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hoang", "Ivanova",
        "Jensen", "Kowalski", "Larsen", "Müller", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi",
        "Schmidt", "Tanaka", "Umarov", "Varga", "Walsh", "Zhang"]
TITLES = ["Account Executive", "Sales Engineer", "VP Sales", "CTO", "Head of Procurement", "Engineer",
          "Office Manager", "Founder", "Buyer", "Director of Operations", "Marketing Lead", "Analyst"]
WORDS = ["rollout", "renewal", "pilot", "expansion", "migration", "audit", "training", "support",
         "integration", "upgrade", "licence", "onboarding"]
CITIES = ["Berlin", "Lisbon", "Austin", "Osaka", "Nairobi", "Toronto", "Lyon", "Oslo", "Denver", "Pune"]

STAGES = tuple(Option(f"stage-{i}", t, None, i) for i, t in enumerate(
    ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]))
CATEGORIES = tuple(Option(f"cat-{i}", t, None, i) for i, t in enumerate(
    ["SaaS", "Enterprise", "SMB", "Public sector", "Partner"]))

BENCH_OBJECT = ObjectDef(
    "contacts",
    "Contact",
    "Contacts",
    attributes=(
        AttributeDef("name", "Name", AttributeType.PERSONAL_NAME, order=0),
        AttributeDef("email_addresses", "Email", AttributeType.EMAIL_ADDRESS, multiselect=True, order=1),
        AttributeDef("phone_numbers", "Phone", AttributeType.PHONE_NUMBER, multiselect=True, order=2),
        AttributeDef("job_title", "Job title", AttributeType.TEXT, order=3),
        AttributeDef("domain", "Domain", AttributeType.DOMAIN, order=4),
        AttributeDef("employees", "Employees", AttributeType.NUMBER, order=5),
        AttributeDef("deal_value", "Deal value", AttributeType.CURRENCY, order=6),
        AttributeDef("close_date", "Close date", AttributeType.DATE, order=7),
        AttributeDef("last_contacted", "Last contacted", AttributeType.TIMESTAMP, order=8),
        AttributeDef("is_customer", "Customer", AttributeType.CHECKBOX, order=9),
        AttributeDef("stage", "Stage", AttributeType.STATUS, options=STAGES, order=10),
        AttributeDef("categories", "Categories", AttributeType.SELECT, multiselect=True, options=CATEGORIES,
                     order=11),
        AttributeDef("score", "Score", AttributeType.RATING, order=12),
        AttributeDef("location", "Location", AttributeType.LOCATION, order=13),
        AttributeDef("description", "Description", AttributeType.TEXT, order=14),
    ),
)


def make_records(count: int, seed: int = 7) -> list[Record]:
    return list(iter_records(count, seed))


def iter_records(count: int, seed: int = 7) -> Iterator[Record]:
    """The same records as ``make_records``, one at a time: a million of them do not fit in a
    list on a laptop-sized benchmark (several GiB of dicts), so big stores are built in batches."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"{rng.choice(LAST).lower()}{rng.randint(1, 999)}"
        created = start + timedelta(minutes=index)
        values = {
            "name": {"first_name": first, "last_name": last, "full_name": f"{first} {last}"},
            "email_addresses": [f"{first.lower()}.{last.lower()}{index}@{company}.com"],
            "phone_numbers": [f"+1 555 {rng.randint(1000, 9999)}"],
            "job_title": rng.choice(TITLES),
            "domain": f"{company}.com",
            "employees": rng.randint(1, 50_000),
            "deal_value": {"amount": round(rng.uniform(100, 250_000), 2), "currency": "USD"},
            "close_date": (date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat(),
            "last_contacted": (start + timedelta(hours=rng.randint(0, 20_000))).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "is_customer": rng.random() < 0.3,
            "stage": rng.choice(STAGES).id,
            "categories": [rng.choice(CATEGORIES).id],
            "score": rng.randint(1, 5),
            "location": {"city": rng.choice(CITIES), "country": "US"},
            "description": f"{rng.choice(WORDS)} {rng.choice(WORDS)} for {company}",
        }
        if rng.random() < 0.1:
            del values["job_title"]
        stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        yield Record(f"rec-{index:06d}", "contacts", values, stamp, stamp)
