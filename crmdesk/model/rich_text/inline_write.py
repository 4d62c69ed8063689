"""Text runs → markdown that every Commonmark reader (and ``inline_parse``) reads back exactly.

Marks open and close like a stack (the mark that lasts longest outermost): ``**bold**``,
``_italic_``, ``~~strike~~``, ``[link](href)``, and code as a code span inside them all. Then
the characters around each delimiter are checked against Commonmark's flanking rules, and a
neighbour that would stop a delimiter from opening or closing is spelled as a numeric
reference (``&#97;`` reads as "a" but counts as punctuation), until every delimiter does what
it is meant to. Text is escaped where markdown would read it otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crmdesk.model.rich_text.chars import (
    REFERENCE_SHAPE,
    is_ambiguous_symbol,
    is_punctuation,
    is_whitespace,
    numeric_reference,
)
from crmdesk.model.rich_text.tree import HardBreak, Inline, Mark, Text

#: Characters with an inline meaning somewhere (``|`` makes GFM tables), always escaped.
_ALWAYS_ESCAPED = frozenset("\\`[]<|")
#: Emphasis characters: escaped unless spaces stand on both sides (then no reader's delimiter).
_EMPHASIS = frozenset("*_~")
#: Characters that start a block at the beginning of a paragraph line.
_LINE_START_ESCAPED = frozenset("#>-+=")
_BACKTICK_RUN = re.compile(r"`+")
_DELIMITERS = {Mark.BOLD: "**", Mark.ITALIC: "_", Mark.STRIKE: "~~"}
_MARK_ORDER = (Mark.BOLD, Mark.ITALIC, Mark.STRIKE)


@dataclass(slots=True)
class _Char:
    char: str
    form: str = "literal"  # or "escaped" (a backslash before it) or "reference" (&#N;)

    def render(self) -> str:
        if self.form == "escaped":
            return "\\" + self.char
        if self.form == "reference":
            return numeric_reference(self.char)
        return self.char


@dataclass(slots=True)
class _Delim:
    text: str
    opening: bool


@dataclass(slots=True)
class _Raw:
    """Link syntax, a code span, a break: begins and ends with punctuation."""

    text: str


_Token = _Char | _Delim | _Raw


@dataclass(frozen=True, slots=True)
class _Link:
    href: str


_Key = Mark | _Link


def _keys(run: Text) -> set[_Key]:
    keys: set[_Key] = {m for m in run.marks if m is not Mark.CODE}
    if run.href is not None:
        keys.add(_Link(run.href))
    return keys


def write_paragraph(inlines: tuple[Inline, ...]) -> list[str]:
    """A paragraph's lines; each line but the last ends with the ``\\`` of a hard break."""
    lines = _token_lines(inlines, heading=False)
    out = []
    for number, tokens in enumerate(lines):
        _escape_line_start(tokens)
        _fix(tokens)
        text = "".join(t.text if isinstance(t, _Raw | _Delim) else t.render() for t in tokens)
        out.append(text + ("\\" if number < len(lines) - 1 else ""))
    return out


def write_heading_text(inlines: tuple[Inline, ...]) -> str:
    """One line: a heading cannot span lines, so a hard break in it is written ``&#10;``."""
    (tokens,) = _token_lines(inlines, heading=True)
    for token in tokens:
        if isinstance(token, _Char) and token.char == "#":
            token.form = "escaped"  # never a closing sequence
    _fix(tokens)
    return "".join(t.text if isinstance(t, _Raw | _Delim) else t.render() for t in tokens)


# -- runs → tokens -------------------------------------------------------------------------------


def _token_lines(inlines: tuple[Inline, ...], *, heading: bool) -> list[list[_Token]]:
    runs = list(inlines)
    lines: list[list[_Token]] = [[]]
    stack: list[_Key] = []

    def close_down_to(keys: set[_Key]) -> None:
        cut = next((n for n, key in enumerate(stack) if key not in keys), len(stack))
        for key in reversed(stack[cut:]):
            lines[-1].append(_closing(key))
        del stack[cut:]

    for index, run in enumerate(runs):
        if isinstance(run, HardBreak):
            following = next((runs[i] for i in range(index + 1, len(runs)) if isinstance(runs[i], Text)), None)
            close_down_to(_keys(following) if isinstance(following, Text) else set())
            if heading:
                lines[-1].append(_Raw("&#10;"))
            else:
                lines.append([])
            continue
        keys = _keys(run)
        close_down_to(keys)
        opening = sorted((k for k in keys if k not in stack), key=lambda k: (-_extent(runs, index, k), _rank(k)))
        for key in opening:
            lines[-1].append(_opening(key))
            stack.append(key)
        if Mark.CODE in run.marks:
            lines[-1].append(_Raw(_code_span(run.text)))
        else:
            lines[-1] += _text_chars(run.text)
    close_down_to(set())
    return lines


def _extent(runs: list[Inline], index: int, key: _Key) -> int:
    """How many runs from ``index`` on keep ``key`` (hard breaks carry no marks and do not end it)."""
    count = 0
    for position in range(index, len(runs)):  # no slice: a long paragraph would copy it per run
        run = runs[position]
        if isinstance(run, HardBreak):
            continue
        if key not in _keys(run):
            break
        count += 1
    return count


def _rank(key: _Key) -> int:
    return len(_MARK_ORDER) if isinstance(key, _Link) else _MARK_ORDER.index(key)


