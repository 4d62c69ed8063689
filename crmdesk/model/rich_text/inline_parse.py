"""Markdown inline content → text runs: Commonmark's inline algorithm (code spans, escapes,
references, emphasis by delimiter runs and flanking rules, inline links, autolinks) plus GFM's
``~~strike~~``.

Deliberate readings: a line end inside a paragraph is a hard break (notes were plain text for
years, and a person pressing Enter means a new line); an image ``![alt](src)`` becomes a link
reading "[image: alt]" (nothing is ever loaded); raw HTML and reference links stay literal text.
Nothing here raises on any input: what does not parse stays as the characters typed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from crmdesk.model.rich_text.chars import (
    ASCII_PUNCTUATION,
    REFERENCE_SHAPE,
    decode_reference,
    is_punctuation,
    is_whitespace,
)
from crmdesk.model.rich_text.tree import HardBreak, Inline, Mark, Text, normalise_inlines

_PLAIN_RUN = re.compile(r"[^\\\n`&*_~\[\]!<]+")
_BACKTICKS = re.compile(r"`+")
_URI_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\x00-\x20<>]*)>")
_EMAIL_AUTOLINK = re.compile(
    r"<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)*)>"
)
_MAX_PAREN_DEPTH = 32


@dataclass(slots=True)
class _Txt:
    text: str


@dataclass(slots=True)
class _Code:
    text: str


@dataclass(slots=True)
class _Break:
    pass


@dataclass(slots=True)
class _Run:
    """A delimiter run: what it closes (from its start), leftover literal characters, what it opens."""

    char: str
    count: int
    closes: list[Mark] = field(default_factory=list)
    opens: list[Mark] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    image: bool
    href: str | None = None  # set once a closing bracket makes it a link


@dataclass(slots=True)
class _Close:
    opener: _Open


_Token = _Txt | _Code | _Break | _Run | _Open | _Close


@dataclass(eq=False, slots=True)
class _Delim:
    run: _Run
    original: int
    can_open: bool
    can_close: bool
    prev: _Delim | None = None
    next: _Delim | None = None


@dataclass(slots=True)
class _Bracket:
    token: _Open
    bottom: _Delim | None


def parse_inlines(src: str) -> tuple[Inline, ...]:
    return _InlineParser(src).parse()


class _InlineParser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.tokens: list[_Token] = []
        self.buffer: list[str] = []  # literal source characters not yet in a token
        self.top: _Delim | None = None
        self.brackets: list[_Bracket] = []
        # Link openers below this height of ``brackets`` are inactive: a link was made after them
        # (links never contain links). One number instead of a flag on each keeps this linear.
        self.links_closed_below = 0
        # Where every backtick run starts, by length: finding a code span's end is a lookup.
        self.ticks: dict[int, list[int]] = {}
        for match in _BACKTICKS.finditer(src):
            self.ticks.setdefault(len(match.group()), []).append(match.start())
        self.title_ends = _TitleEnds(src)

    def parse(self) -> tuple[Inline, ...]:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "\\":
                self._backslash()
            elif char == "\n":
                self._line_end()
            elif char == "`":
                self._code_span()
            elif char == "&":
                self._reference()
            elif char in "*_~":
                self._delimiter_run(char)
            elif char == "[" or (char == "!" and src.startswith("[", self.pos + 1)):
                self._open_bracket(char == "!")
            elif char == "]":
                self._close_bracket()
            elif char == "<":
                self._autolink()
            else:
                match = _PLAIN_RUN.match(src, self.pos)
                end = match.end() if match else self.pos + 1
                self.buffer.append(src[self.pos:end])
                self.pos = end
        self._flush()
        self._process_emphasis(None)
        return self._assemble()

    # -- scanning ------------------------------------------------------------------------------

    def _flush(self) -> None:
        if self.buffer:
            self.tokens.append(_Txt("".join(self.buffer)))
            self.buffer.clear()

    def _literal(self, text: str) -> None:
        """Text that came from an escape or a reference: never stripped as a line's edge."""
        self._flush()
        self.tokens.append(_Txt(text))

    def _backslash(self) -> None:
        following = self.src[self.pos + 1:self.pos + 2]
        if following == "\n":
            self._flush()
            self.tokens.append(_Break())
            self.pos += 2
            self._skip_indent()
        elif following and following in ASCII_PUNCTUATION:
            self._literal(following)
            self.pos += 2
        else:
            self.buffer.append("\\")
            self.pos += 1

    def _line_end(self) -> None:
        # Spaces around a line end are not content; the line end itself is a hard break.
        text = "".join(self.buffer).rstrip(" \t")
        self.buffer = [text] if text else []
        self._flush()
        self.tokens.append(_Break())
        self.pos += 1
        self._skip_indent()

    def _skip_indent(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos] in " \t":
            self.pos += 1

    def _code_span(self) -> None:
        match = _BACKTICKS.match(self.src, self.pos)
        assert match is not None
        length, start = len(match.group()), match.end()
        starts = self.ticks.get(length, [])
        index = bisect.bisect_left(starts, start)
        if index == len(starts):
            self.buffer.append(match.group())  # no closing run of the same length: literal backticks
            self.pos = start
            return
        end = starts[index]
        content = self.src[start:end].replace("\n", " ")
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        self._flush()
        self.tokens.append(_Code(content))
        self.pos = end + length

    def _reference(self) -> None:
        match = REFERENCE_SHAPE.match(self.src, self.pos)
        decoded = decode_reference(match.group()) if match else None
        if match is None or decoded is None:
            self.buffer.append("&")
            self.pos += 1
            return
        self._literal(decoded)
        self.pos = match.end()

    def _delimiter_run(self, char: str) -> None:
        src, start = self.src, self.pos
        end = start
        while end < len(src) and src[end] == char:
            end += 1
        count = end - start
        before = src[start - 1] if start else "\n"
        after = src[end] if end < len(src) else "\n"
        left = not is_whitespace(after) and (
            not is_punctuation(after) or is_whitespace(before) or is_punctuation(before))
        right = not is_whitespace(before) and (
            not is_punctuation(before) or is_whitespace(after) or is_punctuation(after))
        if char == "_":
            can_open = left and (not right or is_punctuation(before))
            can_close = right and (not left or is_punctuation(after))
        else:
            can_open, can_close = left, right
        self.pos = end
        if char == "~" and count > 2:  # GFM: only one or two tildes strike through
            self.buffer.append(src[start:end])
            return
        self._flush()
        run = _Run(char, count)
        self.tokens.append(run)
        if can_open or can_close:
            delim = _Delim(run, count, can_open, can_close, prev=self.top)
            if self.top is not None:
                self.top.next = delim
            self.top = delim

    def _open_bracket(self, image: bool) -> None:
        self._flush()
        token = _Open(image)
        self.tokens.append(token)
        self.brackets.append(_Bracket(token, self.top))
        self.pos += 2 if image else 1

    def _close_bracket(self) -> None:
        self.pos += 1
        if not self.brackets:
            self.buffer.append("]")
            return
        bracket = self.brackets.pop()
        active = bracket.token.image or len(self.brackets) >= self.links_closed_below
        self.links_closed_below = min(self.links_closed_below, len(self.brackets))
        destination = _link_destination(self.src, self.pos, self.title_ends) if active else None
        if destination is None:
            self.buffer.append("]")
            return
        href, self.pos = destination
        self._flush()
        bracket.token.href = href
        self.tokens.append(_Close(bracket.token))
        self._process_emphasis(bracket.bottom)
        if not bracket.token.image:
            self.links_closed_below = len(self.brackets)  # the inner link wins

    def _autolink(self) -> None:
        uri = _URI_AUTOLINK.match(self.src, self.pos)
        email = None if uri else _EMAIL_AUTOLINK.match(self.src, self.pos)
        match = uri or email
        if match is None:
            self.buffer.append("<")
            self.pos += 1
            return
        self._flush()
        address = match.group(1)
        opener = _Open(False, address if uri else "mailto:" + address)
        self.tokens += [opener, _Txt(address), _Close(opener)]
        self.pos = match.end()

    # -- emphasis ----------------------------------------------------------------------------

    def _remove(self, delim: _Delim) -> None:
        if delim.prev is not None:
            delim.prev.next = delim.next
        if delim.next is not None:
            delim.next.prev = delim.prev
        else:
            self.top = delim.prev

    def _process_emphasis(self, bottom: _Delim | None) -> None:
        if self.top is bottom:
            return
        closer = self.top
        while closer is not None and closer.prev is not bottom:
            closer = closer.prev
        # Where the search for an opener may stop, per kind of closer (keeps this linear).
        openers_bottom: dict[tuple[str, bool, int], _Delim | None] = {}
        while closer is not None:
            if not closer.can_close:
                closer = closer.next
                continue
            key = (closer.run.char, closer.can_open, closer.original % 3)
            limit = openers_bottom.get(key, bottom)
            opener = closer.prev
            while opener is not None and opener is not bottom and opener is not limit:
                if opener.run.char == closer.run.char and opener.can_open and _may_match(opener, closer):
                    break
                opener = opener.prev
            else:
                opener = None
            if opener is None:
                openers_bottom[key] = closer.prev
                following = closer.next
                if not closer.can_open:
                    self._remove(closer)
                closer = following
                continue
            if closer.run.char == "~":
                used, mark = closer.run.count, Mark.STRIKE
            else:
                used = 2 if closer.run.count >= 2 and opener.run.count >= 2 else 1
                mark = Mark.BOLD if used == 2 else Mark.ITALIC
            opener.run.count -= used
            closer.run.count -= used
            opener.run.opens.append(mark)
            closer.run.closes.append(mark)
            between = closer.prev
            while between is not None and between is not opener:
                earlier = between.prev
                self._remove(between)
                between = earlier
            if opener.run.count == 0:
                self._remove(opener)
            if closer.run.count == 0:
                following = closer.next
                self._remove(closer)
                closer = following
        while self.top is not None and self.top is not bottom:
            self._remove(self.top)

    # -- runs ------------------------------------------------------------------------------------

    def _assemble(self) -> tuple[Inline, ...]:
        depth = dict.fromkeys(Mark, 0)
        links: list[_Open] = []
        out: list[Inline] = []

        def text(value: str, *extra: Mark) -> None:
            marks = frozenset(m for m, n in depth.items() if n > 0).union(extra)
            out.append(Text(value, marks, links[-1].href if links else None))

        for token in self.tokens:
            if isinstance(token, _Txt):
                text(token.text)
            elif isinstance(token, _Code):
                text(token.text, Mark.CODE)
            elif isinstance(token, _Break):
                out.append(HardBreak())
            elif isinstance(token, _Run):
                for mark in token.closes:
                    depth[mark] -= 1
                text(token.char * token.count)
                for mark in token.opens:
                    depth[mark] += 1
            elif isinstance(token, _Open):
                if token.href is None:
                    text("![" if token.image else "[")
                else:
                    links.append(token)
                    if token.image:
                        text("[image: ")
            elif token.opener.image:
                text("]")
                links.pop()
            else:
                links.pop()
        return normalise_inlines(out)


