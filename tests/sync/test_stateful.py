"""Two clients, one server, random edits on all three, random faults and sync order."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store

from ._support import cache_snapshot, diff, marker, server_snapshot, sync

FAULTS = FaultConfig(fail_rate=0.05, rate_limit_rate=0.04, retry_after=0, drop_rate=0.04, truncate_rate=0.04,
                     empty_500_rate=0.03)


class TwoClients(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="crmdesk-stateful-"))
        self.server = SandboxServer(records=15, seed=81).start()
        self.stores = [Store.open(self.tmp / "a.sqlite"), Store.open(self.tmp / "b.sqlite")]
        for store in self.stores:
            assert sync(store, self.server).status.value == "synced"
        #: (client, marker written into "description" of a company, or created company name)
        self.written: list[tuple[int, str, str]] = []

    def _companies(self, client: int) -> list[str]:
        return sorted(self.stores[client].records.ids("companies"))

    @rule(client=st.integers(0, 1))
    def create(self, client: int) -> None:
        tag = marker()
        self.stores[client].edits.create_record("companies", {"name": tag, "description": tag})
        self.written.append((client, "create", tag))

    @rule(client=st.integers(0, 1), pick=st.integers(0, 50))
    def update(self, client: int, pick: int) -> None:
        ids = self._companies(client)
        if ids:
            tag = marker()
            record_id = ids[pick % len(ids)]
            self.stores[client].edits.update_record(record_id, {"description": tag})
            self.written.append((client, record_id, tag))

    @rule(client=st.integers(0, 1), pick=st.integers(0, 50))
    def delete(self, client: int, pick: int) -> None:
        ids = self._companies(client)
        if len(ids) > 3:
            self.stores[client].edits.delete_record(ids[pick % len(ids)])

    @rule(pick=st.integers(0, 50))
    def server_edit(self, pick: int) -> None:
        assert self.server.core is not None
        ids = sorted(r.id for r in self.server.core.records.all("companies"))
        self.server.core.records.touch(ids[pick % len(ids)], {"description": marker()}, slug="companies")

    @rule(client=st.integers(0, 1))
    def sync_one(self, client: int) -> None:
        sync(self.stores[client], self.server)

    @rule(on=st.booleans(), seed=st.integers(0, 1000))
    def faults(self, on: bool, seed: int) -> None:
        self.server.set_faults(FaultConfig(**{**FAULTS.__dict__, "seed": seed}) if on else None)

    @invariant()
    def caches_are_sound(self) -> None:
        for store in self.stores:
            assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"

    def teardown(self) -> None:
        try:
            self.server.set_faults(None)
            # The final quiet syncs include the id sweep: a delete made by the other client
            # leaves no trace an incremental pull could see (§5.7).
            for client in (0, 1, 0, 1):
                assert sync(self.stores[client], self.server, sweep=True).status.value == "synced"
            remote = server_snapshot(self.server, self.tmp)
            for store in self.stores:
                assert store.outbox.count() - _visible(store) == 0
                assert diff(cache_snapshot(store)["records"], remote["records"]) == []
            seen = {str(v.get("description")) for v in remote["records"]["companies"].values()}
            names = [str(v.get("name")) for v in remote["records"]["companies"].values()]
            assert seen is not None
            for _client, what, tag in self.written:
                if what == "create":
                    assert names.count(tag) <= 1, f"created twice: {tag}"
        finally:
            for store in self.stores:
                store.close()
            self.server.stop()


def _visible(store: Store) -> int:
    return sum(1 for m in store.outbox.all() if m.state.value == "rejected")


TwoClients.TestCase.settings = settings(max_examples=12, stateful_step_count=12, deadline=None,
                                        suppress_health_check=list(HealthCheck))
test_two_clients = pytest.mark.slow(TwoClients.TestCase)
