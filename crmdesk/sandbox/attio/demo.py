"""The attio demo: the core's demo (``crmdesk/sandbox/demo.py``, the same size and seed as Aria's)
and what Attio has besides — one currency per currency attribute (deals' ``value`` is USD; the
core's demo amounts in euros and pounds are answered as dollars), the demo tokens' scopes, and a
few comment threads on records.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta
from typing import Any

from crmdesk.sandbox.attio.store import ALL_SCOPES, MEMBER_SCOPES, AttioStore
from crmdesk.sandbox.clock import format_instant, parse_instant
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.demo import DemoTokens, build_demo

COMMENTS = ("Can we move this forward this week?", "Sent the follow-up, waiting to hear back.",
            "They asked for a revised quote.", "Looks good to me.", "Let's loop in legal before we sign.",
            "Great call today, notes are on the record.", "Pinged their CFO about the budget.")


def set_currencies(core: Core) -> None:
    """Every currency attribute gets Attio's one code per attribute (USD where none was set)."""
    for obj in core.schema.objects():
        for row in core.schema.attributes(object_id=obj["id"]):
            config = json.loads(row["config"])
            if row["type"] == "currency" and not config.get("currency_code"):
                core.schema.update_attribute(row["id"], {"config": {**config, "currency_code": "USD",
                                                                    "display_type": "symbol"}})


def build_attio_demo(core: Core, store: AttioStore, records: int, seed: int) -> DemoTokens:
    tokens = build_demo(core, records, seed)
    set_currencies(core)
    for token, scopes in ((tokens.admin, ALL_SCOPES), (tokens.member, MEMBER_SCOPES)):
        token_id = core.db.scalar("SELECT id FROM tokens WHERE token = ?", (token,))
        store.set_scopes(str(token_id), scopes)
    _threads(core, random.Random(seed * 7919 + 17))
    return tokens


def _threads(core: Core, rng: random.Random) -> None:
    """A thread on one record in fifty (at most 200), each of one to three comments."""
    records = core.db.all("SELECT id, created_at FROM records ORDER BY seq")
    members = [str(m["id"]) for m in core.workspace.members()]
    if not records or not members:
        return
    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    threads: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    for record in rng.sample(records, min(len(records), max(1, len(records) // 50), 200)):
        start = parse_instant(record["created_at"])
        thread_id = new_id()
        threads.append((thread_id, record["id"], None, None, format_instant(start + timedelta(minutes=5))))
        for n in range(rng.randint(1, 3)):
            comments.append((new_id(), thread_id, rng.choice(COMMENTS), rng.choice(members),
                             format_instant(start + timedelta(minutes=5 + n))))
    with core.db.transaction() as conn:
        conn.executemany("INSERT INTO attio_threads VALUES (?, ?, ?, ?, ?)", threads)
        conn.executemany("INSERT INTO attio_comments (id, thread_id, content, author_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?)", comments)
