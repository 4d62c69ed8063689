"""Text, email address, phone number and domain: string elements."""

from __future__ import annotations

import re
from typing import Any

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, MatchKey, describe
from crmdesk.model.schema import AttributeDef

MAX_TEXT_LENGTH = 100_000
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9\s().\-/]+((ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
_DOMAIN_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$", re.UNICODE)
#: Fast paths: text the general rules return unchanged. A phone number of ASCII digit groups
#: with single separators (its digits counted by subtraction), a lower-case ASCII domain.
_PLAIN_PHONE = re.compile(r"\+?[0-9]+(?:[ .\-/]?[0-9]+)*")
_PLAIN_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _require_str(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expects text, got {describe(value)}")
    return str(value)


class TextCodec(Codec):
    type = AttributeType.TEXT

    def parse_text(self, text: str, attr: AttributeDef) -> Any:
        return self.validate(text, attr)

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if type(element) is str and len(element) <= MAX_TEXT_LENGTH and "\x00" not in element:
            return element
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        text = _require_str(element)
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"is too long ({len(text):,} characters; the limit is 100,000)")
        if "\x00" in text:
            raise ValueError("contains a NUL character")
        return text

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


class EmailCodec(_NormalisedTextCodec):
    type = AttributeType.EMAIL_ADDRESS

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        text = _require_str(element).strip()
        if len(text) > 254 or not _EMAIL.match(text):
            raise ValueError(f"“{_clip(text)}” is not an email address like name@example.com")
        local, _, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"


class PhoneCodec(TextCodec):
    type = AttributeType.PHONE_NUMBER

    def validate(self, element: Any, attr: AttributeDef) -> Any:
        if type(element) is str and _PLAIN_PHONE.fullmatch(element) is not None:
            separators = sum(element.count(sep) for sep in " .-/") + (element[0] == "+")
            if 3 <= len(element) - separators <= 20:
                return element
        return self._validate_general(element)

    def _validate_general(self, element: Any) -> Any:
        text = " ".join(_require_str(element).split())
        digits = sum(ch.isdigit() for ch in text)
        if not _PHONE_CHARS.match(text) or digits < 3 or digits > 20:
            raise ValueError(f"“{_clip(text)}” is not a phone number like +1 555 0100")
        return text


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
        text = _require_str(element).strip().rstrip(".").lower()
        labels = text.split(".")
        if len(text) > 253 or len(labels) < 2 or not all(_DOMAIN_LABEL.match(p) for p in labels):
            raise ValueError(f"“{_clip(text)}” is not a domain like example.com")
        if "_" in text:
            raise ValueError(f"“{_clip(text)}” is not a domain like example.com")
        return text


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
