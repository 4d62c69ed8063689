"""A record's web address: the pattern of Attio's ``web_url``, learnt from the records read.

Every record answer carries ``web_url``, the record's page in Attio's web app. The spec's example
is ``https://app.attio.com/salarya/person/<record id>``: the workspace's slug, a segment naming the
object, the record id. The client keeps one pattern per workspace, with ``{object}`` and ``{id}``
in it, that the UI fills from a record's object slug and id (``crmdesk.store.web_address``).
So a pattern is only believed when, for every object whose records were read, the segment before
the record id *is* the object's slug: the spec's own example names the ``people`` object
``person`` (neither its slug nor its id), and a pattern filled with ``people`` there would send
the user to a page that is not the record's. Such a workspace gets no pattern: no address beats a
wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlsplit

#: In ``web_patterns``: an object whose ``web_url`` does not follow a pattern the UI can fill.
UNFILLABLE = ""


def web_url_template(web_url: object, object_slug: str, record_id: str) -> str:
    """The pattern of ``web_url`` (the address of record ``record_id`` of ``object_slug``), or
    ``UNFILLABLE``: not an http(s) address, or no ``…/<object slug>/<record id>`` in its path."""
    if not isinstance(web_url, str) or "{" in web_url or "}" in web_url:
        return UNFILLABLE
    try:
        parts = urlsplit(web_url)
    except ValueError:
        return UNFILLABLE
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return UNFILLABLE
    segments = parts.path.split("/")
    slug, ident = quote(object_slug, safe=""), quote(record_id, safe="")
    for at in range(1, len(segments)):
        if segments[at] == ident and segments[at - 1] == slug:
            path = "/".join([*segments[:at - 1], "{object}", "{id}", *segments[at + 1:]])
            template = f"{parts.scheme}://{parts.netloc}{path}"
            if parts.query:
                template += f"?{parts.query}"
            return template
    return UNFILLABLE


def one_pattern(patterns: Iterable[str]) -> str | None:
    """The workspace's pattern: the one every object read follows, else None (none read, one
    object's address unfillable, or objects that disagree)."""
    found = set(patterns)
    if len(found) != 1 or UNFILLABLE in found:
        return None
    return found.pop()
