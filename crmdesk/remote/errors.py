"""Typed errors of the remote layer, split by what the caller should do about them.

Every error carries ``message``: the server's own words where it gave some, otherwise a
plain sentence. Messages never contain credentials — the transport builds them from the
status, the method, the path and the server's error body only.

| error              | sync does                                        |
| ------------------ | ------------------------------------------------ |
| AuthError          | stop, "sign in again" state, keep the outbox      |
| PermissionDenied   | reject the mutation with the message              |
| NotFound           | per call: gone (delete) or reject                 |
| ServerRejected     | reject the mutation, show the per-field messages  |
| RateLimited        | back off (``retry_after``) and try later          |
| ServerError        | try later                                         |
| NetworkError       | offline: try later                                |
| OutcomeUnknown     | look the record up before any re-send             |
| ProtocolError      | our bug or a foreign server: log, report          |
| RequestCancelled   | the user cancelled (or quit) during a wait        |
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class RemoteError(Exception):
    """Base of everything the remote layer raises."""

    #: Whether trying the same request again later may succeed.
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path

    def __str__(self) -> str:
        where = f" ({self.method} {self.path})" if self.method and self.path else ""
        status = f"HTTP {self.status}: " if self.status else ""
        return f"{status}{self.message}{where}"


class AuthError(RemoteError):
    """The credentials are missing, wrong, revoked or expired: sign in again."""


class PermissionDenied(RemoteError):
    """Signed in, but this account may not do this (an admin-only call, say)."""


class NotFound(RemoteError):
    """The object, record, list, note or task does not exist (any more)."""


class ServerRejected(RemoteError):
    """The server refused the request's content (HTTP 400/409/422).

    Named so it does not clash with ``crmdesk.model.ValidationError`` (a local value
    check). ``field_errors`` maps an attribute slug to the server's message about it,
    where the server says which field was wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        field_errors: Mapping[str, str] | None = None,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, method=method, path=path)
        self.field_errors: Mapping[str, str] = MappingProxyType(dict(field_errors or {}))


#: The name the issue uses; same class.
RemoteValidationError = ServerRejected


def unsupported(what: str, why: str) -> ServerRejected:
    """The refusal of something this server cannot do (its capability is off, with ``why``): a
    rejection (code ``UNSUPPORTED``), so a queued change asking it is shown refused rather than
    retried. Every dialect refuses what it cannot do with this."""
    return ServerRejected(f"{what}: {why}", code="UNSUPPORTED")


class RateLimited(RemoteError):
    """Too many requests (429). ``retry_after`` is in seconds, when the server said."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, method=method, path=path)
        self.retry_after = retry_after


class ServerError(RemoteError):
    """The server failed (5xx). Aria answers some bad input with an empty 500, too."""

    retryable = True


class NetworkError(RemoteError):
    """The server could not be reached, or the connection broke."""

    retryable = True


class OutcomeUnknown(NetworkError):
    """A non-idempotent request (a create) was sent, and no answer came back.

    The server may or may not have applied it. Never re-send blindly: look the
    created thing up first (``Backend.find_records_by``), or use the dialect's
    idempotency support.
    """

    retryable = False


class DeadlineExceeded(NetworkError):
    """The answer did not arrive whole within the request's deadline (a server trickling bytes).

    Not retried by the transport (another try would be as slow); sync tries again later.
    """


class ProtocolError(RemoteError):
    """The answer is not what the dialect promises: HTML, truncated JSON, missing keys."""


class TruncatedAnswer(ProtocolError):
    """A complete HTTP answer whose JSON stops part way: retried like a dropped connection for reads."""


class AnswerTooLarge(ProtocolError):
    """The answer (counted after decompression) is larger than the transport accepts."""


class PoisonedRow(ProtocolError):
    """An item whose identity (an id, a slug) is text no cache can hold: a lone surrogate, a NUL
    character or an outsized string. Lists skip such items (logged); a single answer fails."""


class RequestCancelled(RemoteError):
    """Cancel or Quit arrived while the transport waited: to ask again (``Retry-After``, backoff), or
    for a turn under the server's request limit."""


class InsecureConnectionRefused(RemoteError):
    """``http://`` to a host that is not this machine, without the workspace allowing it."""


class PagingUnstable(RemoteError):
    """Records were deleted faster than a pull could page past them; pull again later."""

    retryable = True
