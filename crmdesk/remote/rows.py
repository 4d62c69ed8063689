"""Reading a server's rows under the poison policy, the same for every dialect. Pure functions.

Poison (``crmdesk.remote.limits``: a lone surrogate, a NUL character, text over ``MAX_TEXT``)
never reaches the model: a text an item can stand without (a name, a title, an email, a
description, an author) is left out, logged, and the item keeps its fallback (``clean``); an item
that cannot stand without it (its id, a note's content, a task's text) raises ``PoisonedRow``
(``whole``, ``usable_identity``), and ``each`` skips such items in a list, logged, keeping the
others. What counts as a missing id, and which shapes a dialect's rows come in, stay with the
dialect (``aria.wire``, ``atomic.session``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.remote import limits
from crmdesk.remote.errors import PoisonedRow

log = logging.getLogger(__name__)
T = TypeVar("T")


def usable_identity(ident: str, name: str, what: str) -> str:
    """``ident`` (an item's ``name``: its id, its slug…) when a cache can hold it, else ``PoisonedRow``."""
    problem = limits.flaw(ident)
    if problem is not None:
        raise PoisonedRow(f"{what} from the server has an unusable {name}: {problem}")
    return ident


def clean(value: Any, fallback: Any, field: str, owner: str) -> Any:
    """``value``, or ``fallback`` (logged) when it holds poison: for what an item can stand without."""
    problem = limits.flaw(value)
    if problem is None:
        return value
    log.warning("leaving out the %s of %s from the server: %s", field, owner, problem)
    return fallback


def whole(value: Any, field: str, owner: str) -> Any:
    """``value`` when it holds no poison, else ``PoisonedRow``: for what an item cannot stand without."""
    problem = limits.flaw(value)
    if problem is not None:
        raise PoisonedRow(f"The {field} of {owner} from the server is unusable: {problem}")
    return value


def each(rows: Iterable[Mapping[str, Any]], build: Callable[[Mapping[str, Any]], T], what: str) -> list[T]:
    """``build`` each row, skipping (logged) the rows that raise ``PoisonedRow``."""
    out = []
    for row in rows:
        try:
            out.append(build(row))
        except PoisonedRow as error:
            log.warning("skipping %s: %s", what, error.message)
    return out


def timestamp(value: Any) -> str | None:
    """Canonical UTC text from any shape ``parse_timestamp`` reads (``2026-11-24T05:09:18.921Z``,
    ``2026-11-30 09:47:06.065074+00``…); None (logged) for an empty or unreadable one: whether
    a row can do without its time is its reader's call."""
    if not value:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        log.warning("unreadable timestamp from the server: %.40r", value)
        return None


def split_unchanged(
    rows: list[Mapping[str, Any]], known: Mapping[str, str], *,
    id_of: Callable[[Mapping[str, Any]], str | None] = lambda row: str(row.get("id")),
    time_key: str = "updatedAt",
) -> tuple[list[Mapping[str, Any]], list[str]]:
    """(rows to decode, ids of the rows whose ``time_key`` is the time ``known`` holds for them).

    Compared before any value is decoded: on an unchanged workspace a full scan then costs its
    paging and little else. Servers send canonical times, so the plain text comparison decides
    almost every row; another spelling of a time is parsed (one timestamp, still far cheaper than
    the record's values). A time that does not parse is not "unchanged": the row is decoded, and
    the decoder says what is wrong with it. ``id_of``: the id the cache knows the row by (None:
    decoded, and skipped there as unusable)."""
    fresh: list[Mapping[str, Any]] = []
    unchanged: list[str] = []
    for row in rows:
        record_id = id_of(row)
        held = known.get(record_id) if record_id is not None else None
        if record_id is not None and held is not None and _same_time(row.get(time_key), held):
            unchanged.append(record_id)
        else:
            fresh.append(row)
    return fresh, unchanged


def _same_time(raw: Any, held: str) -> bool:
    if raw == held:
        return True
    if not isinstance(raw, str) or not raw:
        return False
    try:
        return parse_timestamp(raw) == held
    except ValueError:
        return False
