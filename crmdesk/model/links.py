"""Links between records: one link joins two records, with the roles it plays (symmetric)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordLink:
    """A link between two records with the roles it plays (symmetric): the same link, with the
    same roles, is read from either end."""

    #: The record it was read from.
    record_id: str
    other_id: str
    #: The other record's object slug.
    other_object: str
    roles: tuple[str, ...] = ()