def _may_match(opener: _Delim, closer: _Delim) -> bool:
    if closer.run.char == "~":
        return opener.run.count == closer.run.count
    # Commonmark's "rule of three", so that *a**b* reads as the writer meant.
    both = opener.can_close or closer.can_open
    total = opener.original + closer.original
    return not (both and total % 3 == 0 and not (opener.original % 3 == 0 and closer.original % 3 == 0))


# -- link destinations ----------------------------------------------------------------------------


def _unescape(raw: str) -> str:
    """Backslash escapes and references in a destination or info string, decoded."""
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw) and raw[index + 1] in ASCII_PUNCTUATION:
            out.append(raw[index + 1])
            index += 2
            continue
        if char == "&":
            match = REFERENCE_SHAPE.match(raw, index)
            decoded = decode_reference(match.group()) if match else None
            if match is not None and decoded is not None:
                out.append(decoded)
                index = match.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _skip_space(src: str, index: int) -> int:
    newline_seen = False
    while index < len(src) and src[index] in " \t\n":
        if src[index] == "\n":
            if newline_seen:
                break
            newline_seen = True
        index += 1
    return index


class _TitleEnds:
    """Where a link title can end: per closing character, its positions that a title's scan
    (which skips a backslash and the character after it) would stop at.

    A title begins just after its opening quote or parenthesis, never just after a backslash,
    so its scan keeps in step with one scan from the start of the text: one pass finds every
    position any title could end at (found when the first title needs them), and each title is
    a lookup. Scanning to the end for each ``](x (`` made such text quadratic.
    """

    _STOPS = re.compile(r"\\[\s\S]|[\"')]")

    def __init__(self, src: str) -> None:
        self.src = src
        self.positions: dict[str, list[int]] | None = None

    def first(self, closing: str, start: int) -> int | None:
        """The first position at or after ``start`` where a title closed by ``closing`` ends."""
        if self.positions is None:
            self.positions = {'"': [], "'": [], ")": []}
            for match in self._STOPS.finditer(self.src):
                if match.group() in self.positions:
                    self.positions[match.group()].append(match.start())
        found = self.positions[closing]
        index = bisect.bisect_left(found, start)
        return found[index] if index < len(found) else None


