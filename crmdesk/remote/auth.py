"""How a request gets its credentials.

``Auth`` is a small hook so the transport never knows the scheme: a static bearer key
(``BearerAuth``: Aria, Attio, Atomic) or OAuth client credentials (``ClientCredentialsAuth``:
Atlas's one-hour token), which fetches a token on first use, again shortly before it expires,
and when ``refresh`` is called after a 401.

Threads: one transport serves every thread of a sync (the pusher sends ``write_concurrency``
updates at once through one backend), so ``headers`` is called from several threads. The
transport calls ``refresh`` through a ``RefreshGate`` only: once for credentials the server
refused, however many requests it refused at the same moment.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import quote_plus

import httpx

from crmdesk import __version__
from crmdesk.remote.clock import Clock, SystemClock
from crmdesk.remote.errors import AuthError, NetworkError, ProtocolError, RateLimited, ServerError
from crmdesk.remote.http_errors import parse_retry_after
from crmdesk.remote.redact import MASK, redact
from crmdesk.remote.urls import check_base_url

log = logging.getLogger(__name__)


class Auth(Protocol):
    def headers(self) -> Mapping[str, str]:
        """Headers carrying the credentials, for a request to the workspace's own host.

        A transport calls it one thread at a time, under its ``RefreshGate``."""
        ...

    def refresh(self) -> bool:
        """Called after a 401, by one thread at a time (``RefreshGate``), once for the credentials
        that were refused. Return True when new credentials are worth a retry."""
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


@dataclass(frozen=True, slots=True)
class SentCredentials:
    """The credentials one request went out with, and the gate's generation when they were read."""

    generation: int
    headers: Mapping[str, str] = field(repr=False)  # (a secret: never in a repr)


class RefreshGate:
    """One transport's credentials, for all the threads sending through it.

    A token that expires (or is revoked) while four updates are in flight comes back 401 four
    times at once. If each request refreshed for itself, an OAuth server would mint four tokens
    (and may take the burst for abuse, or void each previous token as it issues the next, so that
    the refreshes knock each other's requests out), and a key store would be asked four times.
    So the refresh happens here, under a lock, and only for credentials that are still the current
    ones: the first refused request refreshes; the others wait on the lock, find that the
    credentials moved on since they were sent, and retry with the new ones.

    A refresh that brings nothing (a static key: ``refresh`` returns False) is remembered for
    those credentials, so the other refused requests fail at once without asking again. One that
    raises (the token endpoint cannot be reached) is not: each request then fails with its own
    error, which is what sync should see (offline: try later), not a refusal made up for it.
    """

    def __init__(self, auth: Auth) -> None:
        self.auth = auth
        # Re-entrant: an ``Auth`` may one day send a request through this transport to refresh.
        self._lock = threading.RLock()
        #: Moves on with each refresh that brought new credentials.
        self._generation = 0
        #: The generation whose refresh brought nothing: not asked again for it.
        self._spent: int | None = None

    def current(self) -> SentCredentials:
        """The credentials to send now. Waits while a refresh is under way, so that no request
        leaves with credentials that are being replaced."""
        with self._lock:
            return SentCredentials(self._generation, dict(self.auth.headers()))

    def refresh_after_401(self, sent: SentCredentials) -> bool:
        """After a 401 to a request sent with ``sent``: whether to send it again (with ``current``)."""
        with self._lock:
            if self._generation != sent.generation:
                return True  # another thread refreshed while this request was out
            if self._spent == sent.generation:
                return False  # refreshing these credentials was tried and gave nothing
            if dict(self.auth.headers()) != dict(sent.headers):
                # Renewed meanwhile (a token fetched shortly before its expiry): try those first;
                # refreshing again could void the token other requests are using right now.
                return True
            if self.auth.refresh():
                self._generation += 1
                return True
            self._spent = sent.generation
            return False


class TokenRequestShape(StrEnum):
    """How the client id and secret travel to the token endpoint."""

    #: RFC 6749 §4.4, the client's credentials in the body (§2.3.1): ``application/x-www-form-urlencoded``.
    FORM = "form"
    #: The same fields as a JSON object: Atlas (``POST /api/1.0/oauth/token``; it takes JSON bodies only).
    JSON = "json"


