"""Aria note content ↔ the rich-text tree: the TipTap (ProseMirror) JSON the team's web app
writes (tests/fixtures/aria-real/WEBSHAPE_*note*), and plain strings written through the API.

Reading never fails: a node or mark this client does not know (or whose ``type`` is not even a
string) shows its text (an atom such as an image or a mention shows its label), and a top-level
node that would read as nothing (an empty list) shows its label rather than vanish.

Writing produces the web app's own shape: marks in its schema's order (link, bold, code, italic,
strike), link attributes as it sets them, a code mark alone (TipTap's code mark excludes every
other mark), and links only to web and mail addresses.

A content edit keeps what crmdesk cannot express wherever the user did not touch it: the
edited markdown is read into blocks, and every top-level block of the note's current document
that reads as an unchanged block is sent back as its original JSON (``content_for_update``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    OrderedList,
    Paragraph,
    Text,
    is_safe_link,
    normalise,
    normalise_blocks,
    parse_markdown,
    to_markdown,
)
from crmdesk.model.rich_text.merge import merge_blocks

Json = dict[str, Any]

#: The web app's schema ranks marks in this order; ProseMirror writes them so.
_MARK_ORDER = (Mark.BOLD, Mark.CODE, Mark.ITALIC, Mark.STRIKE)
_MARK_NAMES = {mark.value: mark for mark in Mark}
#: What the web app's link extension stores besides the address, on every link it makes.
LINK_ATTRS: Mapping[str, Any] = MappingProxyType(
    {"target": "_blank", "rel": "noopener noreferrer nofollow", "class": None})
#: TipTap nodes nested deeper than this read as their text (each level is a recursion).
MAX_NODE_DEPTH = 40
#: What a top-level node that reads as nothing shows when it has no type to name it by.
_UNKNOWN_LABEL = "[unknown]"
#: Attributes that name what an atom (image, mention…) shows, in order of preference.
_LABEL_ATTRS = ("label", "alt", "title", "text", "name")


def empty_document() -> Json:
    """TipTap's empty document: one empty paragraph."""
    return {"type": "doc", "content": [{"type": "paragraph"}]}


def is_document(content: Any) -> bool:
    return isinstance(content, Mapping) and content.get("type") == "doc"


