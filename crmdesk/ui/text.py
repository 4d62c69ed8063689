"""Showing user and server text safely: always as plain text, never as markup."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """Tooltips render anything that looks like HTML as rich text; this shows the characters."""
    if not text:
        return ""
    return "<qt><p style='white-space:pre-wrap'>" + html.escape(text) + "</p></qt>"
