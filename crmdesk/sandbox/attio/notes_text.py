"""A note's stored content → Attio's ``content_markdown`` and ``content_plaintext``.

The core keeps content as it was written: the demo's notes are TipTap documents (as the Aria
web app writes them), notes written through this facade are markdown strings (plaintext ones
are turned into markdown that reads as the same text). Only the node kinds the demo writes
need to be read well; anything else shows its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model.rich_text import (
    Block,
    BulletList,
    Doc,
    HardBreak,
    Heading,
    Inline,
    ListItem,
    Mark,
    OrderedList,
    Paragraph,
    Text,
    markdown_plain_text,
    normalise,
    to_markdown,
)

_MARKS = {"bold": Mark.BOLD, "italic": Mark.ITALIC, "strike": Mark.STRIKE, "code": Mark.CODE}


def _children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    content = node.get("content")
    return [c for c in content if isinstance(c, Mapping)] if isinstance(content, list) else []


def _inlines(nodes: list[Mapping[str, Any]]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        if node.get("type") == "hardBreak":
            out.append(HardBreak())
            continue
        marks = [m for m in node.get("marks") or [] if isinstance(m, Mapping)]
        href = next((m.get("attrs", {}).get("href") for m in marks if m.get("type") == "link"), None)
        kinds = frozenset(_MARKS[m["type"]] for m in marks if m.get("type") in _MARKS)
        out.append(Text(str(node.get("text") or _plain(node)), kinds, href if isinstance(href, str) else None))
    return tuple(out)


def _plain(node: Mapping[str, Any]) -> str:
    return "".join(str(c.get("text") or _plain(c)) for c in _children(node))


def _blocks(node: Mapping[str, Any]) -> list[Block]:
    kind = node.get("type")
    if kind == "heading":
        level = (node.get("attrs") or {}).get("level", 1)
        return [Heading(level if isinstance(level, int) else 1, _inlines(_children(node)))]
    if kind in ("bulletList", "orderedList"):
        items = tuple(ListItem(tuple(b for child in _children(item) for b in _blocks(child)))
                      for item in _children(node))
        if kind == "bulletList":
            return [BulletList(items)]
        start = (node.get("attrs") or {}).get("start", 1)
        return [OrderedList(items, start if isinstance(start, int) else 1)]
    if kind == "paragraph":
        return [Paragraph(_inlines(_children(node)))]
    return [Paragraph((Text(_plain(node)),))]


def markdown_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Mapping) and content.get("type") == "doc":
        return to_markdown(normalise(Doc(tuple(b for node in _children(content) for b in _blocks(node)))))
    return str(content)


def markdown_of_plaintext(text: str) -> str:
    """Plain text as markdown that reads as the same words (its markdown characters escaped)."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    return to_markdown(normalise(Doc(tuple(Paragraph((Text(p),)) for p in paragraphs if p.strip()))))


def texts(content: Any) -> tuple[str, str]:
    """(markdown, plaintext) of stored content."""
    markdown = markdown_of(content)
    return markdown, markdown_plain_text(markdown)
