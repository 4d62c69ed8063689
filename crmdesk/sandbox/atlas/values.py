"""Field values in and out: what a write may give for each field type, and a filter's value.

Written values are kept canonical so SQL compares them as the seed's operators mean: a date is
``yyyy-mm-dd``, a timestamp UTC with milliseconds and ``Z`` (fixed width: text order is time
order), a decimal a JSON number, a select the option's label as the template spells it (a label
matches case-insensitively), a multi-select a list of distinct labels in option order.
"""

from __future__ import annotations

import math
import re
from typing import Any

from crmdesk.model.codecs import temporal
from crmdesk.sandbox.atlas.template import FieldDef

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ValueProblem(Exception):
    """A value the field cannot hold; the text says why (the 400's ``errors`` entry)."""


def parse_date(raw: str) -> str:
    """``yyyy-mm-dd`` only (the seed's form; the model reads more), a real calendar date."""
    if not _DATE.fullmatch(raw):
        raise ValueProblem(f"{raw!r} is not a date (yyyy-mm-dd)")
    try:
        return temporal.parse_date(raw)
    except ValueError:
        raise ValueProblem(f"{raw!r} is not a date (yyyy-mm-dd)") from None


def parse_timestamp(raw: str) -> str:
    """An ISO 8601 date-time in the canonical form; one without an offset is taken as UTC."""
    try:
        return temporal.parse_timestamp(raw.strip())
    except ValueError:
        raise ValueProblem(f"{raw!r} is not an ISO 8601 date-time") from None


def _option(field: FieldDef, label: Any) -> str:
    if not isinstance(label, str):
        raise ValueProblem("must be the label of an option")
    found = field.option(label)
    if found is None:
        raise ValueProblem(f"{label!r} is not an option of {field.label} ({', '.join(field.options)})")
    return found


def check_value(field: FieldDef, raw: Any) -> Any:
    """The canonical value of a write (None: the field is cleared); a bad one raises ``ValueProblem``."""
    if raw is None:
        return None
    kind = field.type
    if kind in ("string", "text", "user"):
        if not isinstance(raw, str):
            raise ValueProblem("must be a string")
        if kind == "string" and ("\n" in raw or "\r" in raw):
            raise ValueProblem("must be a single line")
        return raw or None  # an empty string is an empty field
    if kind == "date":
        if not isinstance(raw, str):
            raise ValueProblem("must be a date string (yyyy-mm-dd)")
        return parse_date(raw)
    if kind == "timestamp":
        if not isinstance(raw, str):
            raise ValueProblem("must be an ISO 8601 date-time string")
        return parse_timestamp(raw)
    if kind == "decimal":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            raise ValueProblem("must be a number")
        return raw
    if kind == "single-select":
        return _option(field, raw)
    if kind == "multi-select":
        if not isinstance(raw, list):
            raise ValueProblem("must be an array of option labels")
        chosen = {_option(field, item) for item in raw}
        return [o for o in field.options if o in chosen] or None
    raise ValueProblem(f"has an unknown type {kind}")  # pragma: no cover - the templates are fixed


def filter_value(field: FieldDef, raw: str) -> Any:
    """A filter's value as the stored values compare with it; a bad one raises ``ValueProblem``."""
    kind = field.type
    if kind == "date":
        return parse_date(raw)
    if kind == "timestamp":
        return parse_timestamp(raw)
    if kind == "decimal":
        try:
            number = float(raw)
        except ValueError:
            raise ValueProblem(f"{raw!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueProblem(f"{raw!r} is not a number")
        return number
    if kind in ("single-select", "multi-select"):
        return _option(field, raw)
    return raw
