"""One place that turns a canonical value into the text a person reads: the table's cells,
the board's cards and the record page's fields all ask a ``ValueFormatter``, so a deal's
value reads "$114,000.00" and its close date "Mar 12, 2027" wherever it shows.

Numbers, amounts of money, dates and times follow the system locale (``QLocale()``): a German
desktop reads "114.000,00 $" and "12. März 2027". The "C" locale (no locale chosen, as on a
bare server or a test machine) keeps the model's own English forms, which the command line
prints too. Every other type (titles of referenced records, option titles, names, phone
numbers) has one form, the model codec's.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDate, QLocale, QTime

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.model.codecs.base import DisplayContext
from crmdesk.model.codecs.numeric import currency_of, currency_symbol, format_money, format_number, minor_digits
from crmdesk.model.values import display_text, elements

#: Types whose text follows the locale; the rest read the same in every locale.
_LOCALISED = frozenset({AttributeType.NUMBER, AttributeType.CURRENCY, AttributeType.DATE, AttributeType.TIMESTAMP})
#: A weekday in a long date format, with the separator that ties it to the rest ("dddd, ").
_WEEKDAY = re.compile(r"d{4}[,.،]?\s*|\s*[,.،]?\s*d{4}")
#: Decimals a number shows at most (as the model's ``format_number``).
_MAX_DECIMALS = 10


def user_region() -> str | None:
    """The user's country as ISO 3166 alpha-2 ("GB"), from the locale; None when it names none.
    Phone numbers typed without a +country code are numbers there."""
    territory = QLocale.territoryToCode(QLocale().territory())
    return territory if len(territory) == 2 else None


def medium_date_format(locale: QLocale) -> str:
    """The locale's long date without its weekday, month names abbreviated: "MMM d, yyyy"
    in English (US), "d. MMM yyyy" in German — Qt has no medium format of its own."""
    pattern = locale.dateFormat(QLocale.FormatType.LongFormat)
    return _WEEKDAY.sub("", pattern).replace("MMMM", "MMM").strip(" ,،")


class ValueFormatter:
    """Display text of canonical values in one locale (the system's unless given)."""

    def __init__(self, locale: QLocale | None = None) -> None:
        self.locale = locale if locale is not None else QLocale()
        #: The "C" locale: no preference was set, so the model's English forms stand.
        self.plain = self.locale.language() == QLocale.Language.C
        self._date_format = medium_date_format(self.locale)
        self._time_format = self.locale.timeFormat(QLocale.FormatType.ShortFormat)

    def display(self, attr: AttributeDef, value: Any, ctx: DisplayContext) -> str:
        """What a person reads for ``value`` (several values joined with ", "; empty: "")."""
        if self.plain or attr.type not in _LOCALISED:
            return display_text(attr, value, ctx)
        # Where the decimal mark is a comma ("2,5"), several numbers are told apart by "; ".
        joiner = "; " if self.locale.decimalPoint() == "," else ", "
        return joiner.join(self._element(attr, item, ctx) for item in elements(value))

    def _element(self, attr: AttributeDef, element: Any, ctx: DisplayContext) -> str:
        kind = attr.type
        if kind is AttributeType.NUMBER:
            return self.number(element)
        if kind is AttributeType.CURRENCY:
            return self.money(element["amount"], currency_of(element, attr))
        if kind is AttributeType.DATE:
            day = date.fromisoformat(element)
            return self.locale.toString(QDate(day.year, day.month, day.day), self._date_format)
        moment = datetime.fromisoformat(element.replace("Z", "+00:00")).astimezone(ctx.tz or UTC)
        when = self.locale.toString(QDate(moment.year, moment.month, moment.day), self._date_format)
        clock = self.locale.toString(QTime(moment.hour, moment.minute), self._time_format)
        # Without a zone of the user's, times are the server's UTC: said so, as the model does.
        return f"{when} {clock}" + ("" if ctx.tz is not None else " UTC")

    def number(self, value: int | float) -> str:
        if self.plain:
            return format_number(value)
        if isinstance(value, int):
            return self.locale.toString(value)
        decimals = f"{value:.{_MAX_DECIMALS}f}".rstrip("0").split(".")[1]
        return self.locale.toString(value, "f", len(decimals))

    def money(self, amount: int | float, code: str | None) -> str:
        """"$114,000.00" (en_US), "114.000,00 $" (de_DE); a grouped number when no code is known.

        The sign is written as a minus: Qt's own negative currency form in English is the
        accountant's "($5.50)", which reads as a note in a table of deals."""
        if self.plain:
            return format_money(amount, code)
        digits = minor_digits(code)
        if code is None:
            text = self.locale.toString(float(abs(amount)), "f", digits)
        else:
            symbol = currency_symbol(code)
            text = self.locale.toCurrencyString(float(abs(amount)), symbol or code, digits)
            if symbol is None:
                # Qt glues a code to the digits ("CHF1,200.00"): a no-break space keeps them apart.
                text = re.sub(rf"^{code}(?=\d)", f"{code}\u00a0", text)
                text = re.sub(rf"(?<=\d){code}$", f"\u00a0{code}", text)
        return f"{self.locale.negativeSign()}{text}" if amount < 0 else text
