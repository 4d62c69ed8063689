"""Turning an HTTP answer that is not a success into a typed ``RemoteError``.

The error body shape differs by dialect — Aria ``{"error": {"code", "message"}}``,
Attio ``{"status_code", "type", "code", "message"}``, Atomic ``{"error": "…"}`` with an optional
``code`` (``VALIDATION_FAILED``, ``NOT_FOUND``…) — so ``decode_error_body`` understands all of
them; none of them is worth a hook per dialect. A short ``text/plain`` body is the server's
words too (Atomic's ``404 Not Found`` for a path or method it does not route, and its ``Internal
Server Error``): they are quoted in the message, but a plain-text 4xx stays a ``ProtocolError``,
never a ``NotFound``, since it is about the address, not a record (a delete must not take a
wrong address for "already gone").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from crmdesk.remote.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    RemoteError,
    ServerError,
    ServerRejected,
)
from crmdesk.remote.limits import json_depth_exceeds
from crmdesk.remote.redact import redact

_MAX_MESSAGE = 500
#: Of a longer message only this much is looked at (redacted, then cut to ``_MAX_MESSAGE``).
_MAX_SCANNED = 10_000


@dataclass(slots=True)
class ErrorBody:
    code: str | None = None
    message: str | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    #: The body was there but was not JSON (an HTML error page, a proxy's text).
    not_json: bool = False
    empty: bool = False
    #: JSON nested too deeply to read (a hostile answer); ``not_json`` is set too.
    too_deep: bool = False
    #: A short ``text/plain`` body that is not JSON (``not_json`` is set too), redacted and cut short.
    plain: str | None = None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        text = value if isinstance(value, str) else json.dumps(value)
    except (ValueError, RecursionError):
        return None
    # The server's words are shown to users, logged and kept with refused changes: keep them
    # short, secret-free and storable (no lone surrogate, no NUL).
    text = redact(text[:_MAX_SCANNED].strip())[:_MAX_MESSAGE]
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text or None


def _field_errors(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            message = _text(value[0] if isinstance(value, list) and value else value)
            if message:
                out[str(key)] = message
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, Mapping):
                name = item.get("field") or item.get("attribute") or item.get("path")
                message = _text(item.get("message"))
                if name and message:
                    out[str(name if not isinstance(name, list) else ".".join(map(str, name)))] = message
    return out


#: The longest plain-text body read as the server's words (a longer one is a page, not a message).
_MAX_PLAIN = 200


def _plain(response: httpx.Response) -> str | None:
    """The words of a short ``text/plain`` answer (not a web page), or None."""
    if not response.headers.get("content-type", "").lower().startswith("text/plain"):
        return None
    content = response.content.strip()
    if len(content) > _MAX_PLAIN or content[:1] == b"<":
        return None
    return _text(content.decode("utf-8", "replace"))


def decode_error_body(response: httpx.Response) -> ErrorBody:
    content = response.content
    if not content.strip():
        return ErrorBody(empty=True)
    try:
        data = json.loads(content)
    except RecursionError:
        return ErrorBody(not_json=True, too_deep=True)
    except ValueError:
        return ErrorBody(not_json=True, plain=_plain(response))
    if json_depth_exceeds(data):
        return ErrorBody(not_json=True, too_deep=True)
    body = ErrorBody()
    if not isinstance(data, Mapping):
        body.message = _text(data)
        return body
    error = data.get("error")
    if isinstance(error, Mapping):
        body.code = _text(error.get("code") or error.get("type"))
        body.message = _text(error.get("message"))
        body.field_errors = _field_errors(error.get("details") or error.get("fields") or error.get("errors"))
    elif isinstance(error, str):
        body.message = _text(error)
    if body.message is None:
        body.message = _text(data.get("message") or data.get("detail"))
    if body.code is None:
        body.code = _text(data.get("code"))
    if not body.field_errors:
        body.field_errors = _field_errors(data.get("errors") or data.get("validation_errors"))
    return body


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - now)


def parse_rate_limit_reset(value: str | None, now: float) -> float | None:
    """Seconds to wait from ``X-RateLimit-Reset``: an epoch time or, if small, seconds."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return parse_retry_after(value, now)
    if number > 1e12:  # epoch milliseconds
        number /= 1000.0
    if number > 1e9:  # epoch seconds
        return max(0.0, number - now)
    return max(0.0, number)


def wait_hint(response: httpx.Response, now: float) -> float | None:
    hint = parse_retry_after(response.headers.get("retry-after"), now)
    if hint is None:
        hint = parse_rate_limit_reset(response.headers.get("x-ratelimit-reset"), now)
    return hint


def error_for(response: httpx.Response, method: str, path: str, now: float) -> RemoteError:
    """The typed error for a 4xx/5xx answer (redirects are the transport's business)."""
    status = response.status_code
    body = decode_error_body(response)
    where: dict[str, Any] = {"status": status, "code": body.code, "method": method, "path": path}
    said = body.message
    if status == 401:
        return AuthError(said or "The server did not accept the API key. Sign in again.", **where)
    if status == 403:
        return PermissionDenied(said or "Your account is not allowed to do this.", **where)
    if status == 429:
        return RateLimited(
            said or "The server asks us to slow down.", retry_after=wait_hint(response, now), **where
        )
    if status >= 500:
        if body.empty:
            said = "The server failed without saying why (an empty answer)."
        elif body.too_deep:
            said = "The server failed and answered with JSON nested too deeply to read."
        elif body.plain:
            said = f"The server failed: “{body.plain}”."
        elif body.not_json:
            said = "The server failed and answered with a web page instead of the API's JSON."
        return ServerError(said or "The server failed.", **where)
    if body.too_deep:
        return ProtocolError(f"The server answered HTTP {status} with JSON nested too deeply to read.", **where)
    if body.plain:
        return ProtocolError(
            f"The server answered HTTP {status} “{body.plain}” in plain text, not the API's JSON: this "
            "address or method is not part of its API. Is the workspace address right?",
            **where,
        )
    if body.not_json:
        # A 4xx web page usually means the address is not the API at all.
        return ProtocolError(
            f"The server answered HTTP {status} with a web page, not the API's JSON. "
            "Is the workspace address right?",
            **where,
        )
    if status in (404, 410):
        return NotFound(said or "Not found on the server.", **where)
    if status in (400, 409, 422):
        return ServerRejected(
            said or "The server refused the request.", field_errors=body.field_errors, **where
        )
    return ProtocolError(said or f"Unexpected HTTP {status} from the server.", **where)
