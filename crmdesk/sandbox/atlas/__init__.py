"""The atlas dialect (Atlas CRM, a CRM inside Jira: ``/api/1.0/workspace/CRM/…``) in front of the
sandbox core.

The seed ``003_a11cd97abe31c77a.txt`` is the contract, with the assumptions of the issue's
contract where it is silent. The core gives the file, clock and workspace; companies, contacts
and sales, their links, issue keys, comments and the OAuth clients live in the facade's own
tables (``tables.py``): an entity's fields are filtered with the seed's operators in SQL.
``atlas_app(server)`` is the running facade, for tests.
"""

from __future__ import annotations

from typing import Any

from crmdesk.sandbox.atlas.app import AtlasApp, create_app
from crmdesk.sandbox.atlas.http import Settings
from crmdesk.sandbox.atlas.store import AtlasStore


def atlas_app(server: Any) -> AtlasApp:
    """The running facade of a ``SandboxServer(dialect="atlas")``."""
    app = getattr(server, "app", None)
    atlas = getattr(getattr(app, "state", None), "atlas", None)
    if not isinstance(atlas, AtlasApp):
        raise ValueError("not a running atlas sandbox")
    return atlas


__all__ = ["AtlasApp", "AtlasStore", "Settings", "atlas_app", "create_app"]
