"""Errors the core raises; each dialect maps them to its own status codes and envelopes."""

from __future__ import annotations


class CoreError(Exception):
    """Base: ``message`` is safe to show to an API client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CoreError):
    pass


class BadRequest(CoreError):
    pass


class Forbidden(CoreError):
    pass


class Unprocessable(CoreError):
    """Input the real server chokes on (it answers 500 with an empty body)."""
