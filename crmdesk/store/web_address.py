"""Where a record can be seen in the server's own web app, when the workspace file knows.

A server that gives its records a web address (Attio's ``web_url``) follows one pattern per
workspace; the sync that learns it keeps it in the ``meta`` table as a template with
``{object}`` and ``{id}`` in it. No template: no address, and the UI offers no "Open on the
server". Only http(s) templates are believed: the address goes to the browser.
"""

from __future__ import annotations

from urllib.parse import quote

from crmdesk.store.schema_repo import SchemaRepo

WEB_URL_META = "record_web_url_template"


def record_web_address(schema: SchemaRepo, object_slug: str, record_id: str) -> str | None:
    template = schema.get_meta(WEB_URL_META) or ""
    if not template.startswith(("https://", "http://")) or "{id}" not in template:
        return None
    return template.replace("{object}", quote(object_slug, safe="")).replace("{id}", quote(record_id, safe=""))
