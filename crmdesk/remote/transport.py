"""The HTTP transport: one ``httpx.Client`` per workspace, with everything every dialect needs.

- base URL, credentials through an ``Auth`` hook, a ``crmdesk/<version>`` user agent,
  keep-alive, connect/read timeouts on every request, TLS always verified;
- ``http://`` only to this machine unless the workspace explicitly allows it;
- redirects are never followed blindly: a redirect to a sign-in page is an ``AuthError``,
  one to another host is refused (credentials only ever go to the workspace's own origin);
- retries with exponential backoff and full jitter for network errors, 5xx and 429,
  honouring ``Retry-After`` and ``X-RateLimit-Reset``, on an injectable clock;
- client-side rate limits with per-dialect defaults (token buckets; a per-minute window), their waits cancellable;
- typed errors (``crmdesk.remote.errors``) carrying the server's own message;
- bounded against any server (docs/remote.md, "Limits against any server"): answers are
  streamed and refused past ``max_response_bytes`` counted after decompression, each attempt
  has a wall-clock ``request_deadline`` (httpx's timeouts are per read), JSON nested deeper
  than ``MAX_JSON_DEPTH`` is a protocol error, a read whose JSON was cut short is retried like
  a dropped connection, and every wait before a retry ends early when Cancel or Quit sets the
  event given to ``interrupt_on``.

Requests come in three kinds, because what may be retried depends on it:
``READ`` (GET, or a POST that only queries), ``WRITE`` (idempotent: PATCH, PUT, DELETE)
and ``CREATE`` (a POST that makes something). A ``CREATE`` whose connection broke after
the request was sent raises ``OutcomeUnknown`` instead of being sent again.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from crmdesk.remote.auth import USER_AGENT, Auth, RefreshGate, SentCredentials
from crmdesk.remote.clock import Clock, SystemClock, pause
from crmdesk.remote.errors import (
    AnswerTooLarge,
    AuthError,
    DeadlineExceeded,
    NetworkError,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    RemoteError,
    RequestCancelled,
    ServerError,
    TruncatedAnswer,
)
from crmdesk.remote.http_errors import error_for
from crmdesk.remote.limits import MAX_JSON_DEPTH, json_depth_exceeds
from crmdesk.remote.ratelimit import LimitWaitCancelled, RateLimiter, RateLimits
from crmdesk.remote.redact import redact
from crmdesk.remote.urls import check_base_url

log = logging.getLogger(__name__)

_LOGIN_WORDS = ("login", "signin", "sign-in", "sign_in", "auth")
_MAX_REDIRECTS = 3
#: Exceptions raised before a single byte of the request left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
#: Compression we ask for. Each inflates one network read (64 KiB) at most about a thousandfold, so
#: the size limit is checked at least every ~64 MiB; brotli, zstd and stacked encodings are refused.
ACCEPT_ENCODING = "gzip, deflate"
_DECODED = frozenset({"gzip", "deflate"})
MiB = 1024 * 1024


class RequestKind(StrEnum):
    READ = "read"
    WRITE = "write"
    CREATE = "create"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    #: Attempts in all, the first included.
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: A server asking for a longer wait than this gets a ``RateLimited`` handed to sync,
    #: which reschedules the work instead of blocking its thread. Shorter waits are taken, and
    #: end early on Cancel or Quit (``Transport.interrupt_on``).
    max_retry_after: float = 60.0


@dataclass(frozen=True, slots=True)
class TransportConfig:
    base_url: str
    allow_insecure_http: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: ``None``: no client-side limit (a dialect's adapter passes its server's, where it has one).
    rate_limits: RateLimits | None = None
    #: A CA bundle path for a self-hosted server with a private CA; never "off".
    ca_bundle: str | None = None
    #: The largest answer accepted, counted after decompression (a gzip bomb stops here): an
    #: ``AnswerTooLarge``. A page of 200 records is well under 1 MiB.
    max_response_bytes: int = 64 * MiB
    #: Seconds one attempt may take from sending to the answer's last byte, whatever the server's
    #: pace (httpx's timeouts are per read: a byte a second never trips them). ``DeadlineExceeded``.
    request_deadline: float = 60.0
    #: Headers sent with every request besides crmdesk's own: a server that wants a JSON
    #: ``Content-Type`` on GETs and DELETEs too (Atlas).
    headers: Mapping[str, str] = field(default_factory=dict)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


class Transport:
    """Sends requests for one workspace.

    Safe to share between threads: the sync's pusher sends ``write_concurrency`` updates at once
    through one backend, and a scan pages ahead on a second thread. What they share:

    - the ``httpx.Client``: its connection pool is made for concurrent requests (each attempt
      streams and closes its own answer);
    - the rate limiter: each bucket hands out tokens under a lock, and a thread's wait for its
      token is its own (threads queue at the rate, they do not each get a burst);
    - the credentials, through a ``RefreshGate``: a request is sent with the current ones, and
      when several requests come back 401 with the same credentials, ``Auth.refresh`` runs once,
      under a lock, while the others wait and then retry with the new credentials;
    - the cancel event of ``interrupt_on``: one reference, read once per wait, so Cancel ends the
      waits of every thread at once;
    - the clock and the backoff's random source: each call stands alone (``random.Random``'s are
      atomic), so sharing them only interleaves the threads' jitter.

    The rest (the configuration, the base URL) is set here and never changes.
    """

    def __init__(
        self,
        config: TransportConfig,
        auth: Auth,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        http_transport: httpx.BaseTransport | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.config = config
        self.base_url = check_base_url(config.base_url, config.allow_insecure_http)
        self._credentials = RefreshGate(auth)
        self._clock: Clock = clock or SystemClock()
        self._cancel = cancel
        self._rng = rng or random.Random()
        limits = config.rate_limits or RateLimits()
        self._limiter = RateLimiter(limits, self._clock)
        timeout = httpx.Timeout(
            config.read_timeout, connect=config.connect_timeout, pool=config.connect_timeout
        )
        self._client = httpx.Client(
            timeout=timeout,
            verify=config.ca_bundle or True,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING,
                     **config.headers},
            limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=30.0),
            transport=http_transport,
        )

    # -- public -------------------------------------------------------------------------

    def close(self) -> None:
        self._client.close()

    def interrupt_on(self, cancel: threading.Event | None) -> None:
        """Waits before a retry, and for a turn under the request limit, end as soon as ``cancel``
        is set, with ``RequestCancelled``.

        The sync engine passes its cancel event (the one Cancel and Quit set). It is the transport's,
        not a thread's: every thread sending through it stops waiting when it is set."""
        self._cancel = cancel

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, path: str) -> httpx.URL:
        """An absolute URL under the base URL; absolute URLs must stay on its origin."""
        if path.startswith(("http://", "https://")):
            url = httpx.URL(path)
            if _origin(url) != _origin(self.base_url):
                raise ProtocolError(
                    f"Refusing to send a request to {url.host}: it is not this workspace's server."
                )
            return url
        base = str(self.base_url).rstrip("/")
        return httpx.URL(base + "/" + path.lstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        kind: RequestKind | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send, retrying what may be retried; a 2xx answer or a typed ``RemoteError``."""
        response, _data = self._exchange(method, path, params, json_body, kind, idempotency_key, parse=False)
        return response

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        kind: RequestKind | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Like ``request``, and the body decoded as JSON (``ProtocolError`` if it is not).

        A read whose JSON stops part way (a complete answer cut short) is asked again like a
        dropped connection; a write's is not (the push layer handles an unknown outcome)."""
        _response, data = self._exchange(method, path, params, json_body, kind, idempotency_key, parse=True)
        return data

    def request_json_and_headers(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, kind: RequestKind | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """Like ``request_json``, with the answer's headers (paging by ``Content-Range``)."""
        response, data = self._exchange(method, path, params, None, kind, None, parse=True)
        return data, response.headers

    def _exchange(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        kind: RequestKind | None,
        idempotency_key: str | None,
        *,
        parse: bool,
    ) -> tuple[httpx.Response, Any]:
        method = method.upper()
        kind = kind or _default_kind(method)
        url = self.url_for(path)
        if params:
            url = url.copy_merge_params({k: v for k, v in params.items() if v is not None})
        policy = self.config.retry
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                self._limiter.acquire(write=kind is not RequestKind.READ, cancel=self._cancel)
            except LimitWaitCancelled:
                raise RequestCancelled("Cancelled while waiting for a turn under the server's request limit.",
                                       method=method, path=url.path) from None
            # Read per attempt (after the rate limiter's wait): a refresh by another thread, or a
            # token renewed before its expiry, is what the next attempt goes with.
            sent = self._credentials.current()
            try:
                response = self._send_following(method, url, json_body, idempotency_key, sent)
            except httpx.TransportError as exc:
                error = self._network_error(exc, method, url, kind)
                if isinstance(error, OutcomeUnknown) or attempt >= policy.max_attempts:
                    raise error from None
                self._wait(self._backoff(attempt), error, attempt)
                continue
            except _Overdue:
                # Another try would be as slow: hand it to sync, which tries again later.
                raise self._overdue_error(method, url, kind) from None
            status = response.status_code
            if status < 300:
                if not parse:
                    return response, None
                try:
                    return response, decode_json(response, method, response.request.url.path)
                except TruncatedAnswer as cut:
                    if kind is not RequestKind.READ or attempt >= policy.max_attempts:
                        if attempt > 1:
                            cut.message += f" Asked {attempt} times."
                        raise
                    self._wait(self._backoff(attempt), cut, attempt)
                    continue
            failure = self._status_error(response, method, url)
            if isinstance(failure, AuthError) and response.status_code == 401 and not refreshed:
                refreshed = True
                # Once for all the threads refused with these credentials (see RefreshGate).
                if self._credentials.refresh_after_401(sent):
                    attempt -= 1  # new credentials: this was not a failed try
                    continue
            if not self._may_retry(failure, kind, status) or attempt >= policy.max_attempts:
                raise failure
            wait = failure.retry_after if isinstance(failure, RateLimited) else None
            if wait is not None and wait > policy.max_retry_after:
                raise failure
            self._wait(wait if wait is not None else self._backoff(attempt), failure, attempt)

    # -- internals ----------------------------------------------------------------------

    def _headers_for(
        self, method: str, url: httpx.URL, idempotency_key: str | None, sent: SentCredentials
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        if _origin(url) == _origin(self.base_url):
            credentials = dict(sent.headers)
            for value in credentials.values():
                _check_header_value(value, method, url.path)
            headers.update(credentials)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _send_following(
        self, method: str, url: httpx.URL, json_body: Any, idempotency_key: str | None, sent: SentCredentials
    ) -> httpx.Response:
        started = self._clock.monotonic()
        deadline = started + self.config.request_deadline
        for _ in range(_MAX_REDIRECTS + 1):
            request = self._client.build_request(
                method, url, json=json_body, headers=self._headers_for(method, url, idempotency_key, sent)
            )
            response = self._receive(request, deadline)
            log.debug(
                "%s %s → %s in %.0f ms",
                method, url.path, response.status_code, (self._clock.monotonic() - started) * 1000,
            )
            if not response.is_redirect:
                return response
            target = self._redirect_target(response, method, url)
            if target is None:
                return response  # _status_error turns it into the right error
            url = target
        raise ProtocolError("The server redirected too many times.", method=method, path=url.path)

    def _receive(self, request: httpx.Request, deadline: float) -> httpx.Response:
        """Send ``request`` and read its whole answer, within the size limit and the deadline.

        The body is streamed: ``iter_bytes`` yields it decompressed, so the limit counts what
        the answer would take in memory, and the clock is looked at as each piece arrives (a
        silence is the read timeout's business). Returns the answer with its body read.
        """
        response = self._client.send(request, stream=True)
        try:
            content = self._read_body(response, request, deadline)
        finally:
            response.close()
        # The body is decoded already: the copy says so (no Content-Encoding to decode again).
        headers = [
            (key, value) for key, value in response.headers.multi_items()
            if key.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(response.status_code, headers=headers, content=content, request=request)

    def _read_body(self, response: httpx.Response, request: httpx.Request, deadline: float) -> bytes:
        where: dict[str, Any] = {"status": response.status_code, "method": request.method, "path": request.url.path}
        limit = self.config.max_response_bytes
        codings = [
            c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in _DECODED):
            raise ProtocolError(
                f"The server compressed its answer as “{redact(', '.join(codings))[:40]}”, which crmdesk "
                f"does not accept (it asks for {ACCEPT_ENCODING} only).", **where
            )
        declared = response.headers.get("content-length", "")
        if not codings and declared.strip().isdigit() and int(declared) > limit:
            raise _too_large(limit, where)
        if self._clock.monotonic() > deadline:
            raise _Overdue()
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit, where)
                chunks.append(chunk)
                if self._clock.monotonic() > deadline:
                    raise _Overdue()
        except httpx.DecodingError:
            raise ProtocolError("The server's compressed answer could not be decompressed.", **where) from None
        return b"".join(chunks)

    def _overdue_error(self, method: str, url: httpx.URL, kind: RequestKind) -> NetworkError:
        seconds = f"{self.config.request_deadline:g}"
        if kind is RequestKind.CREATE:
            return OutcomeUnknown(
                f"{url.host} did not finish answering within {seconds} s after the request was sent; "
                "it may or may not have been applied.",
                method=method, path=url.path,
            )
        return DeadlineExceeded(
            f"{url.host} did not finish answering within {seconds} s (it sends too slowly); "
            "stopped waiting, it is asked again at the next sync.",
            method=method, path=url.path,
        )

    def _redirect_target(self, response: httpx.Response, method: str, url: httpx.URL) -> httpx.URL | None:
        """Where to follow a redirect, or None when it must not be followed."""
        location = response.headers.get("location")
        if not location or method not in ("GET", "HEAD"):
            return None
        target = url.join(location)
        if _origin(target) != _origin(self.base_url) or _is_login(target):
            return None
        return target

    def _status_error(self, response: httpx.Response, method: str, url: httpx.URL) -> RemoteError:
        path = url.path
        if response.is_redirect:
            location = response.headers.get("location", "")
            target = url.join(location) if location else None
            if target is None or _is_login(target):
                # Aria answers a missing or malformed Authorization header with 307 → /login.
                return AuthError(
                    "The server sent us to its sign-in page: the API key is missing or was not accepted.",
                    status=response.status_code, method=method, path=path,
                )
            if _origin(target) != _origin(self.base_url):
                return ProtocolError(
                    f"The server redirected to another host ({target.host}); not followed, so the "
                    "credentials stay with the workspace's own server.",
                    status=response.status_code, method=method, path=path,
                )
            return ProtocolError(
                f"The server redirected a {method} request; not re-sent.",
                status=response.status_code, method=method, path=path,
            )
        return error_for(response, method, path, self._clock.time())

    def _network_error(
        self, exc: httpx.TransportError, method: str, url: httpx.URL, kind: RequestKind
    ) -> NetworkError:
        detail = redact(str(exc)) or type(exc).__name__
        if kind is RequestKind.CREATE and not isinstance(exc, _NOT_SENT):
            return OutcomeUnknown(
                f"The connection to {url.host} broke after the request was sent ({detail}); "
                "it may or may not have been applied.",
                method=method, path=url.path,
            )
        if isinstance(exc, httpx.TimeoutException):
            message = f"{url.host} did not answer in time ({type(exc).__name__})."
        else:
            message = f"Could not reach {url.host}: {detail}"
        return NetworkError(message, method=method, path=url.path)

    @staticmethod
    def _may_retry(error: RemoteError, kind: RequestKind, status: int) -> bool:
        if not error.retryable:
            return False
        if kind is RequestKind.CREATE and isinstance(error, ServerError):
            # A failed create was not applied (500) or we cannot know (502/504): re-sending
            # could make a duplicate. Only "not now" answers are safe to repeat.
            return status == 503
        return True

    def _backoff(self, attempt: int) -> float:
        """Full jitter: a random wait up to base·2^(attempt-1), capped."""
        policy = self.config.retry
        ceiling = min(policy.max_delay, policy.base_delay * (2 ** (attempt - 1)))
        return self._rng.uniform(0.0, ceiling)

    def _wait(self, seconds: float, error: RemoteError, attempt: int) -> None:
        log.warning(
            "%s %s failed (%s), attempt %d of %d; retrying in %.2f s",
            error.method, error.path, error.message, attempt, self.config.retry.max_attempts, seconds,
        )
        if pause(self._clock, seconds, self._cancel):
            raise RequestCancelled(
                "Cancelled while waiting to ask the server again.", method=error.method, path=error.path
            )


class _Overdue(Exception):
    """The attempt's deadline passed while its answer was still arriving."""


def _too_large(limit: int, where: dict[str, Any]) -> AnswerTooLarge:
    size = f"{limit / MiB:g} MiB" if limit >= MiB else f"{limit:,} bytes"
    return AnswerTooLarge(f"The server's answer is larger than {size} (after decompression); not read.", **where)


def _check_header_value(value: str, method: str, path: str) -> None:
    """httpx sends header values as ASCII and fails with a ``UnicodeEncodeError`` that quotes the
    character: say what is wrong with the API key instead, showing none of it."""
    for char in value:
        if not (" " <= char <= "~"):
            what = "a character that is not plain ASCII (an accented letter, a typographic quote or dash?)" \
                if not char.isascii() else "a control character"
            raise AuthError(
                f"The API key cannot be sent: it holds {what}, and an HTTP header carries plain ASCII "
                "letters, digits and signs only. Copy the key again from the server and sign in with it.",
                method=method, path=path,
            )


def _default_kind(method: str) -> RequestKind:
    if method in ("GET", "HEAD", "OPTIONS"):
        return RequestKind.READ
    if method == "POST":
        return RequestKind.CREATE
    return RequestKind.WRITE


def _is_login(url: httpx.URL) -> bool:
    path = url.path.lower()
    return any(word in path for word in _LOGIN_WORDS)


def decode_json(response: httpx.Response, method: str, path: str) -> Any:
    content = response.content
    where: dict[str, Any] = {"status": response.status_code, "method": method, "path": path}
    if not content.strip():
        if response.status_code == 204:
            return None
        raise ProtocolError("The server answered with an empty body where JSON was expected.", **where)
    try:
        data = json.loads(content)
    except RecursionError:
        # Nested deeper than Python can follow (a hostile answer): a protocol error like any
        # other unreadable answer, not a crash that ends every sync.
        raise _too_deep(where) from None
    except ValueError as error:
        if _cut_short(content, error):
            raise TruncatedAnswer(
                "The server's answer stops part way through its JSON (cut short, so not JSON that can be read).",
                **where,
            ) from None
        looks_html = content.lstrip()[:1] == b"<"
        what = "a web page" if looks_html else "something that is not JSON"
        raise ProtocolError(f"The server answered with {what} instead of the API's JSON.", **where) from None
    if json_depth_exceeds(data, MAX_JSON_DEPTH):
        raise _too_deep(where)
    return data


def _too_deep(where: dict[str, Any]) -> ProtocolError:
    return ProtocolError(
        f"The server answered with JSON nested too deeply to read (more than {MAX_JSON_DEPTH} levels).", **where
    )


#: What the end of a document cut inside a token looks like: a number or a literal begun, or a
#: ``\u`` escape begun inside a string.
_TOKEN_BEGUN = re.compile(r"[-+0-9.eE]{1,40}|t(?:r(?:u)?)?|f(?:a(?:l(?:s)?)?)?|n(?:u(?:l)?)?|u[0-9a-fA-F]{0,3}")


def _cut_short(content: bytes, error: ValueError) -> bool:
    """Whether JSON failed to decode because it ends too early (not because it is something else)."""
    if isinstance(error, UnicodeDecodeError):
        return error.reason == "unexpected end of data"
    if not isinstance(error, json.JSONDecodeError):
        return False
    if error.msg.startswith("Unterminated string"):
        return True
    # ``pos`` counts characters of the decoded text (json.loads decodes bytes as UTF-8 here).
    tail = content.decode("utf-8", "replace")[error.pos:].rstrip()
    return not tail or _TOKEN_BEGUN.fullmatch(tail) is not None
