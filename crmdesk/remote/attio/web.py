"""A record's web address: the pattern of Attio's ``web_url``, learnt per object from its records.

Every record answer carries ``web_url``, the record's page in Attio's web app. The spec's example
is ``https://app.attio.com/salarya/person/<record id>``: the workspace's slug, a segment naming the
object (``person`` for the ``people`` object: neither its slug nor its id, and nothing in the
object's answer says it), the record id. So the client learns one template per object from its
records read: a record's own address with its id replaced by ``{id}``, everything else kept as it
came (the object's segment, a path after the id such as ``/overview``, a query), and learns it
again from a record whose address the kept one does not fill to.
The UI fills it with another record id of the same object (``crmdesk.store.web_address``).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlsplit, urlunsplit

#: In ``web_patterns``: an object whose ``web_url`` does not follow a pattern the UI can fill.
UNFILLABLE = ""


def web_url_template(web_url: object, record_id: str) -> str:
    """The template of ``web_url`` (the address of record ``record_id``), or ``UNFILLABLE``: not an
    http(s) address, braces in it already, or not exactly one path segment that is the record's
    id (no address beats a wrong one)."""
    if not isinstance(web_url, str) or "{" in web_url or "}" in web_url:
        return UNFILLABLE
    try:
        parts = urlsplit(web_url)
    except ValueError:
        return UNFILLABLE
    if parts.scheme not in ("http", "https") or not parts.netloc or not record_id:
        return UNFILLABLE
    segments = parts.path.split("/")
    ident = quote(record_id, safe="")
    at = [i for i, segment in enumerate(segments) if segment == ident]
    if len(at) != 1:
        return UNFILLABLE
    segments[at[0]] = "{id}"
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), parts.query, parts.fragment))


def relearnt(known: str | None, web_url: object, record_id: str) -> str | None:
    """The template to keep for an object after reading one of its records: None when ``known``
    filled with the record's id is its ``web_url`` already (the usual case, a string compare),
    else the record's own (an object renamed in the web app changes its segment)."""
    if known and isinstance(web_url, str) and known.replace("{id}", quote(record_id, safe="")) == web_url:
        return None
    fresh = web_url_template(web_url, record_id)
    return None if fresh == known else fresh


def fillable(patterns: Mapping[str, str]) -> dict[str, str]:
    """Object slug → template, for the objects whose records' address the UI can fill."""
    return {slug: template for slug, template in patterns.items() if template != UNFILLABLE}