def _opening(key: _Key) -> _Token:
    return _Raw("[") if isinstance(key, _Link) else _Delim(_DELIMITERS[key], True)


def _closing(key: _Key) -> _Token:
    return _Raw(f"]({_destination(key.href)})") if isinstance(key, _Link) else _Delim(_DELIMITERS[key], False)


def _text_chars(text: str) -> list[_Token]:
    out: list[_Token] = []
    for index, char in enumerate(text):
        token = _Char(char)
        if char in _ALWAYS_ESCAPED or char in _EMPHASIS or (char == "&" and REFERENCE_SHAPE.match(text, index)):
            token.form = "escaped"
        elif (ord(char) < 0x20 and char != "\t") or char == "\x7f":
            token.form = "reference"
        out.append(token)
    return out


def _code_span(text: str) -> str:
    longest = max((len(m.group()) for m in _BACKTICK_RUN.finditer(text)), default=0)
    fence = "`" * (longest + 1)
    # A reader strips one space from each end of a span that has one at both ends.
    padded = text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and bool(text.strip(" ")))
    return f"{fence} {text} {fence}" if padded else f"{fence}{text}{fence}"


def _destination(href: str) -> str:
    # Spaces only fit between angle brackets; elsewhere the bare form reads best.
    angle = " " in href
    depth, balanced = 0, True
    for char in href:
        depth += {"(": 1, ")": -1}.get(char, 0)
        balanced = balanced and 0 <= depth <= 32
    balanced = balanced and depth == 0
    out = []
    for index, char in enumerate(href):
        if char == "\\" or (char == "&" and REFERENCE_SHAPE.match(href, index)):
            out.append("\\" + char)
        elif ord(char) < 0x20 or char == "\x7f":
            out.append(numeric_reference(char))
        elif char in ("<>" if angle else "") or (not angle and _bare_escape(char, index, balanced)):
            out.append("\\" + char)
        else:
            out.append(char)
    text = "".join(out)
    return f"<{text}>" if angle else text


def _bare_escape(char: str, index: int, balanced: bool) -> bool:
    """Whether a bare destination needs a backslash before ``char`` (unbalanced parentheses, a
    leading ``<`` that would make it the angle form)."""
    return (char in "()" and not balanced) or (char == "<" and index == 0)


# -- making every line read back the same ---------------------------------------------------------


def _escape_line_start(tokens: list[_Token]) -> None:
    """A paragraph line must not begin a heading, quote, list, rule or setext underline."""
    if not tokens or not isinstance(tokens[0], _Char) or tokens[0].form != "literal":
        return
    if tokens[0].char in _LINE_START_ESCAPED:
        tokens[0].form = "escaped"
        return
    digits = 0
    for token in tokens:
        if not isinstance(token, _Char) or token.form != "literal":
            return
        if token.char.isascii() and token.char.isdigit() and digits < 9:
            digits += 1
            continue
        if digits and token.char in ".)":
            token.form = "escaped"  # "1. x" would be a list item
        return


def _kind(token: _Token | None) -> str:
    if token is None:
        return "space"  # a line's edge
    if not isinstance(token, _Char) or token.form != "literal":
        return "punct"  # delimiters, link syntax, escapes and references all begin/end with punctuation
    if is_whitespace(token.char):
        return "space"
    return "punct" if is_punctuation(token.char) else "other"


def _neighbours(tokens: list[_Token], index: int) -> tuple[_Token | None, _Token | None]:
    before = tokens[index - 1] if index else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    return before, after


def _as_reference(token: _Token | None) -> None:
    if isinstance(token, _Char):
        token.form = "reference"


def _fix(tokens: list[_Token]) -> None:
    """Spell as references the characters that would change how the line reads."""
    for edge in (0, -1):  # a line's outer spaces and tabs are not content to a reader
        if tokens and _kind(tokens[edge]) == "space":
            _as_reference(tokens[edge])
    for index, token in enumerate(tokens):
        before, after = _neighbours(tokens, index)
        if isinstance(token, _Raw) and token.text == "[" and isinstance(before, _Char) and before.char == "!":
            before.form = "escaped"  # "![" would be an image
        if not isinstance(token, _Delim):
            continue
        inner = after if token.opening else before
        if _kind(inner) == "space":  # "** a**" does not open
            _as_reference(inner)
        for neighbour in (before, after):
            if isinstance(neighbour, _Char) and neighbour.form == "literal" and is_ambiguous_symbol(neighbour.char):
                neighbour.form = "reference"
    changed = True
    while changed:
        changed = False
        for index, token in enumerate(tokens):
            if not isinstance(token, _Delim):
                continue
            before, after = _neighbours(tokens, index)
            outer, inner = (before, after) if token.opening else (after, before)
            # An opener next to punctuation inside needs space or punctuation outside (a closer
            # likewise); "_" needs it always, since it never opens or closes inside a word.
            if (token.text == "_" or _kind(inner) == "punct") and _kind(outer) == "other":
                _as_reference(outer)
                changed = True
    # Last, once no neighbour changes any more: "2 * 3" keeps its asterisk bare (but "* 3"
    # starting a line would be a list item).
    for index, token in enumerate(tokens):
        if index and isinstance(token, _Char) and token.char in _EMPHASIS and token.form == "escaped":
            before, after = _neighbours(tokens, index)
            if _kind(before) == _kind(after) == "space":
                token.form = "literal"
