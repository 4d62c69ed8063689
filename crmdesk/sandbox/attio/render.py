"""Core rows → Attio's schema shapes: objects, attributes, options, statuses, lists, members.

Every answer names things by nested ids (``{"workspace_id", "object_id", "attribute_id"}``) and
times in Attio's nanosecond form (``2023-01-01T15:00:00.000000000Z``). ``Names`` holds what
one request needs to say them: the workspace, the members by the core's user id (the core's
``created_by``, actor values and assignees are user ids; Attio names workspace members), the
objects by id and slug, and the schema extras (``tables.py``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from crmdesk.sandbox.attio.store import AttioStore
from crmdesk.sandbox.core import Core

DEFAULT_CURRENCY = "USD"
DEFAULT_DISPLAY = "symbol"
SYSTEM_ACTOR: dict[str, Any] = {"type": "system", "id": None}
#: A row of the core's tables: an ``sqlite3.Row``, a ``core.tables`` model or a plain mapping.
RowLike = Any


def attio_time(instant: str | None) -> str | None:
    """The core's ``…T05:09:18.921663Z`` (or any RFC 3339 UTC text) as ``…T05:09:18.921663000Z``."""
    if not instant:
        return None
    text = instant[:-1] if instant.endswith("Z") else instant
    whole, _, fraction = text.partition(".")
    return f"{whole}.{(fraction + '000000000')[:9]}Z"


def attio_type(core_type: str) -> str:
    """``email_address`` → ``email-address``: Attio hyphenates the type names the core underscores."""
    return core_type.replace("_", "-")


def core_type(wire_type: str) -> str:
    return wire_type.replace("-", "_")


@dataclass
class Names:
    core: Core
    store: AttioStore
    base_url: str = "http://127.0.0.1/"
    _extras: dict[str, dict[str, Any]] | None = field(default=None, repr=False)

    @cached_property
    def workspace(self) -> Any:
        return self.core.workspace.get()

    @property
    def workspace_id(self) -> str:
        return str(self.workspace["id"])

    @cached_property
    def members(self) -> dict[str, sqlite3.Row]:
        """By the core's user id."""
        return {str(m["user_id"]): m for m in self.core.workspace.members()}

    @cached_property
    def members_by_id(self) -> dict[str, sqlite3.Row]:
        return {str(m["id"]): m for m in self.members.values()}

    @cached_property
    def objects(self) -> dict[str, sqlite3.Row]:
        """By id and by slug."""
        rows = self.core.schema.objects()
        return {**{str(r["id"]): r for r in rows}, **{str(r["slug"]): r for r in rows}}

    def extras(self, row_id: str) -> dict[str, Any]:
        if self._extras is None:
            self._extras = self.store.all_extras()
        return self._extras.get(row_id, {})

    def forget_extras(self) -> None:
        """After a write to the extras: the next answer reads them again."""
        self._extras = None

    def actor(self, user_id: str | None) -> dict[str, Any]:
        member = self.members.get(user_id or "")
        return {"type": "workspace-member", "id": str(member["id"])} if member is not None else dict(SYSTEM_ACTOR)

    def member_id(self, user_id: str | None) -> str | None:
        member = self.members.get(user_id or "")
        return None if member is None else str(member["id"])

    def user_id(self, member_id_or_email: Any) -> str | None:
        """The core's user id of a workspace member named by id (or e-mail address)."""
        if not isinstance(member_id_or_email, str):
            return None
        member = self.members_by_id.get(member_id_or_email)
        if member is None:
            member = next((m for m in self.members.values()
                           if str(m["email"]).lower() == member_id_or_email.lower()), None)
        return None if member is None else str(member["user_id"])

    def object_id(self, slug: str) -> str | None:
        row = self.objects.get(slug)
        return None if row is None else str(row["id"])

    # -- shapes ------------------------------------------------------------------------------------

    def object_json(self, row: RowLike) -> dict[str, Any]:
        return {"id": {"workspace_id": self.workspace_id, "object_id": row["id"]}, "api_slug": row["slug"],
                "singular_noun": row["singular_name"], "plural_noun": row["plural_name"],
                "created_at": attio_time(row["created_at"])}

    def attribute_json(self, row: RowLike) -> dict[str, Any]:
        config = json.loads(row["config"])
        extras = self.extras(str(row["id"]))
        target = self.object_id(str(config.get("target_object") or ""))
        default = extras.get("default_value")
        is_currency = row["type"] == "currency"
        currency = (config.get("currency_code") or DEFAULT_CURRENCY) if is_currency else None
        return {
            "id": self.attribute_ids(row),
            "title": row["title"], "description": extras.get("description"), "api_slug": row["slug"],
            "type": attio_type(row["type"]), "is_system_attribute": bool(row["is_system"]), "is_writable": True,
            "is_required": bool(row["is_required"]), "is_unique": bool(row["is_unique"]),
            "is_multiselect": bool(row["is_multiselect"]), "is_default_value_enabled": default is not None,
            "is_archived": bool(extras.get("is_archived")), "default_value": default, "relationship": None,
            "created_at": attio_time(row["created_at"]),
            # Only a currency attribute has a currency: the others answer null, as the spec's type
            # allows (its enum forgets null; tests/attio_spec.py reads the type).
            "config": {"currency": {"default_currency_code": currency,
                                    "display_type": (config.get("display_type") or DEFAULT_DISPLAY)
                                    if is_currency else None},
                       "record_reference": {"allowed_object_ids": [target] if target else None}},
        }

    def attribute_ids(self, attribute: RowLike) -> dict[str, Any]:
        return {"workspace_id": self.workspace_id, "object_id": attribute["object_id"] or attribute["list_id"],
                "attribute_id": attribute["id"]}

    def option_json(self, attribute: RowLike, row: RowLike) -> dict[str, Any]:
        extras = self.extras(str(row["id"]))
        ids = self.attribute_ids(attribute)
        if attribute["type"] == "status":
            return {"id": {**ids, "status_id": row["id"]}, "title": row["title"],
                    "is_archived": bool(extras.get("is_archived")),
                    "celebration_enabled": bool(extras.get("celebration_enabled")),
                    "target_time_in_status": extras.get("target_time_in_status")}
        return {"id": {**ids, "option_id": row["id"]}, "title": row["title"],
                "is_archived": bool(extras.get("is_archived"))}

    def list_json(self, row: RowLike) -> dict[str, Any]:
        extras = self.extras(str(row["id"]))
        access = extras.get("workspace_access", None if row["is_private"] else "full-access")
        return {"id": {"workspace_id": self.workspace_id, "list_id": row["id"]}, "api_slug": row["slug"],
                "name": row["name"], "parent_object": [row["object_slug"]], "workspace_access": access,
                "workspace_member_access": extras.get("workspace_member_access", []),
                "created_by_actor": self.actor(row["created_by"]), "created_at": attio_time(row["created_at"])}

    def member_json(self, row: RowLike) -> dict[str, Any]:
        first, _, last = str(row["name"]).partition(" ")
        return {"id": {"workspace_id": self.workspace_id, "workspace_member_id": row["id"]},
                "first_name": first, "last_name": last, "avatar_url": None, "email_address": row["email"],
                "created_at": attio_time(row["created_at"]), "access_level": row["role"]}
