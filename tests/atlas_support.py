"""What the atlas tests share: a template in the seed's shape, attributes as the adapter reads them,
a client of a running atlas sandbox, and the fixtures around one.

A test module makes its own ``server`` (its size, seed and strictness) with ``serve`` and imports
the fixtures built on it by name::

    from tests.atlas_support import backend as backend  # (a fixture)
    from tests.atlas_support import facade as facade  # (a fixture)

    @pytest.fixture(scope="module")
    def server() -> Iterator[SandboxServer]:
        yield from serve(records=60, seed=3, strict=True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from crmdesk.model import AttributeDef
from crmdesk.remote.atlas import AtlasBackend, connect_atlas
from crmdesk.remote.atlas.schema import object_def
from crmdesk.remote.clock import Clock
from crmdesk.remote.dialects import dialect_named
from crmdesk.sandbox.atlas import AtlasApp, atlas_app
from crmdesk.sandbox.server import SandboxServer

#: An Atlassian account id in the shape the seed's example has (comments are written as it).
ACCOUNT = "0e3b584c-0a1b-4c2d-8a57-367dd049c3a4"
PIPELINE = "3f1c1a52-7d3e-4a51-9d4e-2f3a4b5c6d7e"
LANGUAGES = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"

#: A sale's template as ``GET …/template/sale`` answers it: built-in fields, custom ones (UUIDs) in
#: a second section, a currency, both kinds of select, and a type crmdesk does not know.
SALE_TEMPLATE: Mapping[str, Any] = {"sections": [
    {"name": "Details", "fields": [
        {"id": "sale-balance", "label": "Balance", "type": "decimal", "default-value": None,
         "config": {"currency": "eur"}, "required": False},
        {"id": "sale-name", "label": "Name", "type": "string", "default-value": None, "config": {},
         "required": True},
        {"id": "sale-status", "label": "Status", "type": "single-select", "default-value": "Open",
         "config": {"options": ["Open", "Won", "Lost"]}, "required": False},
        {"id": "sale-owner", "label": "Owner", "type": "user", "default-value": None, "config": {},
         "required": False},
    ]},
    {"name": "Pipeline", "fields": [
        {"id": PIPELINE, "label": "Pipeline stage", "type": "single-select", "default-value": None,
         "config": {"options": ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]},
         "required": False},
        {"id": LANGUAGES, "label": "Products", "type": "multi-select", "default-value": None,
         "config": {"options": ["Licenses", "Support"]}, "required": False},
        {"id": "sale-notes", "label": "Notes", "type": "text", "default-value": None, "config": {},
         "required": False},
        {"id": "sale-close", "label": "Close date", "type": "date", "default-value": None, "config": {},
         "required": False},
        {"id": "sale-closed-at", "label": "Closed at", "type": "timestamp", "default-value": None, "config": {},
         "required": False},
        {"id": "sale-units", "label": "Units", "type": "decimal", "default-value": 1, "config": {},
         "required": False},
        {"id": "sale-map", "label": "Where", "type": "geo-point", "default-value": None, "config": {},
         "required": False},
    ]},
]}


def sale_attr(slug: str) -> AttributeDef:
    """An attribute of ``SALE_TEMPLATE`` as the adapter reads it."""
    found = object_def("sale", SALE_TEMPLATE).attribute(slug)
    assert found is not None, slug
    return found


def credentials(token: str, account_id: str | None = ACCOUNT) -> dict[str, str]:
    """A sandbox's ``CLIENT_ID:CLIENT_SECRET`` as the dialect's credentials (``Dialect.from_token``)."""
    found = dialect_named("atlas").from_token(token)
    if account_id:
        found["account_id"] = account_id
    return found


def connect(server: SandboxServer, *, account_id: str | None = ACCOUNT, clock: Clock | None = None,
            token: str | None = None) -> AtlasBackend:
    """A client of the running atlas sandbox, by its API address (``…/api/1.0``)."""
    return connect_atlas(server.api_url, credentials(token or server.admin_token, account_id), clock=clock)


def serve(*, records: int, seed: int, strict: bool = False) -> Iterator[SandboxServer]:
    """A running atlas sandbox, for a module's ``server`` fixture (``yield from serve(…)``)."""
    with SandboxServer(dialect="atlas", records=records, seed=seed, strict=strict) as running:
        yield running


@pytest.fixture
def facade(server: SandboxServer) -> AtlasApp:
    """The running sandbox's atlas facade (its counters, its clock, its store)."""
    return atlas_app(server)


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AtlasBackend]:
    """A client of the running sandbox (``connect``), closed after the test."""
    client = connect(server)
    yield client
    client.close()
