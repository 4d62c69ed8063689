"""``POST /v2/objects/records/search``: records whose title or text holds the query, in the objects
asked for. The core's search index is the Aria facade's too; Attio's own ranking is not known, so
hits come most recently changed first."""

from __future__ import annotations

from typing import Any

from crmdesk.sandbox.attio.errors import invalid
from crmdesk.sandbox.attio.http import Ctx, body_int

MAX_HITS = 25
MAX_QUERY = 256
#: Rows read from the index before the object filter: enough for 25 hits of one object among many.
_SCANNED = 2000


def search_records(ctx: Ctx) -> Any:
    body = ctx.body()
    query = body.get("query", "")
    if not isinstance(query, str) or len(query) > MAX_QUERY:
        raise invalid(f"query must be text of at most {MAX_QUERY} characters")
    wanted = body.get("objects")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(item, str) for item in wanted):
        raise invalid("objects must name at least one object by slug or ID")
    limit = max(1, body_int(body, "limit", MAX_HITS, MAX_HITS))
    names = ctx.names
    # ``objects`` is keyed by id and by slug: each name the request gives finds its object either way.
    slugs = {str(names.objects[name]["slug"]) for name in wanted if name in names.objects}
    hits = []
    for row in ctx.core.records.search(query.strip(), _SCANNED):
        if row["slug"] not in slugs:
            continue
        hits.append({
            "id": {"workspace_id": names.workspace_id, "object_id": names.object_id(row["slug"]),
                   "record_id": row["id"]},
            "record_text": row["title"] or "", "record_image": None, "object_slug": row["slug"],
        })
        if len(hits) >= limit:
            break
    return {"data": hits}
