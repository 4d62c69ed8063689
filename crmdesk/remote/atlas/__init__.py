"""The ``atlas`` dialect: Atlas CRM's API, a CRM inside Jira (seed 003; docs/remote.md, "atlas")."""

from crmdesk.remote.atlas.adapter import ATLAS_DEFAULTS, AtlasBackend, connect_atlas
from crmdesk.remote.atlas.session import normalise_url

__all__ = ["ATLAS_DEFAULTS", "AtlasBackend", "connect_atlas", "normalise_url"]
