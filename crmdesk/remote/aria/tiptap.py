"""Aria note content ↔ the rich-text tree: the TipTap (ProseMirror) JSON the team's web app
writes (tests/fixtures/aria-real/WEBSHAPE_*note*), and plain strings written through the API.

Reading (``markdown_of``, ``document_of``, ``blocks_of``, ``plain_text_of``) lives in
``crmdesk.model.rich_text.tiptap_read`` (the sandbox reads the same documents) and is re-exported
here: it never fails, whatever nodes and marks a document holds.

Writing produces the web app's own shape: marks in its schema's order (link, bold, code, italic,
strike), link attributes as it sets them, a code mark alone (TipTap's code mark excludes every
other mark), and links only to web and mail addresses.

A content edit keeps what crmdesk cannot express wherever the user did not touch it: the
edited markdown is read into blocks, and every top-level block of the note's current document
that reads as an unchanged block is sent back as its original JSON (``content_for_update``).
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import SequenceMatcher
from types import MappingProxyType
from typing import Any

from crmdesk.model.rich_text import (
    Block,
    Blockquote,
    BulletList,
    CodeBlock,
    Doc,
    HardBreak,
    Heading,
    HorizontalRule,
    Inline,
    ListItem,
    Mark,
    Paragraph,
    Text,
    is_safe_link,
    normalise,
    parse_markdown,
)
from crmdesk.model.rich_text.merge import merge_blocks
from crmdesk.model.rich_text.tiptap_read import (
    MAX_NODE_DEPTH,
    blocks_of,
    child_nodes,
    document_of,
    is_document,
    markdown_of,
    plain_text_of,
)

Json = dict[str, Any]

#: The web app's schema ranks marks in this order; ProseMirror writes them so.
_MARK_ORDER = (Mark.BOLD, Mark.CODE, Mark.ITALIC, Mark.STRIKE)
#: What the web app's link extension stores besides the address, on every link it makes.
LINK_ATTRS: Mapping[str, Any] = MappingProxyType(
    {"target": "_blank", "rel": "noopener noreferrer nofollow", "class": None})


def empty_document() -> Json:
    """TipTap's empty document: one empty paragraph."""
    return {"type": "doc", "content": [{"type": "paragraph"}]}


# -- tree → TipTap -----------------------------------------------------------------------------------


def document_json(doc: Doc) -> Json:
    """The web app's JSON for ``doc``."""
    blocks = [block_json(block) for block in normalise(doc).blocks]
    return {"type": "doc", "content": blocks} if blocks else empty_document()


def block_json(block: Block) -> Json:
    if isinstance(block, Paragraph):
        return _with_content({"type": "paragraph"}, _inlines_json(block.inlines))
    if isinstance(block, Heading):
        return _with_content({"type": "heading", "attrs": {"level": block.level}}, _inlines_json(block.inlines))
    if isinstance(block, CodeBlock):
        text = [{"type": "text", "text": block.text}] if block.text else []
        return _with_content({"type": "codeBlock", "attrs": {"language": block.language}}, text)
    if isinstance(block, HorizontalRule):
        return {"type": "horizontalRule"}
    if isinstance(block, Blockquote):
        return {"type": "blockquote", "content": [block_json(b) for b in block.blocks]}
    items = [_item_json(item) for item in block.items]
    if isinstance(block, BulletList):
        return {"type": "bulletList", "content": items}
    return {"type": "orderedList", "attrs": {"start": block.start}, "content": items}


def _item_json(item: ListItem) -> Json:
    content = [block_json(block) for block in item.blocks]
    if not isinstance(item.blocks[0], Paragraph):
        content.insert(0, {"type": "paragraph"})  # a TipTap list item begins with a paragraph
    return {"type": "listItem", "content": content}


def _with_content(node: Json, content: list[Json]) -> Json:
    if content:
        node["content"] = content
    return node


