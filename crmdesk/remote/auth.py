"""How a request gets its credentials.

``Auth`` is a small hook so the transport never knows the scheme: a static bearer key
(Aria, Attio, Atomic) today; OAuth client-credentials with a one-hour token (Atlas) later,
which fetches a token on first use and again when ``refresh`` is called after a 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Auth(Protocol):
    def headers(self) -> Mapping[str, str]:
        """Headers carrying the credentials, for a request to the workspace's own host."""
        ...

    def refresh(self) -> bool:
        """Called once after a 401. Return True when new credentials are worth a retry."""
        ...


class BearerAuth:
    """``Authorization: Bearer <token>`` with a static token (an API key).

    The token is opaque (Aria's look like ``oc_sk_…``, but nothing depends on that) and is
    kept out of ``repr`` so it cannot leak through a debugger dump or a log of this object.
    """

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        token = token.strip()
        if not token:
            raise ValueError("an API token is required")
        if any(ch.isspace() for ch in token):
            raise ValueError("an API token cannot contain spaces or line breaks")
        self._token = token

    def headers(self) -> Mapping[str, str]:
        # Capital "Bearer": the real Aria server sends "bearer …" to its login page.
        return {"Authorization": f"Bearer {self._token}"}

    def refresh(self) -> bool:
        return False  # a static key does not get better by asking again

    def __repr__(self) -> str:
        return "BearerAuth(token=[REDACTED])"


class NoAuth:
    """No credentials (tests of what a server answers without them)."""

    def headers(self) -> Mapping[str, str]:
        return {}

    def refresh(self) -> bool:
        return False
