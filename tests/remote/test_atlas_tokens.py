"""Atlas's hour-long tokens against the sandbox: fetched once, renewed before they expire (an injected
clock on both sides), renewed after a 401 in the middle of a scan, and a wrong secret said in words
that do not hold it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from crmdesk.remote.errors import AuthError
from crmdesk.sandbox.atlas import atlas_app
from crmdesk.sandbox.server import SandboxServer
from tests.atlas_support import connect

from .conftest import FakeClock

ENTITIES = "GET /api/1.0/workspace/CRM/entities"
LIFETIME = 120


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atlas", records=60, seed=5, token_lifetime=LIFETIME) as running:
        yield running


def test_a_token_revoked_in_the_middle_of_a_scan_is_renewed_without_a_failure(server: SandboxServer) -> None:
    facade = atlas_app(server)
    client = connect(server)
    try:
        pages = client.iter_record_pages("contact", page_size=5)
        ids = [r.id for r in next(pages).records]
        issued = facade.tokens_issued
        facade.revoke_tokens()  # every token issued so far answers 401 from now on
        ids += [r.id for page in pages for r in page.records]
        assert len(ids) == len(set(ids)) == facade.store.count("contact")
        assert facade.tokens_issued == issued + 1  # one new token, after the one 401
    finally:
        client.close()


def test_a_short_lived_token_is_renewed_before_it_expires(server: SandboxServer) -> None:
    facade = atlas_app(server)
    clock = FakeClock()
    client = connect(server, clock=clock)
    try:
        client.objects()
        issued, asked = facade.tokens_issued, facade.requests_by_path[ENTITIES]
        pages = 0
        for _page in client.iter_record_pages("company", page_size=4):
            pages += 1
            # Both clocks move past the token's life between two pages: a client that waited for
            # the 401 would send the next page twice.
            clock.now += LIFETIME + 10
            facade.advance_clock(LIFETIME + 10)
        assert pages >= 3
        assert facade.requests_by_path[ENTITIES] - asked == pages  # no page was refused and sent again
        assert facade.tokens_issued - issued == pages - 1  # a new token before each later page
    finally:
        client.close()


def test_a_wrong_secret_is_an_auth_error_that_does_not_hold_it(
        server: SandboxServer, caplog: pytest.LogCaptureFixture) -> None:
    client_id = server.admin_token.partition(":")[0]
    client = connect(server, token=f"{client_id}:not-the-s3cret")
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
            client.workspace()
        assert "invalid_client" in str(caught.value) and "not-the-s3cret" not in str(caught.value)
        assert caplog.records and "not-the-s3cret" not in caplog.text
    finally:
        client.close()
