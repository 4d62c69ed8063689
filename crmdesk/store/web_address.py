"""Where a record can be seen in the server's own web app, when the workspace file knows.

A server that gives its records a web address does so per object: Attio's ``web_url`` is
``https://app.attio.com/<workspace>/person/<id>`` for a record of ``people`` (a segment that is
not the object's slug), an Aria server's page is ``<server>/objects/<slug>/<id>``. The sync keeps
what the dialect tells in the ``meta`` table (``WEB_URL_META``) as a JSON object, object slug →
template with ``{id}`` in it (``{"people": "https://app.attio.com/acme/person/{id}/overview"}``).
An object without a template: no address, and the UI offers no "Open on the server" for its
records. Only http(s) templates are believed: the address goes to the browser.

The key's first form, one text template with ``{object}`` and ``{id}`` for every object (a file
synced before templates were per object), is still read until a sync replaces it with the JSON
object (``merged_templates`` keeps nothing of it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote

from crmdesk.model import is_local_id
from crmdesk.store.schema_repo import SchemaRepo

WEB_URL_META = "record_web_url_template"


def believable(template: object) -> bool:
    """An http(s) address with ``{id}`` to fill: what may go to the browser."""
    return isinstance(template, str) and template.startswith(("https://", "http://")) and "{id}" in template


def parse_templates(text: str | None) -> dict[str, str]:
    """The per-object templates kept in ``text`` (the meta value); the believable ones only. The
    first, single-template form, damage or anything else: none."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {slug: template for slug, template in data.items() if slug and believable(template)}


def templates_json(templates: Mapping[str, str]) -> str:
    """The meta value for ``templates``: one text for the same templates, whatever their order."""
    return json.dumps(dict(templates), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def merged_templates(kept: str | None, learned: Mapping[str, str]) -> str | None:
    """The meta value after a sync learned ``learned`` (object slug → template): what was kept for
    objects it did not tell, its own for those it did (the unbelievable left out). None: nothing to
    write, the kept value says the same already (or nothing was learned)."""
    fresh = {slug: template for slug, template in learned.items() if slug and believable(template)}
    if not fresh:
        return None
    current = parse_templates(kept)
    merged = {**current, **fresh}
    if merged == current and kept == templates_json(current):
        return None
    return templates_json(merged)


def record_web_address(schema: SchemaRepo, object_slug: str, record_id: str) -> str | None:
    """The address of record ``record_id`` of ``object_slug`` in the server's web app, or None
    (none for a record made offline: the server has no page for it until it is pushed)."""
    if is_local_id(record_id):
        return None
    kept = schema.get_meta(WEB_URL_META)
    ident = quote(record_id, safe="")
    template = parse_templates(kept).get(object_slug)
    if template is not None:
        return template.replace("{id}", ident)
    # The first form: one template for every object, with the object's slug in it.
    if kept is not None and believable(kept) and "{object}" in kept:
        return kept.replace("{object}", quote(object_slug, safe="")).replace("{id}", ident)
    return None
