"""A status's outcome on Aria: read from the real server's recorded answer (Won inactive and
celebrating, Lost inactive, the stages before them active), written through the options PATCH to
the sandbox over loopback, and refused with a reason by a server that drops the flags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from crmdesk.model import LOST, WON, AttributeDef
from crmdesk.remote.aria import AriaBackend, connect_aria, wire
from crmdesk.remote.aria.adapter import ARIA_DEFAULTS
from crmdesk.remote.errors import ServerRejected
from crmdesk.remote.transport import decode_json
from crmdesk.sandbox.server import SandboxServer

from .recorded import FIXTURES, load


def _recorded_stage() -> AttributeDef:
    rec = load(FIXTURES / "GET_objects_deals_attributes.txt")
    rows = wire.rows_of(wire.data_of(decode_json(rec.response(), rec.method, rec.path)), "attributes")
    stage = next(a for a in wire.attributes(rows) if a.slug == "stage")
    return stage


def _outcome_ids(stage: AttributeDef, outcome: str) -> set[str]:
    return {option.id for option in stage.options if option.outcome == outcome}


def test_the_real_servers_won_and_lost_stages_are_read_as_won_and_lost() -> None:
    stage = _recorded_stage()
    by_title = {o.title: o for o in stage.options}
    assert {title: o.outcome for title, o in by_title.items()} == {
        "Lead": None, "Qualified": None, "Proposal": None, "Negotiation": None, "Won": WON, "Lost": LOST}
    assert _outcome_ids(stage, WON) == {"946b17c1-1f29-4e89-b25c-45dfb780df87"}
    assert _outcome_ids(stage, LOST) == {"3b94f680-7221-4038-895f-4a36999e8f79"}
    # "Inactive" keeps meaning a closed stage, as the record editors read it.
    assert [o.title for o in stage.options if not o.active] == ["Won", "Lost"]


def test_aria_says_it_keeps_outcomes() -> None:
    assert ARIA_DEFAULTS.status_outcome_writable


class DropsStatusFlags(httpx.BaseTransport):
    """Loopback HTTP to the sandbox, with the outcome flags taken out of every options PATCH: a
    server that takes only what the API reference lists for it (title and colour)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH" and request.url.path.endswith("/attributes/options"):
            body = {k: v for k, v in json.loads(request.read()).items()
                    if k not in ("isActive", "celebrationEnabled")}
            request = httpx.Request("PATCH", request.url, headers={
                k: v for k, v in request.headers.items() if k.lower() != "content-length"}, json=body)
        return self.inner.handle_request(request)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=0) as running:
        yield running


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AriaBackend]:
    client = connect_aria(server.url, server.admin_token)
    yield client
    client.close()


def _stage(backend: AriaBackend) -> AttributeDef:
    stage = backend.get_object("deals").attribute("stage")
    assert stage is not None
    return stage


def test_a_status_marked_won_then_lost_then_open_is_kept(backend: AriaBackend) -> None:
    stage = _stage(backend)
    assert {o.title: o.outcome for o in stage.options if o.outcome} == {"Won": WON, "Lost": LOST}
    proposal = stage.option_by_title("Proposal")
    assert proposal is not None
    for outcome in (WON, LOST, None):
        backend.update_option("deals", stage, replace(proposal, outcome=outcome))
        stage = _stage(backend)
        kept = stage.option_by_id(proposal.id)
        assert kept is not None and kept.outcome == outcome
        assert kept.active is (outcome is None)  # the server's way of closing a stage
    # A rename of a won status leaves it won: no flags are sent with it.
    won = stage.option_by_title("Won")
    assert won is not None
    backend.update_option("deals", stage, replace(won, title="Won it"))
    assert _outcome_ids(_stage(backend), WON) == {won.id}


def test_a_new_status_is_made_won(backend: AriaBackend) -> None:
    stage = _stage(backend)
    made = backend.create_option("deals", stage, replace(stage.options[0], id="", title="Signed", outcome=WON))
    assert made.outcome == WON
    assert made.id in _outcome_ids(_stage(backend), WON)


def test_a_server_that_drops_the_flags_is_said_to(server: SandboxServer) -> None:
    backend = connect_aria(server.url, server.admin_token, http_transport=DropsStatusFlags())
    try:
        stage = _stage(backend)
        lead = stage.option_by_title("Lead")
        assert lead is not None
        with pytest.raises(ServerRejected, match="did not keep “Lead” as won"):
            backend.update_option("deals", stage, replace(lead, outcome=WON))
        assert _outcome_ids(_stage(backend), WON) == _outcome_ids(stage, WON)
    finally:
        backend.close()
