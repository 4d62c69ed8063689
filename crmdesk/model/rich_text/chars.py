"""Character classes and references as Commonmark defines them (spec 0.31.2)."""

from __future__ import annotations

import re
import string
import unicodedata
from html.entities import html5

from crmdesk.model.rich_text.tree import REPLACEMENT

ASCII_PUNCTUATION = frozenset(string.punctuation)
#: ``&name;``, ``&#123;``, ``&#x1F;``: a reference a reader would decode (valid or not: the writer
#: escapes the ``&`` of anything shaped like one, so no reader's entity list matters).
REFERENCE_SHAPE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def is_whitespace(char: str) -> bool:
    """Unicode whitespace (Zs, tab, line feed, form feed, carriage return); "" is a line's edge."""
    return char == "" or char in "\t\n\f\r" or unicodedata.category(char) == "Zs"


def is_punctuation(char: str) -> bool:
    """ASCII punctuation, or a Unicode P* or S* character (what 0.31.2 counts)."""
    return char in ASCII_PUNCTUATION or (char != "" and unicodedata.category(char)[0] in "PS")


def is_ambiguous_symbol(char: str) -> bool:
    """A non-ASCII symbol: punctuation for Commonmark 0.31, a letter-like character for older
    readers (cmark-gfm). Next to an emphasis delimiter the writer spells it as a reference."""
    return char not in ASCII_PUNCTUATION and char != "" and unicodedata.category(char)[0] == "S"


def decode_reference(match: str) -> str | None:
    """The text of ``&…;`` (None when it names nothing, so the characters stay literal)."""
    body = match[1:-1]
    if body.startswith(("#x", "#X")):
        return _code_point(int(body[2:], 16))
    if body.startswith("#"):
        return _code_point(int(body[1:]))
    return html5.get(body + ";")


def _code_point(value: int) -> str:
    if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return REPLACEMENT
    return chr(value)


def numeric_reference(char: str) -> str:
    return f"&#{ord(char)};"