def _inlines_json(inlines: tuple[Inline, ...]) -> list[Json]:
    out: list[Json] = []
    for inline in inlines:
        if isinstance(inline, HardBreak):
            out.append({"type": "hardBreak"})
            continue
        node: Json = {"type": "text", "text": inline.text}
        marks = _marks_json(inline)
        if marks:
            node["marks"] = marks
        # Two runs that differ only by marks TipTap cannot hold together become one node.
        previous = out[-1] if out else None
        if previous is not None and previous.get("type") == "text" and previous.get("marks") == node.get("marks"):
            previous["text"] += inline.text
        else:
            out.append(node)
    return out


def _marks_json(run: Text) -> list[Json]:
    if Mark.CODE in run.marks:
        return [{"type": "code"}]
    marks: list[Json] = []
    # A link the web app would follow on a click only to a web or mail address: anything else
    # (``javascript:…``) is written as its text alone.
    if run.href is not None and is_safe_link(run.href):
        marks.append({"type": "link", "attrs": {"href": run.href, **LINK_ATTRS}})
    marks += [{"type": mark.value} for mark in _MARK_ORDER if mark in run.marks]
    return marks


# -- content edits that keep what crmdesk cannot show ---------------------------------------------------


class EditCrossed(Exception):
    """A colleague changed the same blocks of the note as the user's edit (``content_for_update``)."""


def content_for_update(markdown: str, current: Any, base: str | None = None) -> Json:
    """The document to send for ``markdown``, reusing the JSON of every top-level block of the
    ``current`` document that the edit left as it was (unknown nodes, attributes, spellings).

    ``base`` is the text the user's edit started from. When the server's note has changed since,
    the user's changes are laid onto the newer version block by block (a colleague's changes to
    other blocks are kept); when both changed the same blocks, ``EditCrossed`` is raised rather
    than either version overwritten.
    """
    edited = parse_markdown(markdown).blocks
    if not is_document(current):
        return document_json(Doc(edited))
    if base is not None:
        theirs = document_of(current).blocks
        before = parse_markdown(base).blocks
        if theirs != before:
            merged = merge_blocks(before, edited, theirs)
            if merged is None:
                raise EditCrossed()
            edited = merged
    originals = child_nodes(current)
    # Each original block and the tree blocks it reads as (an unknown container may read as several).
    readings = [blocks_of(node) for node in originals]
    flat = [(number, block) for number, blocks in enumerate(readings) for block in blocks]
    reused: dict[int, int] = {}  # edited block index → original block number
    matcher = SequenceMatcher(None, [block for _n, block in flat], list(edited), autojunk=False)
    for tag, old_start, old_end, new_start, _new_end in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(old_end - old_start):
                reused[new_start + offset] = flat[old_start + offset][0]
    _match_moved_blocks(readings, edited, reused)
    content: list[Json] = []
    index = 0
    while index < len(edited):
        number = reused.get(index)
        width = len(readings[number]) if number is not None else 0
        span = range(index, index + width)
        if number is not None and width and all(reused.get(i) == number for i in span):
            content.append(dict(originals[number]))  # untouched: exactly as the server has it
            index += width
        else:
            content.append(block_json(edited[index]))
            index += 1
    return {**current, "content": content} if content else empty_document()


def _match_moved_blocks(readings: list[tuple[Block, ...]], edited: tuple[Block, ...], reused: dict[int, int]) -> None:
    """Blocks the user moved rather than changed: pair them with an unused original one."""
    used = set(reused.values())
    spare: dict[Block, list[int]] = {}
    for number, blocks in enumerate(readings):
        if number not in used and len(blocks) == 1:
            spare.setdefault(blocks[0], []).append(number)
    for index, block in enumerate(edited):
        if index not in reused and spare.get(block):
            reused[index] = spare[block].pop(0)


__all__ = [
    "LINK_ATTRS",
    "MAX_NODE_DEPTH",
    "EditCrossed",
    "block_json",
    "blocks_of",
    "content_for_update",
    "document_json",
    "document_of",
    "empty_document",
    "is_document",
    "markdown_of",
    "plain_text_of",
]
