"""Build the ``Backend`` for a workspace from its dialect, server address and token."""

from __future__ import annotations

from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.backend import Backend
from crmdesk.remote.transport import Transport, TransportConfig

DIALECTS = ("aria",)


class UnknownDialect(ValueError):
    def __init__(self, dialect: str) -> None:
        super().__init__(f"crmdesk does not speak “{dialect}” yet (it speaks: {', '.join(DIALECTS)}).")


def open_backend(dialect: str, url: str, token: str, *, allow_insecure_http: bool = False) -> Backend:
    """A ready backend. Raises ``UnknownDialect`` or ``InsecureConnectionRefused``."""
    if dialect == "aria":
        from crmdesk.remote.aria.adapter import AriaBackend

        transport = Transport(
            TransportConfig(base_url=url, dialect=dialect, allow_insecure_http=allow_insecure_http),
            BearerAuth(token),
        )
        return AriaBackend(transport)
    raise UnknownDialect(dialect)
