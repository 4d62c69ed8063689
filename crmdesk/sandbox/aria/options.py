"""Attribute options and statuses: the same four endpoints under an object and under a list.

``OptionEndpoints`` is built with how its parent finds an attribute by id (and checks the
attribute is its own); everything else is shared.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from crmdesk.sandbox.aria.http import ApiError, Ctx
from crmdesk.sandbox.aria.render import option_json

#: ``(ctx, attribute_id) -> attribute row``: raises 400 on a missing id, 404 on a foreign one.
AttributeOf = Callable[[Ctx, Any], sqlite3.Row]


class OptionEndpoints:
    def __init__(self, attribute_of: AttributeOf) -> None:
        self._attribute_of = attribute_of

    def list(self, ctx: Ctx) -> tuple[int, Any]:
        row = self._attribute_of(ctx, ctx.query.get("attributeId"))
        status = row["type"] == "status"
        return 200, [option_json(o, status) for o in ctx.core.schema.options(row["id"])]

    def create(self, ctx: Ctx) -> tuple[int, Any]:
        body = ctx.body_object()
        row = self._attribute_of(ctx, body.get("attributeId"))
        return 201, option_json(ctx.core.schema.create_option(row["id"], body), row["type"] == "status")

    def _option(self, ctx: Ctx, option_id: Any) -> tuple[sqlite3.Row, sqlite3.Row]:
        if not isinstance(option_id, str) or not option_id:
            raise ApiError(400, "BAD_REQUEST", "optionId is required")
        option = ctx.core.schema.option_row(option_id)
        return option, self._attribute_of(ctx, option["attribute_id"])

    def update(self, ctx: Ctx) -> tuple[int, Any]:
        body = ctx.body_object()
        option, attr = self._option(ctx, body.get("optionId"))
        fields = {"title": body.get("title"), "color": body.get("color"), "sort_order": body.get("sortOrder"),
                  **{column: None if body.get(key) is None else int(bool(body.get(key)))
                     for column, key in (("is_active", "isActive"), ("celebration_enabled", "celebrationEnabled"))}}
        return 200, option_json(ctx.core.schema.update_option(option["id"], fields), attr["type"] == "status")

    def delete(self, ctx: Ctx) -> tuple[int, Any]:
        option, _attr = self._option(ctx, ctx.query.get("optionId"))
        ctx.core.schema.delete_option(option["id"])
        return 200, {"id": option["id"], "deleted": True}
