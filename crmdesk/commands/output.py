"""How the workspace commands print records: ``--json`` for scripts, an aligned table for people.

The JSON shape is documented in the README ("Scripting") and kept stable: a record is
``{"id", "object", "title", "values", "display", "created_at", "updated_at", "pending"}`` where
``values`` holds each non-empty attribute's canonical value by slug (the store's own form: an
option's id, a record's id, ``{"amount", "currency"}``…) and ``display`` the same keys as the
window shows them. ``pending`` is true while the record has changes the server has not taken
(queued, being sent, refused or in conflict).

Everything printed comes from servers and users: control characters are escaped, so a record
named with terminal escape codes cannot drive the terminal that lists it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from crmdesk.model import AttributeDef, EntityKind, ObjectDef
from crmdesk.model.values import display_text
from crmdesk.store import RecordRow, Store
from crmdesk.store.display_context import StoreDisplayContext

#: Columns of ``records list`` besides the id and the title.
EXTRA_COLUMNS = 3
MAX_CELL = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: What json.dumps(ensure_ascii=False) leaves raw: DEL and the C1 controls (0x9b starts an escape).
_JSON_CONTROL = re.compile(r"[\x7f-\x9f]")


def plain(text: str) -> str:
    """One line of printable text: line breaks and tabs as spaces, other control codes escaped."""
    return _CONTROL.sub(lambda m: " " if m.group() in "\n\r\t" else f"\\x{ord(m.group()):02x}", text)


def record_json(obj: ObjectDef, row: RecordRow, pending: set[str], shown: StoreDisplayContext) -> dict[str, Any]:
    attrs = {a.slug: a for a in obj.attributes}
    values = {slug: value for slug, value in row.values.items() if slug in attrs and value is not None}
    return {
        "id": row.id,
        "object": obj.slug,
        "title": row.title,
        "values": values,
        "display": {slug: display_text(attrs[slug], value, shown) for slug, value in values.items()},
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "pending": row.id in pending,
    }


def pending_ids(store: Store) -> set[str]:
    """Records with anything in the outbox (any state: refused and held changes are not on the server)."""
    return {m.target_id for m in store.outbox.all() if m.entity is EntityKind.RECORD}


def dump_json(document: Any) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def columns_of(obj: ObjectDef) -> list[AttributeDef]:
    """The title attribute, then the next few in the object's order."""
    title = obj.title_attribute
    rest = [a for a in sorted(obj.attributes, key=lambda a: a.order) if a is not title]
    return ([title] if title is not None else []) + rest[:EXTRA_COLUMNS]


def _cell(text: str, whole: bool) -> str:
    text = plain(text)
    return text if whole or len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart, no trailing spaces; long values are
    cut short, except in the first column (ids, which scripts and people copy)."""
    cells = [[_cell(c, i == 0) for i, c in enumerate(row)] for row in (header, *rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def record_table(obj: ObjectDef, rows: Sequence[RecordRow], pending: set[str], shown: StoreDisplayContext) -> str:
    columns = columns_of(obj)
    header = ["ID", *(a.title or a.slug for a in columns), ""]
    body = [[row.id, *(display_text(a, row.values.get(a.slug), shown) for a in columns),
             "pending" if row.id in pending else ""] for row in rows]
    return table(header, body)


def record_details(obj: ObjectDef, row: RecordRow, pending: set[str], shown: StoreDisplayContext) -> str:
    """``records get``: the title, then one "Attribute  value" line per non-empty attribute, in full."""
    state = ", changes not on the server yet" if row.id in pending else ""
    lines = [f"{plain(row.title)}  ({plain(obj.singular_name.lower())} {plain(row.id)}{state})"]
    filled = [a for a in sorted(obj.attributes, key=lambda a: a.order) if row.values.get(a.slug) is not None]
    names = [plain(a.title or a.slug) for a in filled]
    width = max(map(len, names), default=0)
    for name, attr in zip(names, filled, strict=True):
        lines.append(f"  {name.ljust(width)}  {plain(display_text(attr, row.values[attr.slug], shown))}")
    return "\n".join(lines)
