"""Select options and statuses: ``…/attributes/{attribute}/options`` and ``…/statuses``, on objects and lists.

The two are one kind of row in the core (``options``); an option is named in a path by id or
title. Archiving (Attio has no delete) and a status's celebration and target time live in the
facade's extras.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from crmdesk.sandbox.attio.errors import ApiError, not_found
from crmdesk.sandbox.attio.http import Ctx, bool_param
from crmdesk.sandbox.attio.schema_api import attribute_row


def _choice_attribute(ctx: Ctx, kind: str) -> sqlite3.Row:
    row = attribute_row(ctx)
    if row["type"] != kind:
        raise not_found(f"Attribute \"{row['slug']}\" is not a {kind} attribute.")
    return row


def _option(ctx: Ctx, attribute: sqlite3.Row, wanted: str) -> sqlite3.Row:
    for row in ctx.core.schema.options(attribute["id"]):
        if wanted == row["id"] or wanted.casefold() == str(row["title"]).casefold():
            return row
    raise not_found(f"Option or status \"{wanted}\" not found.")


def _title_taken(ctx: Ctx, attribute: sqlite3.Row, title: Any, but: str | None = None) -> None:
    if not isinstance(title, str) or not title.strip():
        return  # the core refuses an empty title itself
    if any(str(r["title"]).casefold() == title.strip().casefold() and r["id"] != but
           for r in ctx.core.schema.options(attribute["id"])):
        raise ApiError(409, "slug_conflict", f"An option or status titled \"{title.strip()}\" already exists.")


class ChoiceEndpoints:
    """The three endpoints of ``select`` options (``kind="select"``) or statuses (``kind="status"``)."""

    def __init__(self, kind: str, path_name: str) -> None:
        self.kind = kind
        self.path_name = path_name

    def list(self, ctx: Ctx) -> Any:
        attribute = _choice_attribute(ctx, self.kind)
        rows = ctx.core.schema.options(attribute["id"])
        if not bool_param(ctx, "show_archived"):
            rows = [r for r in rows if not ctx.names.extras(str(r["id"])).get("is_archived")]
        return {"data": [ctx.names.option_json(attribute, r) for r in rows]}

    def create(self, ctx: Ctx) -> Any:
        attribute = _choice_attribute(ctx, self.kind)
        data = ctx.data()
        _title_taken(ctx, attribute, data.get("title"))
        row = ctx.core.schema.create_option(attribute["id"], {"title": data.get("title")})
        self._extras(ctx, row["id"], data)
        return {"data": ctx.names.option_json(attribute, row)}

    def update(self, ctx: Ctx) -> Any:
        attribute = _choice_attribute(ctx, self.kind)
        option = _option(ctx, attribute, ctx.path[self.path_name])
        data = ctx.data()
        _title_taken(ctx, attribute, data.get("title"), but=option["id"])
        title = data.get("title")
        row = ctx.core.schema.update_option(option["id"], {"title": title.strip() if isinstance(title, str) else None})
        self._extras(ctx, row["id"], data)
        return {"data": ctx.names.option_json(attribute, row)}

    def _extras(self, ctx: Ctx, option_id: str, data: dict[str, Any]) -> None:
        keys = ("is_archived", "celebration_enabled", "target_time_in_status") if self.kind == "status" else (
            "is_archived",)
        changes = {k: data[k] for k in keys if k in data}
        if changes:
            ctx.store.update_extras(option_id, changes)
            ctx.names.forget_extras()


options = ChoiceEndpoints("select", "option")
statuses = ChoiceEndpoints("status", "status")
