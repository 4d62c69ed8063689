"""The parts of Attio's values the core's canonical elements cannot hold (``attio_value_parts``).

A location's canonical element keeps line 1, line 2, city, state, postcode and country; Attio's
also has ``line_3``, ``line_4``, ``latitude`` and ``longitude``. What a write gives of them is kept
here per record or entry, attribute and element (the element's canonical JSON, ``element_key``),
and answered with that element: in the record, its entries and its value history. A write of the
element without them (all null) forgets them; a different element has none.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from crmdesk.sandbox.attio.errors import invalid
from crmdesk.sandbox.core.db import Database, dumps

LOCATION_PARTS = ("line_3", "line_4", "latitude", "longitude")
#: The spec's patterns for coordinates (``input-value``).
_PATTERNS = {
    "latitude": re.compile(r"[-+]?([1-8]?\d(\.\d+)?|90(\.0+)?)"),
    "longitude": re.compile(r"[-+]?(180(\.0+)?|((1[0-7]\d)|([1-9]?\d))(\.\d+)?)"),
}
Key = tuple[str, str, str]


def location_parts(item: Mapping[str, Any], attribute: str) -> dict[str, str] | None:
    """The Attio-only parts of a written location (None: it has none); a coordinate the spec's
    pattern refuses, or a part that is not text, is a 400."""
    parts: dict[str, str] = {}
    for key in LOCATION_PARTS:
        value = item.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise invalid(f"Invalid value for attribute \"{attribute}\": {key} must be a string or null")
        pattern = _PATTERNS.get(key)
        if pattern is not None and not pattern.fullmatch(value):
            raise invalid(f"Invalid value for attribute \"{attribute}\": {key} \"{value[:40]}\" is not a {key}")
        parts[key] = value
    return parts or None


class ValueParts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def of(self, parent_ids: Sequence[str]) -> dict[Key, dict[str, str]]:
        """(parent, attribute id, element key) → the parts kept for it, for every parent given."""
        found: dict[Key, dict[str, str]] = {}
        for start in range(0, len(parent_ids), 500):
            chunk = list(parent_ids[start:start + 500])
            rows = self.db.all(f"SELECT * FROM attio_value_parts WHERE parent_id IN ({','.join('?' * len(chunk))})",
                               chunk)
            for row in rows:
                found[(row["parent_id"], row["attribute_id"], row["value"])] = json.loads(row["data"])
        return found

    @staticmethod
    def put(conn: sqlite3.Connection, parent_id: str, attribute_id: str, key: str,
            parts: Mapping[str, str] | None) -> None:
        """Keep ``parts`` for the element (None: forget what was kept)."""
        if parts:
            conn.execute("INSERT OR REPLACE INTO attio_value_parts (parent_id, attribute_id, value, data) "
                         "VALUES (?, ?, ?, ?)", (parent_id, attribute_id, key, dumps(dict(parts))))
        else:
            conn.execute("DELETE FROM attio_value_parts WHERE parent_id = ? AND attribute_id = ? AND value = ?",
                         (parent_id, attribute_id, key))
