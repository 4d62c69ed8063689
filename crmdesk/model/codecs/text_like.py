"""Text, email address, phone number and domain: string elements.

Email syntax is checked by email-validator (syntax only: it never looks anything up on the
network) and phone numbers by phonenumbers (Google's libphonenumber); neither is a
hand-written pattern. Every type refuses NUL and lone surrogates (``require_storable``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import (
    NO_PARSE_CONTEXT,
    Codec,
    DisplayContext,
    MatchKey,
    ParseContext,
    describe,
    quote,
    require_storable,
    unstorable_problem,
)
from crmdesk.model.schema import AttributeDef

if TYPE_CHECKING:
    import phonenumbers

# Both libraries are imported where they are first called, not here: a window paints its first
# view without checking an address (email-validator compiles ~20 ms of patterns when imported),
# and only a view showing phone numbers needs phonenumbers (~30 ms) before its first paint.

MAX_TEXT_LENGTH = 100_000
_DOMAIN_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$", re.UNICODE)
#: Fast paths: text the general rules return unchanged: a lower-case ASCII domain.
_PLAIN_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: What a typed phone number may hold around its digits (any script's digits: the library reads
#: them all). It is no check of the number (the library does that): it keeps out what the
#: library would silently drop or convert — words around a number ("call +1 …") are skipped
#: and letters become digits (vanity numbers: "(office)" would turn into six more digits).
_PHONE_TYPED = re.compile(r"\+?[\d\s().\-/]+(?:(?:;ext=|\s*(?:ext\.?|extension|x|#)\s*)\d+)?", re.IGNORECASE)
#: A server's number the library cannot place (no country code): kept as the server wrote it
#: when it looks like one, as every version before the library did (3 to 20 ASCII digits).
_PHONE_AS_WRITTEN = re.compile(r"^\+?[0-9\s().\-/]+((;ext=|ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
_PHONE_EXAMPLE = "+1 555 0100"


@lru_cache(maxsize=1)
def _phone_length_problems() -> tuple[frozenset[int], dict[int, str]]:
    """(the possible numbers' reasons, what each length problem means), by phonenumbers's
    ``ValidationResult``: built with the first number read, as the library is imported then."""
    import phonenumbers

    result = phonenumbers.ValidationResult
    possible = frozenset({result.IS_POSSIBLE, result.IS_POSSIBLE_LOCAL_ONLY})
    return possible, {
        result.TOO_SHORT: "has too few digits",
        result.TOO_LONG: "has too many digits",
        result.INVALID_LENGTH: "has the wrong number of digits",
        result.INVALID_COUNTRY_CODE: "starts with a country code that does not exist",
    }


def _require_str(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expects text, got {describe(value)}")
    return str(value)


class TextCodec(Codec):
    type = AttributeType.TEXT

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return self.validate(text, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if type(element) is str and len(element) <= MAX_TEXT_LENGTH and unstorable_problem(element) is None:
            return element
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        text = _require_str(element)
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"is too long ({len(text):,} characters; the limit is 100,000)")
        return require_storable(text)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        return str(element)


class _NormalisedTextCodec(TextCodec):
    """Stored values are normalised (lower-cased domains); so are operands, to compare like with like."""

    def operand_key(self, operand: Any, attr: AttributeDef) -> MatchKey:
        key = super().operand_key(operand, attr)
        try:
            return str(self.validate(key, attr))
        except ValueError:
            return key


# -- email address ---------------------------------------------------------------------------


def _email_problem(text: str) -> str | None:
    """What email-validator finds wrong with an address's syntax (None: nothing); never a DNS query.

    ``test_environment`` lets ``.test`` through (reserved for testing: sandboxes and staging
    servers hold such addresses); the other special-use names (``.local``, ``.invalid``,
    ``.onion``, ``localhost``) stay refused, as do domains without a dot.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        reason = str(error).rstrip(".")
        return reason[:1].lower() + reason[1:]
    return None


#: Pulls check the same addresses and numbers again and again; the libraries take ~20 µs each.
#: Only text short enough to be one is remembered.
_CACHED_LENGTH = 320
#: Enough for every address and number of a 100,000-record workspace: a full scan (every sync on a
#: server without "changed since") then asks the libraries only about what changed. Both caches full hold about 50 MiB.
_CACHE_SIZE = 131_072
_email_problem_cached = lru_cache(maxsize=_CACHE_SIZE)(_email_problem)

#: Fast path: the commonest shape of address, which email-validator always accepts
#: (tests/model/test_fast_paths.py checks generated ones): ASCII letters, digits and ``_+-``
#: in dot-separated runs before the @; after it, labels of letters and digits joined by single
#: hyphens, ending in a top-level domain of letters. A first pull of 100,000 people then asks
#: the library (~50 µs an address, the pull's largest single cost) only about unusual ones.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+(?P<tld>[A-Za-z]+)"
)
#: email-validator's own limits, in characters (ASCII: one octet each).
_EMAIL_MAX, _LOCAL_MAX, _DOMAIN_MAX, _LABEL_MAX = 254, 64, 253, 63
#: Names email-validator refuses as an address's domain or its end (``.test`` is let through, as
#: ``_email_problem`` does).
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion"})


