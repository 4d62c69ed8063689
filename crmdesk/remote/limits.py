"""What the remote layer accepts from any server, in one place (docs/remote.md, "Limits against
any server"). The transport's byte and time limits live in ``TransportConfig``; these are about
what an answer holds.

Poison: text that no cache can hold or no screen can use — a lone surrogate (``"\\ud800"`` is valid
JSON, but not UTF-8: SQLite refuses it), a NUL character (C strings, and so many tools, end there)
and text longer than ``MAX_TEXT`` characters (10 MB of text is not a CRM value; it would cost
every sort, search and repaint). Such text is skipped with a warning that shows a short,
escaped preview of it, never the text itself.
"""

from __future__ import annotations

from typing import Any

#: The longest text kept from a server, in characters: a value, a title, a name, a note's content.
MAX_TEXT = 1_000_000
#: JSON nested deeper than this is refused whole: the API's answers nest a dozen levels (a TipTap
#: note a few dozen more), and Python code that walks a deeper tree would hit its recursion limit.
MAX_JSON_DEPTH = 200
#: Characters of a poisoned text shown in a log line.
PREVIEW = 40


def text_flaw(text: str) -> str | None:
    """What makes ``text`` poison, in words for a log line; None when it is fine."""
    if len(text) > MAX_TEXT:
        return f"text of {len(text):,} characters (more than {MAX_TEXT:,})"
    if "\x00" in text:
        return "a NUL character"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate (not Unicode text)"
    return None


def _fine(text: str) -> bool:
    """The common case of ``text_flaw(text) is None``, inlined for speed (every value of a pull)."""
    return len(text) <= MAX_TEXT and "\x00" not in text and (text.isascii() or text_flaw(text) is None)


def flaw(value: Any) -> str | None:
    """The first poisoned text anywhere in a decoded JSON value (keys included), or None.

    No recursion: the transport refuses JSON deeper than ``MAX_JSON_DEPTH`` anyway, but a value
    built by other code is walked just as safely."""
    if type(value) is str:  # most values: no walk
        return None if _fine(value) else f"{text_flaw(value)}: {preview(value)}"
    if not isinstance(value, (dict, list, tuple)):
        return None
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        items = (*node.keys(), *node.values()) if isinstance(node, dict) else node
        for item in items:
            if type(item) is str:
                # ``_fine`` inlined: a record's values are checked in one walk, a call per text adds up.
                if len(item) > MAX_TEXT or "\x00" in item or not (item.isascii() or text_flaw(item) is None):
                    return f"{text_flaw(item)}: {preview(item)}"
            elif isinstance(item, (dict, list, tuple)):
                stack.append(item)
            elif isinstance(item, str) and not _fine(item):  # a str subclass
                return f"{text_flaw(item)}: {preview(item)}"
    return None


def preview(text: str) -> str:
    """The start of ``text``, escaped (a lone surrogate or NUL shows as ``\\ud800``/``\\x00``)."""
    head = repr(text[:PREVIEW])
    return head + (f"… ({len(text):,} characters)" if len(text) > PREVIEW else "")


def json_depth_exceeds(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON nests lists and objects more than ``limit`` deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False
