"""Ids as crmdesk holds them for this server: ``<resource>/<integer>``, the record's path under ``/api``.

The server numbers every resource separately (contact 1, company 1 and deal 1 all exist), but
crmdesk keys records, notes and tasks by id alone: every id handed to crmdesk is qualified by
its resource — ``contacts/12``, ``companies/1``, ``deals/5``, ``projects/3`` (a custom object's
slug), ``contact_notes/3``, ``tasks/4``, members ``crm_users/2``. What is sent back to the server
is the bare integer, once the prefix is checked to be the resource the field points at.

This module is the one place that knows the form; the rest of the adapter goes through it.
"""

from __future__ import annotations

import re
from typing import Any

from crmdesk.model import is_local_id
from crmdesk.remote.errors import ServerRejected

SEP = "/"
#: ``<resource>/<integer>``: a resource name without ``/`` or spaces, a canonical non-negative integer.
_QUALIFIED = re.compile(r"([^/\s]+)/(0|[1-9][0-9]*)")


def _number(raw: Any) -> int | None:
    """The integer of an id as the server sends it (``12`` or, from custom objects, ``"12"``)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def qualified(resource: str, raw: Any) -> str:
    """``qualified("contacts", 12)`` → ``"contacts/12"``; ``ValueError`` when ``raw`` is no integer id."""
    number = _number(raw)
    if number is None or not resource or SEP in resource:
        raise ValueError(f"{raw!r} is not an integer id of {resource}")
    return f"{resource}{SEP}{number}"


def reference(resource: str, raw: Any) -> str | None:
    """``qualified`` for an optional id read from the server: None when there is none (or no integer)."""
    if raw is None or raw == "":
        return None
    try:
        return qualified(resource, raw)
    except ValueError:
        return None


def split(identifier: str) -> tuple[str, int]:
    """``"contacts/12"`` → ``("contacts", 12)``; ``ValueError`` when it is not in that form."""
    match = _QUALIFIED.fullmatch(identifier) if isinstance(identifier, str) else None
    if match is None:
        raise ValueError(f"{identifier!r} is not an id of this server (<resource>/<number>)")
    return match[1], int(match[2])


def resource_of(identifier: str) -> str | None:
    """The resource an id is qualified by; None when it is not a qualified id."""
    try:
        return split(identifier)[0]
    except ValueError:
        return None


def number_in(identifier: str, resource: str, field: str) -> int:
    """The bare integer of ``identifier``, which must be an id of ``resource``: else
    ``ServerRejected`` naming ``field`` (before anything is sent). An id made offline is
    refused as not on the server yet."""
    if isinstance(identifier, str) and is_local_id(identifier):
        message = "names a record this server does not know yet (it is sent once the record itself is)"
    else:
        try:
            found, number = split(identifier)
        except ValueError:
            message = f"“{identifier}” is not an id of this server (expected {resource}/<number>)"
        else:
            if found == resource:
                return number
            message = f"“{identifier}” is not one of {resource} (it is one of {found})"
    raise ServerRejected(f"{field}: {message}", field_errors={field: message})


__all__ = ["SEP", "number_in", "qualified", "reference", "resource_of", "split"]