def _plain_email(text: str) -> bool:
    """Whether ``text`` is an address of the fast path's shape within every length limit."""
    match = _PLAIN_EMAIL.fullmatch(text)
    if match is None or len(text) > _EMAIL_MAX or match["tld"].lower() in _SPECIAL_USE_TLDS:
        return False
    local, _, domain = text.rpartition("@")
    return (len(local) <= _LOCAL_MAX and len(domain) <= _DOMAIN_MAX
            and all(len(label) <= _LABEL_MAX for label in domain.split(".")))


class EmailCodec(_NormalisedTextCodec):
    """Canonical: the address as written with its domain lower-cased; the library only judges it.

    email-validator's own normal form would also NFC-normalise the local part and turn
    ``xn--`` domains into Unicode; keeping the written form keeps every stored value canonical.
    """

    type = AttributeType.EMAIL_ADDRESS

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        text = require_storable(_require_str(element).strip())
        if not _plain_email(text):
            _refuse_email(text, _email_problem_cached(text) if len(text) <= _CACHED_LENGTH else _email_problem(text))
        return _domain_lowered(text)

    def _validate_general(self, element: Any) -> Any:
        """``validate`` without its fast path or cache: what the library alone says."""
        text = require_storable(_require_str(element).strip())
        _refuse_email(text, _email_problem(text))
        return _domain_lowered(text)


def _refuse_email(text: str, problem: str | None) -> None:
    if problem is not None:
        raise ValueError(f"“{quote(text)}” is not an email address like name@example.com: {problem}")


