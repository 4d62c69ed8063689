"""Number, currency and rating.

Whole numbers are exact up to ±2**53, the range a JSON number keeps exactly in every reader
(JavaScript's among them, so a web app's server too). Beyond it a number is refused — typed
or received — never rounded to its nearest double.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import (
    NO_PARSE_CONTEXT,
    Codec,
    DisplayContext,
    MatchKey,
    ParseContext,
    SortKey,
    describe,
    quote,
    require_storable,
)
from crmdesk.model.schema import AttributeDef

_MAX_SAFE = 2**53
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW"}
_SYMBOL_FOR_CODE = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}
#: Currencies written without cents (ISO 4217 minor unit 0) among the common ones.
_NO_MINOR_UNITS = frozenset({"JPY", "KRW", "CLP", "ISK", "VND"})
_CODE = re.compile(r"^[A-Z]{3}$")


def canonical_number(value: Any) -> int | float:
    """A finite number; integral values become ints so 1200 and 1200.0 compare and show alike."""
    if isinstance(value, bool):
        raise ValueError("expects a number, got true/false")
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE:
            raise NumberTooLarge(f"is too large to store exactly (the limit is ±{_MAX_SAFE:,})")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        if value.is_integer() and abs(value) <= _MAX_SAFE:
            return int(value)
        return value
    if isinstance(value, str):
        return parse_number_text(value)
    raise ValueError(f"expects a number, got {describe(value)}")


class NumberTooLarge(ValueError):
    """A number beyond ±2**53: it would be rounded on its way to a double."""


def parse_number_text(text: str) -> int | float:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    # Thousands separators: "1,200.50". A lone comma with 1-2 decimals ("9,5") is a
    # decimal comma; anything else with commas is grouping.
    if re.fullmatch(r"-?\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", cleaned):
        raise ValueError(f"“{quote(text)}” is not a number")
    # Measured exactly, before any float: "9007199254740993" would become …992 as a double.
    if abs(Decimal(cleaned)) > _MAX_SAFE:
        raise NumberTooLarge(
            f"“{quote(text)}” is too large a number to store exactly (the limit is ±{_MAX_SAFE:,})"
        )
    if re.fullmatch(r"[-+]?\d+", cleaned):
        return int(cleaned)
    return canonical_number(float(cleaned))


def format_number(value: int | float) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.10f}".rstrip("0").rstrip(".")


class NumberCodec(Codec):
    type = AttributeType.NUMBER

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return parse_number_text(text)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        return canonical_number(element)

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return format_number(element)

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return float(element)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return element  # type: ignore[no-any-return]

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        return canonical_number(operand)

    @property
    def ordered(self) -> bool:
        return True


class RatingCodec(NumberCodec):
    """Stars 1-5 from a user; the server may hold halves (the real Aria stored 2.5)."""

    type = AttributeType.RATING

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        stars = text.count("★")
        if stars and set(text) <= {"★", "☆", " "}:
            if stars > 5:
                raise ValueError("must be a whole number of stars from 1 to 5")
            return stars
        number = parse_number_text(text)
        if not isinstance(number, int) or not 1 <= number <= 5:
            raise ValueError("must be a whole number of stars from 1 to 5")
        return number

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        number = canonical_number(element)
        if not 0 <= number <= 5:
            raise ValueError("must be between 0 and 5 stars")
        return number

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        whole = int(element)
        half = "½" if element - whole >= 0.5 else ""
        return "★" * whole + half + "☆" * (5 - whole - (1 if half else 0))

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return str(element)


def split_amount_text(text: str) -> tuple[int | float, str | None]:
    """"€31,500", "31500 eur", "USD 12.5" → (amount, code or None when none was typed)."""
    code = None
    rest = text.strip()
    if rest and rest[0] in _CURRENCY_SYMBOLS:
        code, rest = _CURRENCY_SYMBOLS[rest[0]], rest[1:]
    elif rest and rest[-1] in _CURRENCY_SYMBOLS:
        code, rest = _CURRENCY_SYMBOLS[rest[-1]], rest[:-1]
    match = re.fullmatch(r"([A-Za-z]{3})\s*(.+)|(.+?)\s*([A-Za-z]{3})", rest.strip())
    if match and code is None:
        code = (match.group(1) or match.group(4)).upper()
        rest = match.group(2) or match.group(3)
    try:
        amount = parse_number_text(rest)
    except NumberTooLarge:
        raise
    except ValueError:
        raise ValueError(f"“{quote(text)}” is not an amount like 1,200.50 or EUR 99") from None
    return amount, code


def currency_of(element: dict[str, Any], attr: AttributeDef) -> str | None:
    """The code an amount is in: its own, else the attribute's default (None: not known)."""
    return element.get("currency") or attr.currency_code


