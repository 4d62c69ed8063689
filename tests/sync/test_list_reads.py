"""A sync reads each list's definition (``GET /lists/{id}``) once: the schema step reads it, and
the entries' pull and push use what it read instead of asking again per call."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import httpx

from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine

from ._support import FAST_RETRY

_LIST_DEFINITION = re.compile(r"^/api/v1/lists/([^/]+)$")


class CountingTransport(httpx.HTTPTransport):
    """Real loopback HTTP to the sandbox, counting the GETs of each list's definition."""

    def __init__(self) -> None:
        super().__init__(limits=httpx.Limits(max_keepalive_connections=0))
        self.list_reads: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        found = _LIST_DEFINITION.match(request.url.path)
        if request.method == "GET" and found:
            self.list_reads[found.group(1)] += 1
        return super().handle_request(request)


def _sync(store: Store, server: SandboxServer) -> Counter[str]:
    transport = CountingTransport()
    backend = connect_aria(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=transport)
    try:
        report = SyncEngine(store, backend).sync(force_collections=True)
    finally:
        backend.close()
    assert report.complete, report.summary()
    return transport.list_reads


def test_each_list_is_read_once_per_sync_with_entries_pulled_and_pushed(tmp_path: Path) -> None:
    with SandboxServer(records=40, seed=7) as server, Store.open(tmp_path / "w.sqlite") as store:
        first = _sync(store, server)
        lists = store.schema.lists()
        assert len(lists) >= 2 and all(store.entries.ids(list_id) for list_id in lists), "lists with entries"
        assert first == Counter({list_id: 1 for list_id in lists})

        # Offline: change an entry's value in one list and add to another, so the push writes
        # entries (update_entry, add_entry) as well as the pull reading them.
        pipeline = next(lst for lst in lists.values() if lst.attribute("pipeline_status") is not None)
        status = pipeline.attribute("pipeline_status")
        assert status is not None and status.options
        entry_id = sorted(store.entries.ids(pipeline.id))[0]
        store.edits.update_entry(entry_id, {"pipeline_status": status.options[-1].id})
        # A record made offline joins the other list (its entry waits for the record's server id).
        other = next(lst for lst in lists.values() if lst.id != pipeline.id)
        made = store.edits.create_record(other.parent_object, {"name": "List reads Ltd"})
        store.edits.add_entry(other.id, made.target_id)

        second = _sync(store, server)
        assert store.outbox.count() == 0
        assert second == Counter({list_id: 1 for list_id in store.schema.lists()})
