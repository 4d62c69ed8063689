"""One backend shared by the pusher's threads, its API key revoked mid-push: every update lands,
and the key is renewed once, not once per thread that saw it refused (issue 14, "Threads")."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import httpx

from crmdesk.remote.aria.adapter import ARIA_DEFAULTS, connect_aria
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.push import Pusher

from ._support import FAST_RETRY, server_records, sync

UPDATES = 24  # one parallel run (PARALLEL_BATCH is 32): enough left after the revocation for every worker
REVOKE_AFTER = 4  # updates that land with the first key


class SandboxKey:
    """An ``Auth`` holding an API key of one sandbox member; ``refresh`` asks the sandbox for a new
    one, as signing in again would, and counts how often it was asked."""

    def __init__(self, server: SandboxServer, user_id: str) -> None:
        assert server.core is not None
        self._core = server.core
        self._user_id = user_id
        self._lock = threading.Lock()  # the test's own counter: called from several threads
        self.refreshes = 0
        self.key_id, self._key = self._core.workspace.issue_token(user_id, "shared-backend")

    def headers(self) -> Mapping[str, str]:
        with self._lock:
            return {"Authorization": f"Bearer {self._key}"}

    def refresh(self) -> bool:
        with self._lock:
            self.refreshes += 1
            self.key_id, self._key = self._core.workspace.issue_token(self._user_id, "shared-backend")
        return True

    def revoke(self) -> None:
        with self._lock:
            key_id = self.key_id
        self._core.workspace.revoke_token(key_id)


class RevokingWire(httpx.HTTPTransport):
    """Real HTTP to the sandbox. After the ``REVOKE_AFTER``-th update has landed it revokes the key
    (the server refuses it from then on), and it holds each of the first ``meet`` refusals until all
    of them have come back: that many requests sent with the same key are refused at one moment,
    deterministically, before anything can renew it."""

    def __init__(self, auth: SandboxKey, meet: int) -> None:
        # A fresh connection per request, as tests/sync/_support.backend (no Nagle stalls).
        super().__init__(limits=httpx.Limits(max_keepalive_connections=0))
        self._auth = auth
        self._meet = meet
        self._refusals = threading.Barrier(meet, timeout=30)
        self._lock = threading.Lock()
        self.statuses: list[tuple[str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        with self._lock:
            self.statuses.append((request.method, response.status_code))
            landed = sum(1 for method, status in self.statuses if method == "PATCH" and status == 200)
            revoke = request.method == "PATCH" and response.status_code == 200 and landed == REVOKE_AFTER
            refused = sum(1 for _, status in self.statuses if status == 401)
            hold = response.status_code == 401 and refused <= self._meet
        if revoke:
            self._auth.revoke()
        if hold:
            self._refusals.wait()  # BrokenBarrierError (failing the update) if they never meet
        return response


def test_threads_refused_together_renew_the_key_once_and_every_update_lands(tmp_path: Path) -> None:
    with SandboxServer(records=60, seed=14) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert server.core is not None
        assert sync(store, server).status.value == "synced"
        admin = server.core.workspace.authenticate(server.admin_token)
        assert admin is not None
        auth = SandboxKey(server, str(admin["user_id"]))
        workers = ARIA_DEFAULTS.write_concurrency
        assert workers > 1
        wire = RevokingWire(auth, meet=workers)
        shared = connect_aria(server.url, auth, config={"retry": FAST_RETRY}, http_transport=wire)
        try:
            shared.objects()  # as after a pull: the schema is known before the push
            targets = [r.id for r in store.records.rows(store.records.query_ids("people"))[:UPDATES]]
            assert len(targets) == UPDATES
            for number, record_id in enumerate(targets):
                store.edits.update_record(record_id, {"job_title": f"Shared {number}"})
            first_key = auth.key_id

            pusher = Pusher(store, shared, ARIA_DEFAULTS)
            result = pusher.push()
        finally:
            shared.close()

        assert result.pushed == UPDATES and result.rejected == 0 and result.conflicts == 0
        assert store.outbox.count() == 0
        on_server = server_records(server, "people")
        assert [on_server[rid].get("job_title") for rid in targets] == [f"Shared {n}" for n in range(UPDATES)]
        # Every worker was refused with the first key at the same moment; one of them renewed it.
        assert auth.refreshes == 1
        assert auth.key_id != first_key
        refusals = [status for _, status in wire.statuses if status == 401]
        assert len(refusals) == workers
        # Nothing else failed: each refused update went again with the new key and landed.
        others = [(method, status) for method, status in wire.statuses if status != 401]
        assert all(status == 200 for _, status in others), others
        assert sum(1 for method, _ in others if method == "PATCH") == UPDATES
