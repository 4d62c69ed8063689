"""Markdown → a document tree: Commonmark's block structure, read line by line.

Containers (block quotes, list items) collect their lines without their prefix and are read
again, recursively; leaves are ATX and setext headings, fenced and indented code, thematic
breaks and paragraphs. HTML blocks, tables and link reference definitions are not read: their
lines stay paragraph text. A paragraph line that is exactly ``&nbsp;`` holds nothing — the
agreed spelling of an empty paragraph, and of a hard break that ends a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crmdesk.model.rich_text.inline_parse import _unescape, parse_inlines
from crmdesk.model.rich_text.tree import (
    REPLACEMENT,
    Block,
    Blockquote,
    BulletList,
    CodeBlock,
    Doc,
    Heading,
    HorizontalRule,
    ListItem,
    OrderedList,
    Paragraph,
    normalise_blocks,
)

_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*)|[ \t]*)$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
_LIST_MARKER = re.compile(r"([-+*]|([0-9]{1,9})([.)]))(?=[ \t]|$)")
EMPTY_PARAGRAPH = "&nbsp;"
#: Quotes and lists nested deeper than this in markdown read as text (each level is a recursion).
MAX_CONTAINER_DEPTH = 40


def parse_markdown(text: str) -> Doc:
    """The document ``text`` spells; never raises — what is not markdown reads as text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", REPLACEMENT).split("\n")
    return Doc(normalise_blocks(_blocks(lines, 0)))


# -- columns (a tab reaches the next multiple of four) ---------------------------------------------


def _indent(line: str) -> int:
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


def _strip(line: str, columns: int, start: int = 0) -> str:
    """``line`` (which begins at column ``start``) without up to ``columns`` columns of indent;
    a tab only partly removed leaves its remaining columns as spaces."""
    column, index = start, 0
    while index < len(line) and column < start + columns:
        char = line[index]
        if char == " ":
            column += 1
        elif char == "\t":
            width = 4 - column % 4
            if column + width > start + columns:
                return " " * (column + width - start - columns) + line[index + 1:]
            column += width
        else:
            break
        index += 1
    return line[index:]


def _blank(line: str) -> bool:
    return not line.strip(" \t")


def _content(line: str) -> tuple[int, str] | None:
    """The indent and the rest of a line that may start a block (indented less than four)."""
    columns = _indent(line)
    return None if columns >= 4 else (columns, _strip(line, columns))


# -- block starts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Marker:
    kind: str  # "-", "+", "*" for bullets, "." or ")" for ordered lists
    start: int | None
    indent: int  # the column where the item's content begins
    first: str  # the item's first line, without its marker


def _fence_opening(rest: str) -> re.Match[str] | None:
    match = _FENCE.match(rest)
    if match and match.group(1)[0] == "`" and "`" in match.group(2):
        return None  # a backtick fence's info string has no backticks (it is inline code instead)
    return match


def _list_marker(line: str) -> _Marker | None:
    found = _content(line)
    if found is None:
        return None
    columns, rest = found
    match = _LIST_MARKER.match(rest)
    if match is None or _THEMATIC.match(rest):
        return None
    marker = match.group(1)
    # The marker as spaces: the columns after it are then counted from the line's start.
    masked = " " * (columns + len(marker)) + rest[len(marker):]
    after = rest[len(marker):]
    if _blank(after):
        indent, first = columns + len(marker) + 1, ""
    else:
        spaces = _indent(masked) - columns - len(marker)
        # Five or more spaces: the content starts after one, the rest is an indented code block.
        indent = columns + len(marker) + (1 if spaces >= 5 else spaces)
        first = _strip(masked, indent)
    ordinal = match.group(2)
    return _Marker(match.group(3) or marker, int(ordinal) if ordinal else None, indent, first)


def _interrupts_paragraph(line: str) -> bool:
    found = _content(line)
    if found is None:
        return False
    rest = found[1]
    if _ATX.match(rest) or _THEMATIC.match(rest) or rest.startswith(">") or _fence_opening(rest):
        return True
    marker = _list_marker(line)
    return marker is not None and bool(marker.first.strip()) and marker.start in (None, 1)


def _may_continue_lazily(collected: _Collected, line: str) -> bool:
    """A line without its container's prefix still belongs to it when it continues a paragraph."""
    if _blank(line) or _interrupts_paragraph(line) or _list_marker(line) is not None:
        return False
    found = _content(line)
    if found is not None and _SETEXT.match(found[1]):
        return False
    return collected.ends_in_paragraph


class _Collected:
    """A container's lines so far (without its prefix), and whether they end inside a paragraph.

    Each line that may continue a paragraph lazily asks that; keeping the answer up to date as
    lines are added (rather than reading them all again) keeps a long lazy paragraph linear.
    """

    __slots__ = ("_fence", "_last", "lines")

    def __init__(self, first: str | None = None) -> None:
        self.lines: list[str] = []
        self._fence: str | None = None  # the fence of an open fenced code block
        self._last = "blank"  # what the last line was: "blank", "block" or paragraph "text"
        if first is not None:
            self.append(first)

    def append(self, line: str) -> None:
        self.lines.append(line)
        found = _content(line)
        rest = found[1] if found else ""
        if self._fence is not None:
            if found and rest.startswith(self._fence) and not rest.strip(self._fence[0] + " \t"):
                self._fence = None
            self._last = "block"
        elif _blank(line):
            self._last = "blank"
        elif found and (opening := _fence_opening(rest)):
            self._fence, self._last = opening.group(1), "block"
        elif found and (_ATX.match(rest) or _THEMATIC.match(rest)):
            self._last = "block"
        else:
            self._last = "text"

    @property
    def ends_in_paragraph(self) -> bool:
        return self._fence is None and self._last == "text"