class CurrencyCodec(Codec):
    """``{"amount": number, "currency": "USD" | None}``; the code may be unknown.

    Amounts in different currencies are never added together (see ``board_source``): a code
    read from the server is kept through every edit that does not type another one.
    """

    type = AttributeType.CURRENCY

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        amount, code = split_amount_text(text)
        return self.validate({"amount": amount, "currency": code or attr.currency_code}, attr)

    def parse_edit(
        self, text: str, attr: AttributeDef, previous: Any, context: ParseContext = NO_PARSE_CONTEXT
    ) -> Any:
        # Typing "31,500" over €12,000 means 31,500 euros: the code typed wins, else the
        # value's own, else the attribute's default.
        amount, code = split_amount_text(text)
        kept = previous.get("currency") if isinstance(previous, dict) else None
        return self.validate({"amount": amount, "currency": code or kept or attr.currency_code}, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if isinstance(element, (int, float, str)) and not isinstance(element, bool):
            element = {"amount": element, "currency": None}
        if not isinstance(element, dict) or "amount" not in element:
            raise ValueError("expects an amount with an optional currency code")
        amount = canonical_number(element["amount"])
        # The model's key, and the snake_case one some APIs use (dialects map their own keys).
        code = element.get("currency") or element.get("currency_code") or None
        if code is not None:
            if not isinstance(code, str):
                raise ValueError("has a currency code that is not text")
            code = require_storable(code, "currency code").strip().upper()
            if not _CODE.match(code):
                raise ValueError(f"“{quote(code, 10)}” is not a three-letter currency code like USD")
        return {"amount": amount, "currency": code}

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return format_money(element["amount"], currency_of(element, attr))

    def edit_text(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        code = element.get("currency")
        return f"{element['amount']} {code}" if code else str(element["amount"])

    def sort_key(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> SortKey:
        return float(element["amount"])

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return element["amount"]  # type: ignore[no-any-return]

    def fold(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        return self.edit_text(element, attr, ctx).lower()

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        if isinstance(operand, dict):
            operand = operand.get("amount")
        return canonical_number(operand)

    @property
    def ordered(self) -> bool:
        return True


def currency_symbol(code: str | None) -> str | None:
    """The symbol an amount in ``code`` is written with ("$" for USD), None for codes shown as such."""
    return _SYMBOL_FOR_CODE.get(code) if code else None


def minor_digits(code: str | None) -> int:
    """How many decimals an amount in ``code`` shows: 0 for yen and won, else cents."""
    return 0 if code in _NO_MINOR_UNITS else 2


def format_money(amount: int | float, code: str | None) -> str:
    """"€31,500.00", "-$5.00", "¥1,200", "1,200.00 CHF"; a bare number when the code is unknown."""
    places = minor_digits(code)
    return money_text(f"{abs(amount):,.{places}f}", code, negative=amount < 0)


def money_text(number: str, code: str | None, *, negative: bool = False) -> str:
    """A number already written out ("12.5M", "31,500.00") in its currency's form: "€12.5M"."""
    sign = "-" if negative else ""
    if code in _SYMBOL_FOR_CODE:
        return f"{sign}{_SYMBOL_FOR_CODE[code]}{number}"
    return f"{sign}{number} {code}" if code else f"{sign}{number}"
