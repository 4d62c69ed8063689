"""A document tree → markdown that ``parse_markdown`` reads back as the same tree.

Blocks are separated by one blank line; containers prefix their lines (``> `` for quotes, the
marker's width for list items). Sibling lists of one kind alternate their marker (``-``/``+``,
``.``/``)``), since Commonmark would otherwise join them into one list.
"""

from __future__ import annotations

import re

from crmdesk.model.rich_text.block_parse import EMPTY_PARAGRAPH
from crmdesk.model.rich_text.chars import REFERENCE_SHAPE
from crmdesk.model.rich_text.inline_write import write_heading_text, write_paragraph
from crmdesk.model.rich_text.tree import (
    MAX_LIST_START,
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
    normalise,
)

_RULE = "---"
#: A rule right after a "- " marker would read as one longer rule: spell it with asterisks.
_RULE_AFTER_DASH = "***"


def to_markdown(doc: Doc) -> str:
    """The markdown of ``doc`` (normalised first)."""
    return "\n".join(_blocks(normalise(doc).blocks))


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    previous_marker = ""  # the marker of the previous sibling, when it was a list
    for block in blocks:
        if lines:
            lines.append("")
        marker = ""
        if isinstance(block, BulletList):
            marker = "+" if previous_marker == "-" else "-"
        elif isinstance(block, OrderedList):
            marker = ")" if previous_marker == "." else "."
        lines += _block(block, marker)
        previous_marker = marker
    return lines


def _block(block: Block, marker: str) -> list[str]:
    if isinstance(block, Paragraph):
        if not block.inlines:
            return [EMPTY_PARAGRAPH]
        lines = write_paragraph(block.inlines)
        # A final hard break needs a line after it (a "\" that ends a paragraph is a backslash).
        return [*lines[:-1], EMPTY_PARAGRAPH] if lines[-1] == "" else lines
    if isinstance(block, Heading):
        text = write_heading_text(block.inlines)
        return ["#" * block.level + (" " + text if text else "")]
    if isinstance(block, CodeBlock):
        return _code_block(block)
    if isinstance(block, HorizontalRule):
        return [_RULE]
    if isinstance(block, Blockquote):
        return [f"> {line}" if line else ">" for line in _blocks(block.blocks)]
    if isinstance(block, BulletList):
        return [line for item in block.items for line in _item(item, marker)]
    return [
        line
        for number, item in enumerate(block.items)
        for line in _item(item, f"{min(block.start + number, MAX_LIST_START)}{marker}")
    ]


def _item(item: ListItem, marker: str) -> list[str]:
    lines = _blocks(item.blocks)
    if marker == "-" and lines[0] == _RULE:
        lines[0] = _RULE_AFTER_DASH
    pad = " " * (len(marker) + 1)
    return [f"{marker} {lines[0]}", *(pad + line if line else "" for line in lines[1:])]


def _code_block(block: CodeBlock) -> list[str]:
    language = block.language or ""
    char = "~" if "`" in language else "`"
    longest = max((len(m.group()) for m in re.finditer(re.escape(char) + "+", block.text)), default=0)
    fence = char * max(3, longest + 1)
    info = "".join(
        "\\" + c if c == "\\" or (c == "&" and REFERENCE_SHAPE.match(language, i)) or (i == 0 and c == char) else c
        for i, c in enumerate(language)
    )
    body = block.text.split("\n") if block.text else []
    return [fence + info, *body, fence]
