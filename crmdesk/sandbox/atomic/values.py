"""Checking write bodies as the real server does (zod ``.strict()`` schemas behind a key mapper).

- Keys: snake_case or camelCase; ``id`` is dropped; any other key not in the resource's
  whitelist is refused: ``Invalid payload: Unrecognized key(s) in object: 'phone'``.
- Every top-level string that starts like ``YYYY-MM-DD`` becomes a date *before* the check
  (README 7), so a text field holding ``"2026-01-01 kickoff notes"`` is refused with
  ``Invalid text: Expected string, received date``.
- The first problem is the answer: ``Invalid <camelName>: <zod message>`` (code
  ``VALIDATION_FAILED``), field problems in column order before unknown keys.

The facade checks wire values with this code, not the client's: a client encoding a value
wrongly is refused here as it would be by the real server.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crmdesk.sandbox.atomic.resources import Column, Kind, Resource, camel
from crmdesk.sandbox.clock import format_instant

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PARSE_INT = re.compile(r"^\s*([+-]?\d+)")


class Invalid(Exception):
    """A refused write: 400 ``{"error": message, "code": "VALIDATION_FAILED"}``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class JsDate:
    """What ``new Date(text)`` made of a date-looking string: an instant, or an invalid date."""

    instant: str | None


def parse_int(text: str) -> int | None:
    """JavaScript's ``parseInt(text, 10)``: ``"1abc"`` → 1, ``"abc"`` → ``None`` (NaN)."""
    match = _PARSE_INT.match(text)
    return int(match.group(1)) if match else None


def js_date(text: str) -> JsDate:
    """``new Date(text)`` for ISO-like text; a time without an offset is read as UTC (the
    sandbox's zone). Milliseconds are kept, as a JavaScript Date keeps them."""
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return JsDate(None)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return JsDate(format_instant(moment.replace(microsecond=moment.microsecond // 1000 * 1000)))


def coerce_dates(body: dict[str, Any]) -> dict[str, Any]:
    """The real server's body pre-pass: date-looking top-level strings become dates."""
    return {k: js_date(v) if isinstance(v, str) and _DATE_PREFIX.match(v) else v for k, v in body.items()}


def js_type(value: Any) -> str:
    """The type name zod reports for ``value``."""
    if value is None:
        return "null"
    if isinstance(value, JsDate):
        return "date"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "nan" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _expected(kind: str, value: Any) -> str:
    return f"Expected {kind}, received {js_type(value)}"


def check_value(column: Column, value: Any) -> tuple[Any, str | None]:
    """(the value to store, or a zod message)."""
    if value is None:
        if column.required:
            expected = {Kind.INT: "number", Kind.NUMBER: "number", Kind.BOOL: "boolean", Kind.TIME: "date",
                        Kind.JSON: "object", Kind.LIST: "array"}.get(column.kind, "string")
            return None, _expected(expected, value)
        return None, None
    kind = column.kind
    if kind in (Kind.TEXT, Kind.CSV):
        if isinstance(value, str):
            return value, None
        if kind is Kind.CSV and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ",".join(value), None
        return None, _expected("string", value)
    if kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, _expected("number", value)
        if isinstance(value, float) and not value.is_integer():
            return None, "Expected integer, received float"
        return int(value), None
    if kind is Kind.NUMBER:
        # The real server coerces (``"12500.5"`` is stored as 12500.5).
        if isinstance(value, bool):
            return float(value), None
        if isinstance(value, int | float):
            return value, None
        if isinstance(value, str):
            try:
                number = float(value) if value.strip() else 0.0
            except ValueError:
                number = math.nan
            if math.isfinite(number):
                return number, None
        return None, _expected("number", math.nan if isinstance(value, str) else value)
    if kind is Kind.BOOL:
        return (int(value), None) if isinstance(value, bool) else (None, _expected("boolean", value))
    if kind is Kind.TIME:
        if isinstance(value, JsDate):
            return (value.instant, None) if value.instant else (None, "Invalid date")
        return None, _expected("date", value)
    if kind is Kind.JSON:
        return (json.dumps(value), None) if isinstance(value, dict) else (None, _expected("object", value))
    if kind is Kind.LIST:
        return (json.dumps(value), None) if isinstance(value, list) else (None, _expected("array", value))
    return None, _expected("string", value)


def check_body(resource: Resource, body: Any, *, creating: bool) -> dict[str, Any]:
    """Column name → value to store, for the whitelisted fields the body sets."""
    if not isinstance(body, dict):
        raise Invalid(f"Invalid payload: {_expected('object', body)}")
    body = coerce_dates({k: v for k, v in body.items() if k != "id"})
    given: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in body.items():
        column = resource.column(key)
        if column is None or not column.writable:
            unknown.append(camel(key))
        else:
            given[column.name] = value
    out: dict[str, Any] = {}
    problems: list[str] = []
    for column in resource.writable:
        if column.name not in given:
            if creating and column.required:
                problems.append(f"Invalid {column.wire}: Required")
            continue
        value, problem = check_value(column, given[column.name])
        if problem:
            problems.append(f"Invalid {column.wire}: {problem}")
        else:
            out[column.name] = value
    if unknown:
        problems.append("Invalid payload: Unrecognized key(s) in object: " + ", ".join(f"'{k}'" for k in unknown))
    if problems:
        raise Invalid(problems[0])
    if not out and not given:
        raise Invalid("No writable fields to create" if creating else "No writable fields to update")
    return out
