"""``GET /objects/{slug}/{record_id}``: a record's page in the web app, as a demo.

The real server's web app shows a record at ``/objects/<slug>/<id>`` on its own address (its
search answer links records there: ``"url": "/objects/people/<id>"``), behind the web app's
sign-in. The client's "Open … on the server" sends the browser there (``AriaBackend.
record_web_url_templates``). The sandbox answers that address with a minimal HTML page — the
record's title, its object, and each attribute's value as text — so the demo leads somewhere real.

It is a demo page, not the web app: a browser has no API key, so the page asks for none, the way
``/login`` does not. The sandbox listens on loopback only (``SandboxServer``), and shows nothing
here that the API does not. Every text from the data is HTML-escaped; the page loads and runs
nothing (a Content-Security-Policy of ``default-src 'none'``), and an unknown object or record is
a 404 page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import tzinfo
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from crmdesk.model import ObjectDef, Record, record_title
from crmdesk.model.values import display_text, elements
from crmdesk.sandbox.core import Core, NotFound

PATH = "/objects/{slug}/{record_id}"

HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                               "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}

STYLE = ("body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem}"
         "th{text-align:left;font-weight:500;color:#666;padding:.25rem 1rem .25rem 0;vertical-align:top}"
         "td{padding:.25rem 0}p.note{color:#666;font-size:13px}")


class _Titles:
    """What the values' text needs from outside them: other records' titles, members' names."""

    def __init__(self, core: Core, record: Record, obj: ObjectDef) -> None:
        ids = [str(item) for attr in obj.attributes for item in elements(record.values.get(attr.slug))]
        self.refs = core.records.refs_of(ids)
        self.names: dict[str, str] = {}
        for member in core.workspace.members():
            self.names[str(member["user_id"])] = self.names[str(member["id"])] = str(member["name"] or member["email"])

    def record_title(self, record_id: str) -> str | None:
        ref = self.refs.get(record_id)
        return None if ref is None else ref.title

    def member_name(self, member_id: str) -> str | None:
        return self.names.get(member_id)

    @property
    def tz(self) -> tzinfo | None:
        return None


def page_html(core: Core, obj: ObjectDef, record: Record) -> str:
    titles = _Titles(core, record, obj)
    rows = []
    for attr in obj.attributes:
        text = display_text(attr, record.values.get(attr.slug), titles).strip()
        if text:
            rows.append(f"<tr><th>{escape(attr.title)}</th><td>{escape(text)}</td></tr>")
    title = escape(record_title(obj, record.values))
    table = f"<table>{''.join(rows)}</table>" if rows else "<p>No values yet.</p>"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<style>{STYLE}</style></head><body><p>{escape(obj.singular_name or obj.slug)}</p><h1>{title}</h1>'
            f'{table}<p class="note">A crmdesk sandbox: this page stands in for the server\'s web app.</p>'
            "</body></html>")


def not_found_html() -> str:
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
            "<body><h1>Not found</h1><p>No such record in this sandbox.</p></body></html>")


def record_page(core: Core) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint for ``PATH`` over ``core``."""

    async def page(request: Request) -> Response:
        slug, record_id = request.path_params["slug"], request.path_params["record_id"]
        try:
            obj = core.schema.object_def(slug)
            record = core.records.get(slug, record_id)
        except NotFound:
            return HTMLResponse(not_found_html(), status_code=404, headers=HEADERS)
        return HTMLResponse(page_html(core, obj, record), headers=HEADERS)

    return page
