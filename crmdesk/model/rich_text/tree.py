"""The rich-text document tree: what a note holds once its markdown (or a dialect's rich
format) is read. Frozen values, so two trees compare (and hash) by content.

``normalise`` puts any tree in the one form the markdown writer and reader agree on exactly;
``parse_markdown`` always answers a normal tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: Commonmark allows at most nine digits in an ordered list's first number.
MAX_LIST_START = 999_999_999
REPLACEMENT = "\ufffd"
#: Control characters that readers of markdown disagree on (or drop): in text they read as U+FFFD.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class Mark(StrEnum):
    BOLD = "bold"
    ITALIC = "italic"
    STRIKE = "strike"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text with its marks; ``href`` is the link mark (a run is in one link at most)."""

    text: str
    marks: frozenset[Mark] = frozenset()
    href: str | None = None


@dataclass(frozen=True, slots=True)
class HardBreak:
    pass


Inline = Text | HardBreak


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class HorizontalRule:
    pass


@dataclass(frozen=True, slots=True)
class Blockquote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1


Block = Paragraph | Heading | CodeBlock | HorizontalRule | Blockquote | BulletList | OrderedList


@dataclass(frozen=True, slots=True)
class Doc:
    blocks: tuple[Block, ...] = ()


# -- the normal form ----------------------------------------------------------------------------


def _clean(text: str) -> str:
    # NUL cannot travel through markdown (Commonmark reads it as U+FFFD), nor through most servers.
    return text.replace("\x00", REPLACEMENT)


def _clean_inline(text: str) -> str:
    return _CONTROLS.sub(REPLACEMENT, text)


def normalise_inlines(inlines: tuple[Inline, ...] | list[Inline]) -> tuple[Inline, ...]:
    """No empty runs, neighbours with the same marks merged, line ends as hard breaks."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, HardBreak):
            out.append(inline)
            continue
        # A line end inside a run is a hard break: a tree's text runs are single lines.
        pieces = _clean_inline(inline.text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, piece in enumerate(pieces):
            if number:
                out.append(HardBreak())
            if not piece:
                continue
            href = None if inline.href is None else _clean_inline(inline.href)
            previous = out[-1] if out else None
            if isinstance(previous, Text) and previous.marks == inline.marks and previous.href == href:
                out[-1] = Text(previous.text + piece, previous.marks, href)
            else:
                out.append(Text(piece, frozenset(inline.marks), href))
    return tuple(out)


def _language(language: str | None) -> str | None:
    if language is None:
        return None
    # An info string is one line, read without its outer spaces.
    cleaned = " ".join(_clean(language).splitlines()).strip()
    return cleaned or None


def normalise_block(block: Block) -> tuple[Block, ...]:
    """A block in normal form (none for a list without items)."""
    if isinstance(block, Paragraph):
        return (Paragraph(normalise_inlines(block.inlines)),)
    if isinstance(block, Heading):
        return (Heading(min(max(int(block.level), 1), 6), normalise_inlines(block.inlines)),)
    if isinstance(block, CodeBlock):
        text = _clean(block.text).replace("\r\n", "\n").replace("\r", "\n")
        return (CodeBlock(text, _language(block.language)),)
    if isinstance(block, HorizontalRule):
        return (block,)
    if isinstance(block, Blockquote):
        return (Blockquote(normalise_blocks(block.blocks) or (Paragraph(),)),)
    items = tuple(ListItem(normalise_blocks(item.blocks) or (Paragraph(),)) for item in block.items)
    if not items:
        return ()
    if isinstance(block, BulletList):
        return (BulletList(items),)
    return (OrderedList(items, min(max(int(block.start), 0), MAX_LIST_START)),)


def normalise_blocks(blocks: tuple[Block, ...] | list[Block]) -> tuple[Block, ...]:
    return tuple(normal for block in blocks for normal in normalise_block(block))


def normalise(doc: Doc) -> Doc:
    return Doc(normalise_blocks(doc.blocks))


# -- plain text ----------------------------------------------------------------------------------


def inline_text(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text if isinstance(i, Text) else "\n" for i in inlines)


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph | Heading):
        return inline_text(block.inlines).split("\n")
    if isinstance(block, CodeBlock):
        return block.text.split("\n")
    if isinstance(block, HorizontalRule):
        return ["———"]
    if isinstance(block, Blockquote):
        return [line for inner in block.blocks for line in _block_lines(inner)]
    lines: list[str] = []
    for number, item in enumerate(block.items):
        marker = "•" if isinstance(block, BulletList) else f"{block.start + number}."
        inner = [line for child in item.blocks for line in _block_lines(child)]
        lines += [f"{marker} {inner[0]}", *("  " + rest for rest in inner[1:])] if inner else [marker]
    return lines


def plain_text(doc: Doc) -> str:
    """What a reader sees, without formatting: one line per paragraph line, list items marked."""
    return "\n".join(line for block in doc.blocks for line in _block_lines(block))
