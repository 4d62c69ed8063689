"""What every dialect's ``find_records_by`` does alike: the one value a look-up asks for, and the
records that really hold it (a server's filter may find more: ``contains``, a name's parts)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from crmdesk.model import AttributeDef, Record, codec_for
from crmdesk.model.values import elements
from crmdesk.remote.errors import ServerRejected

Q = TypeVar("Q")


def looked_up(attr: AttributeDef, value: Any, name: str, ask: Callable[[Any], Q]) -> tuple[Any, Q]:
    """The canonical element ``value`` is (a one-item list is its item), and the query ``ask``
    makes of it; ``ServerRejected`` naming ``name`` when either is refused (a ``ValueError``)."""
    element = value[0] if isinstance(value, list) and len(value) == 1 else value
    try:
        wanted = codec_for(attr.type).validate(element, attr)
        return wanted, ask(wanted)
    except ValueError as error:
        raise ServerRejected(f"Records are looked up by one value of {name}: {error}") from None


def holding(pages: Iterable[list[Record]], attribute: str, wanted: Any, limit: int) -> list[Record]:
    """The records of ``pages`` whose ``attribute`` holds ``wanted``, at most ``limit`` (the pages
    after the one that fills it are not read)."""
    found: list[Record] = []
    for records in pages:
        for record in records:
            if wanted in elements(record.values.get(attribute)):
                found.append(record)
                if len(found) >= limit:
                    return found
    return found


__all__ = ["holding", "looked_up"]
