"""A JSON list kept under one key of the ``meta`` table: what the workspace file keeps that needs
no table of its own (the records visited lately, the invites not yet listed as members).

A value that is not a readable list — damaged, written by something else, or nested deeper than
the JSON parser goes (``RecursionError``, not a ``ValueError``) — reads as an empty list, never
as an error: these are conveniences, and a damaged one must not stop the window opening.
"""

from __future__ import annotations

import json
from typing import Any

from crmdesk.store.schema_repo import SchemaRepo


def read_list(schema: SchemaRepo, key: str) -> list[Any]:
    """The list kept under ``key``; empty when none is kept or what is kept is not a list."""
    text = schema.get_meta(key)
    if not text:
        return []
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    return data if isinstance(data, list) else []


def write_list(schema: SchemaRepo, key: str, items: list[Any]) -> None:
    """Keep ``items`` under ``key`` (an empty list removes the key). The caller owns the write
    transaction."""
    schema.set_meta(key, json.dumps(items, ensure_ascii=False) if items else None)