#: A token answer is a token and a few fields; more than this is not one (and is not read).
MAX_TOKEN_ANSWER = 64 * 1024
USER_AGENT = f"crmdesk/{__version__}"


class ClientCredentialsAuth:
    """OAuth 2 client credentials (RFC 6749 §4.4): a client id and secret exchanged at a token
    endpoint for a bearer token that lasts ``expires_in`` seconds (Atlas: an hour).

    - Fetched on first use (``headers``), not when made: making a backend sends nothing.
    - Renewed ``renew_margin`` seconds before it expires (halfway through a token that lives less
      than twice that), on the injectable clock: a request should not leave with a token that
      lapses on its way. Renewed again when ``refresh`` is called after a 401 (revoked, or the
      server's clock runs ahead). A token answer without ``expires_in`` is kept until a 401.
    - One fetch at a time (a lock): threads that need a token while one is being fetched wait for
      it instead of fetching their own, and then all use it.
    - The request is the standard form body, or with ``TokenRequestShape.JSON`` the same fields as
      a JSON object (Atlas).
    - The secret is never in ``repr``, a log line or an error message (a token endpoint echoing it
      back in an error is scrubbed); the token neither. ``http://`` only to this machine, unless
      ``allow_insecure_http``; redirects are not followed (the secret goes to this URL only).

    Each fetch uses an ``httpx.Client`` of its own, closed when it is done: it happens once an hour,
    and this object then holds nothing to close. A token endpoint that cannot be reached is a
    ``NetworkError`` (sync tries later), a refusal of the client an ``AuthError`` (sign in again).
    """

    __slots__ = ("_clock", "_lock", "_margin", "_renew_at", "_scope", "_secret", "_shape", "_timeout",
                 "_token", "_verify", "client_id", "token_url")

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        shape: TokenRequestShape = TokenRequestShape.FORM,
        scope: str | None = None,
        clock: Clock | None = None,
        renew_margin: float = 60.0,
        allow_insecure_http: bool = False,
        ca_bundle: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
    ) -> None:
        self.token_url = check_base_url(token_url, allow_insecure_http)
        self.client_id = client_id.strip()
        secret = client_secret.strip()
        if not self.client_id:
            raise ValueError("a client id is required")
        if not secret:
            raise ValueError("a client secret is required")
        if renew_margin < 0:
            raise ValueError("renew_margin cannot be negative")
        self._secret = secret
        self._shape = TokenRequestShape(shape)
        self._scope = scope
        self._clock: Clock = clock or SystemClock()
        self._margin = renew_margin
        self._verify: str | bool = ca_bundle or True
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        self._lock = threading.Lock()
        self._token: str | None = None
        #: On the clock's ``monotonic`` scale; ``None``: no known expiry (kept until a 401).
        self._renew_at: float | None = None

    def __repr__(self) -> str:
        return (f"ClientCredentialsAuth(token_url={redact(str(self.token_url))!r}, "
                f"client_id={self.client_id!r}, client_secret=[REDACTED])")

    def headers(self) -> Mapping[str, str]:
        with self._lock:
            if self._token is None or (self._renew_at is not None and self._clock.monotonic() >= self._renew_at):
                self._fetch()
            token = self._token
        return {"Authorization": f"Bearer {token}"}

    def refresh(self) -> bool:
        with self._lock:
            self._fetch()
        return True

    # -- the token request ------------------------------------------------------------------

    def _fetch(self) -> None:
        """Ask the token endpoint for a token and keep it (the lock is held)."""
        fields = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._secret}
        if self._scope:
            fields["scope"] = self._scope
        body: dict[str, Any] = {"json": fields} if self._shape is TokenRequestShape.JSON else {"data": fields}
        where: dict[str, Any] = {"method": "POST", "path": self.token_url.path}
        asked = self._clock.monotonic()  # the lifetime counts from the asking: on the safe side
        try:
            with httpx.Client(
                timeout=self._timeout, verify=self._verify, follow_redirects=False,
                # Uncompressed: the answer is small, and its size is then what is read.
                headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"},
            ) as client, client.stream("POST", self.token_url, **body) as response:
                status, headers, content = response.status_code, response.headers, self._read(response, where)
        except httpx.TransportError as exc:
            detail = self._scrub(str(exc)) or type(exc).__name__
            raise NetworkError(
                f"Could not get an access token from {self.token_url.host}: {detail}", **where
            ) from None
        if 200 <= status < 300:
            token, lifetime = self._token_of(content, {"status": status, **where})
            self._token = token
            self._renew_at = None if lifetime is None else asked + lifetime - min(self._margin, lifetime / 2)
            log.info("got an access token from %s (%s)", self.token_url.host,
                     "no expiry given" if lifetime is None else f"valid {lifetime:g} s")
            return
        where["status"] = status
        if status in (400, 401, 403):
            raise AuthError(
                f"The token endpoint refused the client id and secret{self._reason(content)}. "
                "Check them (or ask for new ones) and sign in again.", **where
            )
        if status == 429:
            wait = parse_retry_after(headers.get("retry-after"), self._clock.time())
            raise RateLimited("The token endpoint asks us to slow down.", retry_after=wait, **where)
        if status >= 500:
            raise ServerError("The token endpoint failed.", **where)
        raise ProtocolError(
            f"The token endpoint answered HTTP {status}: is {self.token_url.host}{self.token_url.path} "
            "the right address?", **where
        )

    def _read(self, response: httpx.Response, where: dict[str, Any]) -> bytes:
        coding = response.headers.get("content-encoding", "identity").strip().lower()
        if coding not in ("", "identity"):
            raise ProtocolError("The token endpoint compressed its answer, which was not asked for.",
                                status=response.status_code, **where)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > MAX_TOKEN_ANSWER:
                raise ProtocolError("The token endpoint's answer is too large to be a token; not read.",
                                    status=response.status_code, **where)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _token_of(content: bytes, where: dict[str, Any]) -> tuple[str, float | None]:
        """The access token and its lifetime in seconds (None when not said) from a 2xx answer."""
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            raise ProtocolError("The token endpoint answered with something that is not JSON.", **where) from None
        if not isinstance(data, dict):
            raise ProtocolError("The token endpoint's answer is not a JSON object.", **where)
        token = data.get("access_token")
        # A header carries visible ASCII only; a token with anything else could not be sent.
        if not isinstance(token, str) or not token or not all("!" <= ch <= "~" for ch in token):
            raise ProtocolError("The token endpoint's answer holds no access token that can be sent.", **where)
        kind = data.get("token_type", "Bearer")  # required by RFC 6749, left out by some servers
        if not isinstance(kind, str) or kind.lower() != "bearer":
            raise ProtocolError("The token endpoint gave a token that is not a bearer token.", **where)
        expires = data.get("expires_in")
        if expires is None:
            return token, None
        try:
            lifetime = float(expires) if not isinstance(expires, bool) else math.nan
        except (TypeError, ValueError):
            lifetime = math.nan
        if not math.isfinite(lifetime) or lifetime <= 0:
            raise ProtocolError("The token endpoint's answer says the token expires at no sensible time.", **where)
        return token, lifetime

    def _reason(self, content: bytes) -> str:
        """``" (invalid_client: …)"``: the OAuth error code and the server's description, scrubbed."""
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            return ""
        if not isinstance(data, dict):
            return ""
        code = data.get("error")
        said = data.get("error_description")
        parts = []
        if isinstance(code, str) and code and len(code) <= 40 and code.replace("_", "").isalnum():
            parts.append(code)
        if isinstance(said, str) and said.strip():
            parts.append(self._scrub(said.strip())[:200])
        return f" ({': '.join(parts)})" if parts else ""

    def _scrub(self, text: str) -> str:
        """``text`` without the secret, however it was spelled back, nor anything secret-looking."""
        for spelling in {self._secret, quote_plus(self._secret), json.dumps(self._secret)[1:-1]}:
            text = text.replace(spelling, MASK)
        return redact(text)
