"""Which link addresses crmdesk lets through: web and mail addresses only.

A note's links come from whoever wrote it. An address such as ``javascript:…`` or ``file:…``
must neither open from crmdesk nor travel on to the web app as a link (where a click would run
it), so both the UI and the TipTap writer ask here. Standard library only: the model has no Qt.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(href: str) -> bool:
    """Whether ``href`` is an http, https or mailto address (its scheme read as a browser would:
    leading spaces and control characters, tabs and line ends inside, do not hide it)."""
    try:
        scheme = urlsplit(href).scheme
    except ValueError:  # a malformed address (an unclosed ``[`` in its host, say) is no link
        return False
    return scheme.lower() in SAFE_LINK_SCHEMES
