"""Atlas's error answers: ``{"message": …}``, with ``"errors": {field id: text}`` on a 400 about fields.

The token endpoint answers OAuth's own shape (``{"error", "error_description"}``, RFC 6749 §5.2);
everything else, injected faults included (``fault_body``), the message shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from crmdesk.sandbox.core.db import dumps


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, errors: Mapping[str, str] | None = None,
                 headers: Mapping[str, str] | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        #: a body in another shape (the token endpoint's)
        self.custom_body = body

    def body(self) -> dict[str, Any]:
        if self.custom_body is not None:
            return self.custom_body
        return {"message": self.message, **({"errors": self.errors} if self.errors else {})}


def invalid(message: str, errors: Mapping[str, str] | None = None) -> ApiError:
    return ApiError(400, message, errors=errors)


def not_found(message: str = "Entity not found") -> ApiError:
    return ApiError(404, message)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"www-authenticate": 'Bearer error="invalid_token"'})


def oauth_error(status: int, code: str, description: str) -> ApiError:
    return ApiError(status, description, body={"error": code, "error_description": description})


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(payload).encode(), status_code=status, media_type="application/json",
                    headers=dict(headers or {}))


def error_response(failure: ApiError) -> Response:
    return json_response(failure.status, failure.body(), failure.headers)


def fault_body(status: int, code: str, message: str) -> bytes:
    """An injected fault's body (``FaultMiddleware``): the message shape."""
    return dumps(ApiError(status, message).body()).encode()
