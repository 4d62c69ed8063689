"""A scan of an Atlas list while others change it: the list is sorted by name and paged by the
server's next link, so a delete or a rename can move an entity across a page boundary unseen. The
scan checks the server's total and reads the list again rather than let the deletion sweep drop an
entity it missed (against the sandbox's facade, changed between two pages)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from crmdesk.remote.atlas import AtlasBackend, connect_atlas
from crmdesk.remote.errors import PagingUnstable
from crmdesk.sandbox.atlas import atlas_app
from crmdesk.sandbox.server import SandboxServer
from tests.atlas_support import backend as backend  # (a fixture)
from tests.atlas_support import connect, credentials, serve

ENTITIES = "GET /api/1.0/workspace/CRM/entities"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from serve(records=60, seed=9)


def _all_ids(server: SandboxServer) -> set[str]:
    client = connect(server)
    try:
        return client.record_ids("company")
    finally:
        client.close()


def _scan_changing_first(client: AtlasBackend, change: Callable[[str], object]) -> tuple[list[str], str]:
    """The ids a scan of the companies (4 a page) hands on when ``change`` is made to the first of them
    once the first page is read: (the ids in the order handed on, the changed one's id)."""
    pages = client.iter_record_pages("company", page_size=4)
    first = next(pages).records
    change(first[0].id)
    return [r.id for r in first] + [r.id for page in pages for r in page.records], first[0].id


def test_a_delete_above_the_scan_does_not_hide_an_entity(server: SandboxServer, backend: AtlasBackend) -> None:
    # Everything after the deleted one moves up one place.
    ids, deleted = _scan_changing_first(backend, lambda record_id: backend.delete_record("company", record_id))
    assert len(ids) == len(set(ids))  # none handed on twice
    assert set(ids) - {deleted} == _all_ids(server)  # none missed: the sweep drops nothing


def test_a_rename_across_the_scan_does_not_hide_an_entity(server: SandboxServer, backend: AtlasBackend) -> None:
    # Renamed to sort last: it is seen again at the end, and the one after it moves up unseen.
    ids, _renamed = _scan_changing_first(
        backend, lambda record_id: backend.update_record("company", record_id, {"company-name": "zzz Renamed Last"}))
    assert len(ids) == len(set(ids)) and set(ids) == _all_ids(server)


class ColleagueDeleting(httpx.HTTPTransport):
    """The wire of a client whose every page of entities is followed by a colleague's delete (their
    own client, over the same facade): a list that never holds still."""

    def __init__(self, colleague: AtlasBackend, doomed: list[str]) -> None:
        super().__init__()
        self.colleague, self.doomed = colleague, doomed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "GET" and request.url.path.endswith("/entities") and self.doomed:
            self.colleague.delete_record("company", self.doomed.pop())
        return response


def test_a_list_that_never_holds_still_is_not_taken_as_complete(server: SandboxServer) -> None:
    facade = atlas_app(server)
    colleague = connect(server)
    client = connect_atlas(server.api_url, credentials(server.admin_token),
                           http_transport=ColleagueDeleting(colleague, sorted(colleague.record_ids("company"))))
    try:
        before = facade.requests_by_path[ENTITIES]
        with pytest.raises(PagingUnstable, match="changed while they were read"):
            for _page in client.iter_record_pages("company", page_size=2):
                pass
        # More requests than one pass over its 12 companies at 2 a page: it read the list again first.
        assert facade.requests_by_path[ENTITIES] - before > 6
    finally:
        client.close()
        colleague.close()


def test_a_quiet_list_is_read_once(server: SandboxServer) -> None:
    facade = atlas_app(server)
    client = connect(server)
    try:
        before = facade.requests_by_path[ENTITIES]
        count = facade.store.count("company")
        assert len(client.record_ids("company")) == count
        assert facade.requests_by_path[ENTITIES] - before == -(-count // 100)
    finally:
        client.close()