def _domain_lowered(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


# -- phone number ----------------------------------------------------------------------------


def _region(code: str | None) -> str | None:
    """An ISO 3166 alpha-2 code phonenumbers knows ("gb" → "GB"); None for anything else."""
    if not code:
        return None
    import phonenumbers

    code = code.strip().upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    """E.164, with an extension as RFC 3966 writes it: ``+15550100;ext=12``."""
    import phonenumbers

    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{text};ext={number.extension}" if number.extension else text


def _canonical_phone(number: phonenumbers.PhoneNumber, written: str) -> str:
    """E.164 that reads back as itself (``written``: the text ``number`` was read from).

    The library drops a national prefix even after a country code ("+44 020 …" is "+4420…"),
    one per reading, so "+4400207946000" reads as "+440207946000", which reads as
    "+44207946000". Reading again until nothing changes makes checking a stored value keep it.
    """
    text = _e164(number)
    if text == written:
        return text  # read from itself: already where the readings stop
    for _ in range(4):
        try:
            again = _e164(_read_phone(text, None))
        except ValueError:
            return text
        if again == text:
            break
        text = again
    return text


def _read_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber:
    """The number ``text`` (spaces collapsed) writes, or ``ValueError`` saying why it is none."""
    import phonenumbers

    clipped = quote(text)
    if _PHONE_TYPED.fullmatch(text) is None:
        raise ValueError(f"“{clipped}” is not a phone number like {_PHONE_EXAMPLE} (digits, spaces and + ( ) - . /)")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            if not text.startswith("+"):
                raise ValueError(f"“{clipped}” has no country code: write it like {_PHONE_EXAMPLE}") from None
            raise ValueError(f"“{clipped}” starts with a country code that does not exist") from None
        raise ValueError(f"“{clipped}” is not a phone number like {_PHONE_EXAMPLE}") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    possible, length_problems = _phone_length_problems()
    if reason not in possible:
        problem = length_problems.get(reason, "is not a possible number")
        raise ValueError(f"“{clipped}” is not a phone number like {_PHONE_EXAMPLE}: it {problem}")
    return number


def _stored_phone(text: str) -> tuple[str, str | None, str | None]:
    """(canonical, None, shown) for a received number (spaces collapsed); (text, None, None) for
    one the library cannot place, kept as written; (text, why it is refused, None). ``shown`` is
    the international format the number is indexed and searched by: a pull checks each number
    and then indexes it, so it is read once for both."""
    try:
        number = _read_phone(text, None)
    except ValueError as error:
        digits = sum(ch in "0123456789" for ch in text)
        if _PHONE_AS_WRITTEN.match(text) and 3 <= digits <= 20:
            return text, None, None
        return text, str(error), None
    import phonenumbers

    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return _canonical_phone(number, text), None, shown


#: Phones are checked on every pull and shown (so indexed: fold and sort text) on every write.
_stored_phone_cached = lru_cache(maxsize=_CACHE_SIZE)(_stored_phone)


def _shown_phone(element: str) -> str:
    """International format ("+1 415-555-0123 ext. 12"); a number the library cannot place as stored."""
    text = " ".join(element.split())
    if len(text) > _CACHED_LENGTH:
        return element
    shown = _stored_phone_cached(text)[2]
    return element if shown is None else shown


class PhoneCodec(_NormalisedTextCodec):
    """Canonical: E.164 (``+14155550123``, ``;ext=12`` after it); shown in international format.

    Typed numbers are read with the user's region (``ParseContext.region``); without one they
    must start with + and a country code. A received number the library cannot place (a
    server's "(555) 010-0199") is kept as written rather than dropped.
    """

    type = AttributeType.PHONE_NUMBER

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return self.parse_edit(text, attr, None)

    def parse_edit(
        self, text: str, attr: AttributeDef, previous: Any, context: ParseContext = NO_PARSE_CONTEXT
    ) -> Any:
        typed = require_storable(" ".join(text.split()))
        return _canonical_phone(_read_phone(typed, _region(context.region)), typed)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        text = require_storable(" ".join(_require_str(element).split()))
        canonical, problem, _shown = _stored_phone_cached(text) if len(text) <= _CACHED_LENGTH else _stored_phone(text)
        if problem is not None:
            raise ValueError(problem)
        return canonical

    def _validate_general(self, element: Any) -> Any:
        """``validate`` without its cache: the reference the cached answers must agree with."""
        text = require_storable(" ".join(_require_str(element).split()))
        canonical, problem, _shown = _stored_phone(text)
        if problem is not None:
            raise ValueError(problem)
        return canonical

    def display(self, element: Any, attr: AttributeDef, ctx: DisplayContext) -> str:
        text = str(element)
        return _shown_phone(text)

    def match_key(self, element: Any, attr: AttributeDef) -> MatchKey:
        # Values stored before numbers were E.164 compare as the E.164 they stand for.
        try:
            return str(self.validate(element, attr))
        except ValueError:
            return str(element)


# -- domain ----------------------------------------------------------------------------------


class DomainCodec(_NormalisedTextCodec):
    type = AttributeType.DOMAIN

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        # People paste URLs; the domain is what they mean.
        stripped = _URL_SCHEME.sub("", text.strip())
        stripped = stripped.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return self.validate(stripped, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if type(element) is str and len(element) <= 253 and _PLAIN_DOMAIN.fullmatch(element) is not None:
            return element
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        text = require_storable(_require_str(element)).strip().rstrip(".").lower()
        labels = text.split(".")
        if len(text) > 253 or len(labels) < 2 or not all(_DOMAIN_LABEL.match(p) for p in labels):
            raise ValueError(f"“{quote(text)}” is not a domain like example.com")
        if "_" in text:
            raise ValueError(f"“{quote(text)}” is not a domain like example.com")
        return text
