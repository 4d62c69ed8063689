"""Three-way merge of a note's top-level blocks: the user's edit laid onto a newer version.

A content edit is made against the note as it was pulled (the base). When a colleague has
changed the note since, the user's changes and theirs are both kept as long as they touch
different blocks; when both changed the same block (or inserted at the same place), the
merge gives up (None) and the caller says so instead of overwriting either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from crmdesk.model.rich_text.tree import Block


@dataclass(frozen=True, slots=True)
class _Hunk:
    """Base blocks ``[start, end)`` replaced by ``blocks`` (an insertion when start == end)."""

    start: int
    end: int
    blocks: tuple[Block, ...]


def _hunks(base: Sequence[Block], other: Sequence[Block]) -> list[_Hunk]:
    matcher = SequenceMatcher(None, list(base), list(other), autojunk=False)
    return [_Hunk(b1, b2, tuple(other[o1:o2])) for tag, b1, b2, o1, o2 in matcher.get_opcodes() if tag != "equal"]


def _clash(a: _Hunk, b: _Hunk) -> bool:
    """Whether two changes (one from each side) touch the same base blocks or insert at one place."""
    if a == b:
        return False  # both made the same change: take it once
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def merge_blocks(
    base: Sequence[Block], mine: Sequence[Block], theirs: Sequence[Block]
) -> tuple[Block, ...] | None:
    """``base`` with the changes of ``mine`` and of ``theirs``; None when they change the same blocks."""
    own, other = _hunks(base, mine), _hunks(base, theirs)
    if any(_clash(a, b) for a in own for b in other):
        return None
    merged: list[Block] = []
    position = 0
    # An insertion sorts before a change starting at the same block: (start, end) orders them.
    for hunk in sorted(set(own) | set(other), key=lambda h: (h.start, h.end)):
        merged.extend(base[position:hunk.start])
        merged.extend(hunk.blocks)
        position = max(position, hunk.end)
    merged.extend(base[position:])
    return tuple(merged)
