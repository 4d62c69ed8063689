"""The ``attio`` dialect: Attio's REST API v2 (DESIGN §4; docs/remote.md, "attio")."""

from crmdesk.remote.attio.adapter import ATTIO_DEFAULTS, AttioBackend, connect_attio
from crmdesk.remote.attio.session import normalise_url

__all__ = ["ATTIO_DEFAULTS", "AttioBackend", "connect_attio", "normalise_url"]
