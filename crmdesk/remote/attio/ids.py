"""Ids as crmdesk holds them for Attio: the innermost UUID of the server's id object.

Attio names everything by an object of UUIDs (``{workspace_id, object_id, record_id}``); the
innermost one (``record_id``, ``entry_id``, ``note_id``, ``task_id``, ``comment_id``,
``attribute_id``, ``option_id``, ``status_id``, ``list_id``, ``workspace_member_id``) is unique
on its own, so it is the one string crmdesk keeps. What else a request needs is known from the
call: a record's object is its ``object_slug`` argument, an entry's list its ``list_id``.

Every id sent in a path is checked to be a UUID first: an id made offline (``local-…``) or
anything else is refused before a request goes (the spec's paths take UUIDs only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from crmdesk.model import is_local_id
from crmdesk.remote.errors import ProtocolError, ServerRejected
from crmdesk.remote.rows import usable_identity

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def raw_inner(row: Any, key: str) -> str | None:
    """``row["id"][key]`` (or ``row["id"]`` already flattened by ``flat``); None when missing."""
    ident = row.get("id") if isinstance(row, Mapping) else None
    if isinstance(ident, Mapping):
        ident = ident.get(key)
    return ident if isinstance(ident, str) and ident else None


def inner(row: Any, key: str, what: str) -> str:
    """The innermost id of ``row``: ``ProtocolError`` when missing, ``PoisonedRow`` when unusable."""
    ident = raw_inner(row, key)
    if ident is None:
        raise ProtocolError(f"{what} from the server has no {key}.")
    return usable_identity(ident, key, what)


def flat(rows: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """Rows with ``id`` replaced by their innermost id (or None), as the shared pagers key rows by
    ``id``: a row without one makes the pager refuse the whole page, as for every dialect."""
    return [{**row, "id": raw_inner(row, key)} for row in rows]


def require(identifier: str, field: str, what: str = "record") -> str:
    """``identifier`` when it is a UUID this server could know; else ``ServerRejected`` naming
    ``field`` (an id made offline is sent once what it names is on the server)."""
    if is_uuid(identifier):
        return identifier
    if isinstance(identifier, str) and is_local_id(identifier):
        message = f"names a {what} this server does not know yet (it is sent once the {what} itself is)"
    else:
        message = f"“{str(identifier)[:60]}” is not an id of this server (a UUID)"
    raise ServerRejected(f"{field}: {message}", field_errors={field: message})


def member_of(actor: Any) -> str | None:
    """The workspace member an actor object (``{type, id}``) names; None for an API token, the
    system or an app (the model's authors and actor references are members)."""
    if not isinstance(actor, Mapping) or actor.get("type") != "workspace-member":
        return None
    ident = actor.get("id")
    return ident if isinstance(ident, str) and ident else None


__all__ = ["flat", "inner", "is_uuid", "member_of", "raw_inner", "require"]
