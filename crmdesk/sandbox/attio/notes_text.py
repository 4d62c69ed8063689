"""A note's stored content → Attio's ``content_markdown`` and ``content_plaintext``.

The core keeps content as it was written: the demo's notes are TipTap documents (as the Aria
web app writes them), read by ``crmdesk.model.rich_text.tiptap_read`` as the Aria client reads
them; notes written through this facade are markdown strings (plaintext ones are turned into
markdown that reads as the same text).
"""

from __future__ import annotations

from typing import Any

from crmdesk.model.rich_text import Doc, Paragraph, Text, markdown_plain_text, normalise, to_markdown
from crmdesk.model.rich_text.tiptap_read import document_of, is_document


def markdown_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if is_document(content):
        return to_markdown(document_of(content))
    return str(content)


def markdown_of_plaintext(text: str) -> str:
    """Plain text as markdown that reads as the same words (its markdown characters escaped)."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    return to_markdown(normalise(Doc(tuple(Paragraph((Text(p),)) for p in paragraphs if p.strip()))))


def texts(content: Any) -> tuple[str, str]:
    """(markdown, plaintext) of stored content."""
    markdown = markdown_of(content)
    return markdown, markdown_plain_text(markdown)
