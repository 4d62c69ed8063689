"""Attio's error answers: ``{"status_code", "type", "code", "message"}`` for every failure.

Codes are the ones Attio's spec documents where one fits (``not_found``, ``filter_error``,
``value_not_found``, ``missing_value``, ``slug_conflict``, ``system_edit_unauthorized``,
``validation_type``), and ``uniqueness_conflict`` for a unique value already held (the
contract's; the spec lists only ``value_not_found`` for a create's 400).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from crmdesk.sandbox.core.db import dumps


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, kind: str = "invalid_request_error",
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind
        #: keys some operations' documented bodies have besides the usual four (``statusCode``)
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"status_code": self.status, "type": self.kind, "code": self.code, "message": self.message,
                **self.extra}


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def invalid(message: str, code: str = "validation_type") -> ApiError:
    return ApiError(400, code, message)


def filter_error(message: str) -> ApiError:
    return ApiError(400, "filter_error", message)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(payload).encode(), status_code=status, media_type="application/json", headers=headers)


def error_response(failure: ApiError, headers: dict[str, str] | None = None) -> Response:
    return json_response(failure.status, failure.body(), headers)


def error_bytes(status: int, code: str, message: str, kind: str = "api_error") -> bytes:
    """An error body for the fault injector, in the same shape."""
    return dumps(ApiError(status, code, message, kind=kind).body()).encode()
