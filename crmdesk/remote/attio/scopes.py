"""What a token may do, from its scopes (``GET /v2/self``'s ``scope``), as ``Capabilities``. Pure.

Each capability is the spec operations behind it (``OPERATIONS``) and needs exactly the scopes
the spec's ``security`` lists for them (``NEEDS``, the union; ``tests/remote/test_attio_history.py``
checks it against the spec, and ``tests/remote/test_attio_operations.py`` that the calls behind
each capability use only its operations). One scope missing turns the capability off, the reason
naming it, so the user knows what to grant the token. A ``read-write`` scope includes its
``read``.

Some writes have no capability of their own to turn off (``Capabilities`` has no "notes
writable", "entries writable"…): reading stays on with the read scopes, and such a write is
refused before it is sent — a ``PermissionDenied`` naming the scope it lacks (``WRITES``,
``WRITE_NEEDS``; ``AttioSession.require_scopes``). The records and schema reads every sync makes
(``SCHEMA_READS``) are no capability: a token without them cannot sync at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from crmdesk.remote.backend import Capabilities

_ATTRS = "/v2/{target}/{identifier}/attributes"
_RECORD = "/v2/objects/{object}/records/{record_id}"

#: What every schema pull and record scan reads (not a capability: without them nothing syncs).
SCHEMA_READS: tuple[str, ...] = (
    "GET /v2/objects", "GET /v2/objects/{object}", f"GET {_ATTRS}", f"GET {_ATTRS}/{{attribute}}/options",
    f"GET {_ATTRS}/{{attribute}}/statuses", "POST /v2/objects/{object}/records/query",
)

#: Capability → the spec operations its calls use (``METHOD path``, as the spec names them).
OPERATIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    # create/update objects, attributes, options and statuses, each read back after it is made
    "schema_admin": (
        "GET /v2/objects", "POST /v2/objects", "GET /v2/objects/{object}", "PATCH /v2/objects/{object}",
        f"GET {_ATTRS}", f"POST {_ATTRS}", f"PATCH {_ATTRS}/{{attribute}}",
        f"GET {_ATTRS}/{{attribute}}/options", f"POST {_ATTRS}/{{attribute}}/options",
        f"PATCH {_ATTRS}/{{attribute}}/options/{{option}}",
        f"GET {_ATTRS}/{{attribute}}/statuses", f"POST {_ATTRS}/{{attribute}}/statuses",
        f"PATCH {_ATTRS}/{{attribute}}/statuses/{{status}}",
    ),
    # the lists with their attributes and choices, and their entries
    "lists": (
        "GET /v2/lists", "GET /v2/lists/{list}", f"GET {_ATTRS}", f"GET {_ATTRS}/{{attribute}}/options",
        f"GET {_ATTRS}/{{attribute}}/statuses", "POST /v2/lists/{list}/entries/query",
    ),
    "notes": ("GET /v2/notes",),
    "tasks": ("GET /v2/tasks",),
    # a task's links and assignees changed (a linked record's object looked up when not known)
    "task_links_writable": ("PATCH /v2/tasks/{task_id}", f"GET {_RECORD}"),
    # a record's comments read, and a comment added (the author is ``GET /v2/self``'s member)
    "comments": ("GET /v2/threads", "POST /v2/comments", "GET /v2/self"),
    # the record (its creation time) and each attribute's past values; its comments are read too
    # where ``comment:read`` allows (without it the timeline shows the value changes only)
    "timeline": (f"GET {_RECORD}", f"GET {_RECORD}/attributes/{{attribute}}/values"),
})

#: What a capability's calls also read where the token allows it, and go without otherwise (the
#: timeline shows a record's comments with ``comment:read``, its value changes without).
ALSO_READS: Mapping[str, tuple[str, ...]] = MappingProxyType({"timeline": ("GET /v2/threads",)})

#: Capability → the scopes it needs: the union of the spec's ``security`` of its ``OPERATIONS``.
NEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "schema_admin": ("object_configuration:read-write", "object_configuration:read"),
    "lists": ("list_configuration:read", "list_entry:read", "object_configuration:read"),
    "notes": ("note:read", "object_configuration:read", "record_permission:read"),
    "tasks": ("task:read", "object_configuration:read", "record_permission:read", "user_management:read"),
    "task_links_writable": ("task:read-write", "object_configuration:read", "record_permission:read",
                            "user_management:read"),
    "comments": ("comment:read-write", "comment:read"),
    "timeline": ("record_permission:read", "object_configuration:read"),
})

#: Writes with no capability of their own → the spec operations they use.
WRITES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "records": ("POST /v2/objects/{object}/records", f"PUT {_RECORD}", f"DELETE {_RECORD}"),
    "lists": ("POST /v2/lists", "PATCH /v2/lists/{list}"),
    "entries": ("POST /v2/lists/{list}/entries", "PUT /v2/lists/{list}/entries/{entry_id}",
                "DELETE /v2/lists/{list}/entries/{entry_id}"),
    "notes": ("POST /v2/notes", "DELETE /v2/notes/{note_id}"),
    "tasks": ("POST /v2/tasks", "PATCH /v2/tasks/{task_id}", "DELETE /v2/tasks/{task_id}"),
})

#: Those writes → the scopes they need (the union of their operations' ``security``).
WRITE_NEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "records": ("record_permission:read-write", "object_configuration:read"),
    "lists": ("list_configuration:read-write",),
    "entries": ("list_entry:read-write", "list_configuration:read"),
    "notes": ("note:read-write", "object_configuration:read", "record_permission:read"),
    "tasks": ("task:read-write", "object_configuration:read", "record_permission:read", "user_management:read"),
})


def has(scopes: Iterable[str], needed: str) -> bool:
    """Whether ``needed`` is granted (a ``…:read`` by its ``…:read-write`` too)."""
    granted = set(scopes)
    return needed in granted or (needed.endswith(":read") and f"{needed}-write" in granted)


def lacking(scopes: Iterable[str], needed: Iterable[str]) -> list[str]:
    """The scopes of ``needed`` not granted, each named once: a ``…:read`` is left out when its
    ``…:read-write`` is lacking too (granting that grants both)."""
    granted = list(scopes)
    wanted = list(needed)
    lack = [scope for scope in wanted if not has(granted, scope)]
    return [scope for scope in lack if not (scope.endswith(":read") and f"{scope}-write" in lack)]


def missing(scopes: Iterable[str], capability: str) -> list[str]:
    return lacking(scopes, NEEDS[capability])


def named(scopes: list[str]) -> str:
    """“a” and “b”: the scopes as the user is told them."""
    return " and ".join(f"“{name}”" for name in scopes)


def grant(lack: list[str], needed_by: str | None = None) -> str:
    """The sentence telling the user which scopes the token lacks and to grant them; ``needed_by``
    (“Adding a note”) names what needs them, else the sentence starts from the token."""
    word, them = ("scope", "it") if len(lack) == 1 else ("scopes", "them")
    scopes = f"the {word} {named(lack)}"
    said = f"{needed_by} needs {scopes}, which this token lacks" if needed_by is not None \
        else f"This token lacks {scopes}"
    return f"{said}: grant {them} to the token in Attio's settings."


def capabilities_for(defaults: Capabilities, scopes: Set[str]) -> Capabilities:
    """``defaults`` with each capability the token's ``scopes`` do not allow off."""
    reasons = dict(defaults.reasons)
    changes: dict[str, Any] = {}
    for capability in NEEDS:
        lack = missing(scopes, capability)
        if lack:
            changes[capability] = False
            reasons[capability] = grant(lack)
        else:
            changes[capability] = True
            reasons.pop(capability, None)
    return replace(defaults, **changes, reasons=reasons)


__all__ = ["ALSO_READS", "NEEDS", "OPERATIONS", "SCHEMA_READS", "WRITES", "WRITE_NEEDS", "capabilities_for", "grant",
           "has", "lacking", "missing", "named"]