def _link_destination(src: str, index: int, title_ends: _TitleEnds) -> tuple[str, int] | None:
    """``(destination "title")`` starting at ``index``: the href and where the link ends."""
    if not src.startswith("(", index):
        return None
    index = _skip_space(src, index + 1)
    if src.startswith("<", index):
        end = index + 1
        while end < len(src) and src[end] not in "<>\n":
            end += 2 if src[end] == "\\" and end + 1 < len(src) else 1
        if end >= len(src) or src[end] != ">":
            return None
        raw, index = src[index + 1:end], end + 1
    else:
        end, depth = index, 0
        while end < len(src):
            char = src[end]
            if char == "\\" and end + 1 < len(src) and src[end + 1] in ASCII_PUNCTUATION:
                end += 2
                continue
            if ord(char) <= 0x20 or char == "\x7f":
                break
            if char == "(":
                depth += 1
                if depth > _MAX_PAREN_DEPTH:
                    return None
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            end += 1
        if depth:
            return None
        raw, index = src[index:end], end
    after = _skip_space(src, index)
    if after > index and after < len(src) and src[after] in "\"'(":
        title_end = title_ends.first(")" if src[after] == "(" else src[after], after + 1)
        if title_end is None:
            return None
        after = _skip_space(src, title_end + 1)
    if not src.startswith(")", after):
        return None
    return _unescape(raw), after + 1
