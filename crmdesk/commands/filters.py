"""``--filter 'ATTR OP VALUE'`` → a condition of the model's filters, its operand read as typed text.

OP is one of the model's 14 operators by name (``equals``, ``not_contains``, ``gte``, ``in``…,
also Aria's ``greater_than`` and friends) or a symbol: ``=`` ``==`` ``!=`` ``>`` ``>=`` ``<`` ``<=``.
The operand is read the way the table's editors read typed text (``Won`` is the Won stage's id,
``Acme`` the record called Acme, ``1,000`` a number); ``in``/``not_in`` take a list separated by
commas, or by semicolons when the values hold commas.

Amounts are compared without their currency codes, as the real server's query compares them
(``CurrencyCodec.operand_key``), so an operand that names a currency is refused rather than
quietly matching every currency.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from crmdesk.commands.common import CommandError, find_attribute
from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, ObjectDef, Operator
from crmdesk.model.codecs.numeric import split_amount_text
from crmdesk.model.errors import InvalidFilter
from crmdesk.model.filters import TEXT_OPERATORS, parse_operator
from crmdesk.store import Store
from crmdesk.store.user_text import parse_typed

SYMBOLS = {"=": Operator.EQUALS, "==": Operator.EQUALS, "!=": Operator.NOT_EQUALS, ">": Operator.GT,
           ">=": Operator.GTE, "<": Operator.LT, "<=": Operator.LTE}
_WORDS = re.compile(r"\s*(?P<attr>\S+)\s+(?P<op>\S+)(?:\s+(?P<value>.*))?", re.DOTALL)
_TIGHT = re.compile(r"\s*(?P<attr>[^\s=!<>]+)\s*(?P<op>==|!=|>=|<=|=|>|<)\s*(?P<value>.*)", re.DOTALL)
#: Operands the filter bar takes as plain text too: structured values are matched by their text.
_TEXT_OPERAND = frozenset({AttributeType.TEXT, AttributeType.EMAIL_ADDRESS, AttributeType.PHONE_NUMBER,
                           AttributeType.DOMAIN, AttributeType.LOCATION, AttributeType.PERSONAL_NAME,
                           AttributeType.INTERACTION})
EXAMPLE = "e.g. --filter 'stage = Won' or --filter 'value >= 10000'"


def _operator(name: str) -> Operator | None:
    if name in SYMBOLS:
        return SYMBOLS[name]
    try:
        return parse_operator(name.lower())
    except InvalidFilter:
        return None


def parse_filter(store: Store, obj: ObjectDef, text: str) -> Condition:
    words = _WORDS.fullmatch(text)
    operator = _operator(words.group("op")) if words else None
    found = words if operator is not None else _TIGHT.fullmatch(text)
    if found is None:
        raise CommandError(f"“{text}” is not a filter like ATTR OP VALUE ({EXAMPLE}).")
    operator = operator or SYMBOLS[found.group("op")]
    attr = find_attribute(obj, found.group("attr"))
    raw = (found.group("value") or "").strip()
    if not operator.takes_operand:
        if raw:
            raise CommandError(f"“{operator.value}” takes no value (got “{raw}”).")
        return Condition(attr.slug, operator)
    if not raw:
        raise CommandError(f"“{text}” needs a value after “{found.group('op')}” ({EXAMPLE}).")
    if operator in TEXT_OPERATORS or attr.type in _TEXT_OPERAND:
        return Condition(attr.slug, operator, raw)
    # One element of the attribute's type: a multiselect's values are matched element by element.
    single = replace(attr, multiselect=False, required=False)
    several = operator in (Operator.IN, Operator.NOT_IN)
    pieces = [p for p in (p.strip() for p in raw.split(";" if ";" in raw else ",")) if p] if several else [raw]
    if attr.type is AttributeType.CURRENCY:
        _refuse_currency_codes(text, f"{found.group('attr')} {found.group('op')}", pieces)
    operands = [_operand(store, single, p) for p in pieces]
    return Condition(attr.slug, operator, operands if several else operands[0])


def _refuse_currency_codes(text: str, attr_and_op: str, pieces: list[str]) -> None:
    try:
        split = [split_amount_text(piece) for piece in pieces]
    except ValueError:
        return  # not an amount at all: the typed-value parser says so in the table's words
    if all(code is None for _, code in split):
        return
    amounts = [str(amount) for amount, _ in split]
    raise CommandError(
        f"“{text}”: filters compare amounts only, whatever their currency (“10000 EUR” would also match "
        f"$20,000). Give the amount alone ({attr_and_op} {', '.join(amounts)}) and check the currency in the "
        "output (--json: the value's \"currency\")."
    )


def _operand(store: Store, attr: AttributeDef, text: str) -> Any:
    return parse_typed(store, attr, text, unique=True)


def parse_filters(store: Store, obj: ObjectDef, texts: list[str]) -> FilterGroup | None:
    """Several ``--filter`` options all hold (AND)."""
    if not texts:
        return None
    return FilterGroup("and", tuple(parse_filter(store, obj, text) for text in texts))