def markdown_of(content: Any) -> str:
    """A note's content as the model keeps it: markdown. ``null`` is empty, a string is read as
    markdown already (the API and older crmdesk versions wrote strings), JSON is a document."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, Mapping | list):
        return to_markdown(Doc((Paragraph((Text(str(content)),)),)))  # a number, say: its text
    return to_markdown(document_of(content))


# -- TipTap → tree ---------------------------------------------------------------------------------


def document_of(content: Any) -> Doc:
    """The tree of a TipTap document (or of a lone node, or a list of nodes)."""
    if is_document(content):
        nodes = _children(content)
    elif isinstance(content, list):
        nodes = [node for node in content if isinstance(node, Mapping)]
    elif isinstance(content, Mapping):
        nodes = [content]
    else:
        nodes = []
    doc = normalise(Doc(tuple(block for node in nodes for block in blocks_of(node))))
    # TipTap's empty document is one empty paragraph; the tree's is no blocks at all.
    return Doc() if doc.blocks == (Paragraph(),) else doc


def _kind(node: Mapping[str, Any]) -> str | None:
    """A node's (or mark's) type. Anything but a string is a type crmdesk does not know: a
    list or an object there must not stop the reading (a crash here would stop every sync)."""
    kind = node.get("type")
    return kind if isinstance(kind, str) else None


def _children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    content = node.get("content")
    return [child for child in content if isinstance(child, Mapping)] if isinstance(content, list) else []


def _attr(node: Mapping[str, Any], name: str) -> Any:
    attrs = node.get("attrs")
    return attrs.get(name) if isinstance(attrs, Mapping) else None


def _int_attr(node: Mapping[str, Any], name: str, default: int) -> int:
    value = _attr(node, name)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def blocks_of(node: Mapping[str, Any]) -> tuple[Block, ...]:
    """The blocks one top-level node reads as (normalised; usually one, never none)."""
    blocks = _node_blocks(node, 0)
    if blocks:
        return blocks
    # An empty list, or an unknown node holding only such, would otherwise vanish from what
    # crmdesk shows: like any unknown node, its label says that something is there.
    return normalise_blocks((Paragraph((Text(_label(node) or _UNKNOWN_LABEL),)),))


def _node_blocks(node: Mapping[str, Any], depth: int) -> tuple[Block, ...]:
    kind = _kind(node)
    block: Block
    if depth >= MAX_NODE_DEPTH:
        return normalise_blocks((Paragraph((Text(_plain(node)),)),))
    if kind == "paragraph":
        block = Paragraph(_inlines(_children(node)))
    elif kind == "heading":
        block = Heading(_int_attr(node, "level", 1), _inlines(_children(node)))
    elif kind == "codeBlock":
        language = _attr(node, "language")
        text = "".join(_plain(child) for child in _children(node))
        block = CodeBlock(text, language if isinstance(language, str) else None)
    elif kind == "horizontalRule":
        block = HorizontalRule()
    elif kind == "blockquote":
        block = Blockquote(_blocks(_children(node), depth + 1))
    elif kind in ("bulletList", "orderedList"):
        items = tuple(_item(child, depth + 1) for child in _children(node))
        block = BulletList(items) if kind == "bulletList" else OrderedList(items, _int_attr(node, "start", 1))
    elif kind == "listItem":
        return normalise_blocks(_blocks(_children(node), depth + 1))
    else:
        return _unknown_block(node, depth)
    return normalise_blocks((block,))


def _blocks(nodes: Sequence[Mapping[str, Any]], depth: int) -> tuple[Block, ...]:
    return tuple(block for node in nodes for block in _node_blocks(node, depth))


def _item(node: Mapping[str, Any], depth: int) -> ListItem:
    if _kind(node) == "listItem":
        return ListItem(_blocks(_children(node), depth + 1))
    return ListItem(_node_blocks(node, depth))  # something else inside a list: an item of its own


def _is_inline(node: Mapping[str, Any]) -> bool:
    kind = _kind(node)
    return kind in ("text", "hardBreak") or (
        kind not in _KNOWN_BLOCKS and "content" not in node and isinstance(node.get("text"), str))


_KNOWN_BLOCKS = frozenset({"paragraph", "heading", "codeBlock", "horizontalRule", "blockquote", "bulletList",
                           "orderedList", "listItem"})


def _unknown_block(node: Mapping[str, Any], depth: int) -> tuple[Block, ...]:
    """A node this client does not know (table, taskList, image, details…): its text shows —
    as the blocks inside it, as a paragraph of its inline content, or as its label."""
    children = _children(node)
    if children and not all(_is_inline(child) for child in children):
        return normalise_blocks(_blocks(children, depth + 1))
    if children:
        return normalise_blocks((Paragraph(_inlines(children)),))
    label = _label(node)
    return normalise_blocks((Paragraph((Text(label),)),)) if label else ()


def _label(node: Mapping[str, Any]) -> str:
    text = node.get("text")
    if isinstance(text, str) and text:
        return text
    for name in _LABEL_ATTRS:
        value = _attr(node, name)
        if isinstance(value, str) and value:
            return value
    kind = _kind(node)
    return f"[{kind}]" if kind else ""


def _plain(node: Mapping[str, Any]) -> str:
    """All the text inside ``node`` (hard breaks as line ends), however deep it nests."""
    out: list[str] = []
    stack: list[Mapping[str, Any]] = [node]
    while stack:
        current = stack.pop()
        text = current.get("text")
        if _kind(current) == "hardBreak":
            out.append("\n")
        elif isinstance(text, str):
            out.append(text)
        else:
            stack.extend(reversed(_children(current)))
    return "".join(out)


def plain_text_of(content: Any) -> str:
    """The words of ``content`` (any JSON), a line per block of text: what a reader can still be
    shown should a document not read any other way. Never raises (no recursion, no hashing)."""
    lines: list[str] = []
    line: list[str] = []
    stack: list[tuple[Any, bool]] = [(content, False)]  # (node, whether its children are done)
    while stack:
        node, done = stack.pop()
        if done:  # the text inside a node ends a line
            if line:
                lines.append("".join(line))
                line.clear()
        elif isinstance(node, list):
            stack.extend((child, False) for child in reversed(node))
        elif isinstance(node, Mapping):
            text = node.get("text")
            if _kind(node) == "hardBreak":
                line.append("\n")
            elif isinstance(text, str):
                line.append(text)
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(_children(node)))
    return "\n".join([*lines, "".join(line)] if line else lines)


def _inlines(nodes: Sequence[Mapping[str, Any]]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        kind = _kind(node)
        if kind == "hardBreak":
            out.append(HardBreak())
        elif kind == "text":
            text = node.get("text")
            if isinstance(text, str):
                out.append(_run(text, node))
        elif _children(node):
            out.append(_run(_plain(node), node))  # an unknown inline wrapper: its text
        else:
            out.append(_run(_label(node), node))  # a mention, an inline image…: its label
    return tuple(out)


def _run(text: str, node: Mapping[str, Any]) -> Text:
    marks: set[Mark] = set()
    href: str | None = None
    raw = node.get("marks")
    for mark in raw if isinstance(raw, list) else []:
        name = _kind(mark) if isinstance(mark, Mapping) else None
        if name == "link":
            value = _attr(mark, "href")
            href = value if isinstance(value, str) else href
        elif name is not None and name in _MARK_NAMES:
            marks.add(_MARK_NAMES[name])
        # other marks (underline, highlight, textStyle…) leave the text as it is
    return Text(text, frozenset(marks), href)


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
    originals = _children(current)
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
