"""Rich text for notes: a small document tree and its markdown form.

The canonical content of a note is a ``str`` of markdown (what the note dialog edits, what a
``.md`` file holds, what plain-text dialects carry). ``parse_markdown`` reads it into a
``Doc``; ``to_markdown`` writes a ``Doc`` so that ``parse_markdown`` reads back the same tree,
and Commonmark/GitHub renderers show the same thing. Dialects with a rich format (Aria's
TipTap JSON) map their documents to and from the tree.
"""

from crmdesk.model.rich_text.block_parse import parse_markdown
from crmdesk.model.rich_text.block_write import to_markdown
from crmdesk.model.rich_text.links import SAFE_LINK_SCHEMES, is_safe_link
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
    plain_text,
)


def markdown_plain_text(markdown: str) -> str:
    """What a reader of ``markdown`` sees, without formatting (snippets, comparisons)."""
    return plain_text(parse_markdown(markdown))


def same_text(first: str, second: str) -> bool:
    """Whether two notes' markdown read as the same words (marks and spelling aside): a note
    read back from a server that stores another format may be spelt differently."""
    return markdown_plain_text(first) == markdown_plain_text(second)


__all__ = [
    "SAFE_LINK_SCHEMES",
    "Block",
    "Blockquote",
    "BulletList",
    "CodeBlock",
    "Doc",
    "HardBreak",
    "Heading",
    "HorizontalRule",
    "Inline",
    "ListItem",
    "Mark",
    "OrderedList",
    "Paragraph",
    "Text",
    "is_safe_link",
    "markdown_plain_text",
    "normalise",
    "normalise_blocks",
    "parse_markdown",
    "plain_text",
    "same_text",
    "to_markdown",
]