# -- blocks ---------------------------------------------------------------------------------------


def _blocks(lines: list[str], depth: int) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _blank(line):
            index += 1
            continue
        found = _content(line)
        if found is None:
            block, index = _indented_code(lines, index)
        else:
            block, index = _leaf_or_container(lines, index, depth, *found)
        blocks.append(block)
    return blocks


def _leaf_or_container(lines: list[str], index: int, depth: int, columns: int, rest: str) -> tuple[Block, int]:
    if opening := _fence_opening(rest):
        return _fenced_code(lines, index, columns, opening)
    if match := _ATX.match(rest):
        text = _ATX_CLOSING.sub("", (match.group(2) or "").strip(" \t")).strip(" \t")
        return Heading(len(match.group(1)), parse_inlines(text)), index + 1
    if _THEMATIC.match(rest):
        return HorizontalRule(), index + 1
    if depth >= MAX_CONTAINER_DEPTH:
        return _paragraph(lines, index)
    if rest.startswith(">"):
        return _blockquote(lines, index, depth)
    if (marker := _list_marker(lines[index])) is not None:
        return _list(lines, index, marker, depth)
    return _paragraph(lines, index)


def _indented_code(lines: list[str], index: int) -> tuple[Block, int]:
    body: list[str] = []
    while index < len(lines) and (_blank(lines[index]) or _indent(lines[index]) >= 4):
        body.append(_strip(lines[index], 4))
        index += 1
    while body and _blank(body[-1]):
        body.pop()
    return CodeBlock("\n".join(body)), index


def _fenced_code(lines: list[str], index: int, columns: int, opening: re.Match[str]) -> tuple[Block, int]:
    fence = opening.group(1)
    closing = re.compile(re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    body: list[str] = []
    index += 1
    while index < len(lines):
        line = lines[index]
        found = _content(line)
        index += 1
        if found is not None and closing.match(found[1]):
            break
        body.append(_strip(line, columns))
    language = _unescape(opening.group(2).strip(" \t")) or None
    return CodeBlock("\n".join(body), language), index


def _blockquote(lines: list[str], index: int, depth: int) -> tuple[Block, int]:
    inner = _Collected()
    while index < len(lines):
        line = lines[index]
        found = _content(line)
        if found is not None and found[1].startswith(">"):
            # The marker, then one optional column of space.
            inner.append(_strip(found[1][1:], 1, found[0] + 1))
        elif inner.lines and _may_continue_lazily(inner, line):
            inner.append(line)
        else:
            break
        index += 1
    return Blockquote(tuple(_blocks(inner.lines, depth + 1))), index


def _same_list(first: _Marker, other: _Marker) -> bool:
    return first.kind == other.kind


def _list(lines: list[str], index: int, marker: _Marker, depth: int) -> tuple[Block, int]:
    first_marker = marker
    items: list[ListItem] = []
    while True:
        inner = _Collected(marker.first)
        index += 1
        # An item may begin with one blank line, not two: "-" then a blank line is an empty item.
        empty = not marker.first and (index >= len(lines) or _blank(lines[index]))
        while not empty and index < len(lines):
            line = lines[index]
            if _blank(line):
                inner.append(_strip(line, marker.indent) if _indent(line) >= marker.indent else "")
            elif _indent(line) >= marker.indent:
                inner.append(_strip(line, marker.indent))
            elif _may_continue_lazily(inner, line):
                inner.append(line)
            else:
                break
            index += 1
        body = inner.lines
        while len(body) > 1 and _blank(body[-1]):
            body.pop()
        items.append(ListItem(tuple(_blocks(body, depth + 1))))
        while index < len(lines) and _blank(lines[index]):
            index += 1
        following = _list_marker(lines[index]) if index < len(lines) else None
        if following is None or not _same_list(first_marker, following):
            break
        marker = following
    if first_marker.start is None:
        return BulletList(tuple(items)), index
    return OrderedList(tuple(items), first_marker.start), index


def _paragraph(lines: list[str], index: int) -> tuple[Block, int]:
    raw = [lines[index].lstrip(" \t")]
    index += 1
    while index < len(lines):
        line = lines[index]
        if _blank(line):
            break
        found = _content(line)
        if found is not None and _SETEXT.match(found[1]):
            level = 1 if found[1].startswith("=") else 2
            return Heading(level, parse_inlines("\n".join(raw).strip(" \t"))), index + 1
        if _interrupts_paragraph(line):
            break
        raw.append(line.lstrip(" \t"))
        index += 1
    raw[-1] = raw[-1].rstrip(" \t")
    text = "\n".join("" if line.strip(" \t") == EMPTY_PARAGRAPH else line for line in raw)
    return Paragraph(parse_inlines(text)), index
