"""TipTap (ProseMirror) JSON → the rich-text tree: the documents a web app built on TipTap
writes (Aria's notes, and the sandbox's demo notes in the same shape).

Reading never fails: a node or mark this client does not know (or whose ``type`` is not even a
string) shows its text (an atom such as an image or a mention shows its label), and a top-level
node that would read as nothing (an empty list) shows its label rather than vanish.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crmdesk.model.rich_text.block_write import to_markdown
from crmdesk.model.rich_text.tree import (
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
    normalise,
    normalise_blocks,
)

_MARK_NAMES = {mark.value: mark for mark in Mark}
#: TipTap nodes nested deeper than this read as their text (each level is a recursion).
MAX_NODE_DEPTH = 40
#: What a top-level node that reads as nothing shows when it has no type to name it by.
_UNKNOWN_LABEL = "[unknown]"
#: Attributes that name what an atom (image, mention…) shows, in order of preference.
_LABEL_ATTRS = ("label", "alt", "title", "text", "name")


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
        nodes = child_nodes(content)
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


def child_nodes(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The nodes in ``node``'s ``content`` (anything there that is not an object is skipped)."""
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
        block = Paragraph(_inlines(child_nodes(node)))
    elif kind == "heading":
        block = Heading(_int_attr(node, "level", 1), _inlines(child_nodes(node)))
    elif kind == "codeBlock":
        language = _attr(node, "language")
        text = "".join(_plain(child) for child in child_nodes(node))
        block = CodeBlock(text, language if isinstance(language, str) else None)
    elif kind == "horizontalRule":
        block = HorizontalRule()
    elif kind == "blockquote":
        block = Blockquote(_blocks(child_nodes(node), depth + 1))
    elif kind in ("bulletList", "orderedList"):
        items = tuple(_item(child, depth + 1) for child in child_nodes(node))
        block = BulletList(items) if kind == "bulletList" else OrderedList(items, _int_attr(node, "start", 1))
    elif kind == "listItem":
        return normalise_blocks(_blocks(child_nodes(node), depth + 1))
    else:
        return _unknown_block(node, depth)
    return normalise_blocks((block,))


def _blocks(nodes: Sequence[Mapping[str, Any]], depth: int) -> tuple[Block, ...]:
    return tuple(block for node in nodes for block in _node_blocks(node, depth))


def _item(node: Mapping[str, Any], depth: int) -> ListItem:
    if _kind(node) == "listItem":
        return ListItem(_blocks(child_nodes(node), depth + 1))
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
    children = child_nodes(node)
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
            stack.extend(reversed(child_nodes(current)))
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
                stack.extend((child, False) for child in reversed(child_nodes(node)))
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
        elif child_nodes(node):
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


__all__ = ["MAX_NODE_DEPTH", "blocks_of", "child_nodes", "document_of", "is_document", "markdown_of",
           "plain_text_of"]
