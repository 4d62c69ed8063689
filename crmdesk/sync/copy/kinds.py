"""The kinds of item a copy map names, and how the copy counts them in words."""

from __future__ import annotations

RECORD, REFERENCES, ENTRY, NOTE, TASK, COMMENT = "record", "references", "entry", "note", "task", "comment"
#: A done task's copy was marked done (a second write after its create).
TASK_DONE = "task done"
#: Not a kind of the map (a record's links are made with its references): counted in ``made``.
LINK = "link"
#: The kinds a user counts, with their names for one of them and for many. ``REFERENCES`` and
#: ``TASK_DONE`` are steps of a record's or a task's copy, not items.
KIND_NAMES = {RECORD: ("record", "records"), ENTRY: ("list entry", "list entries"), NOTE: ("note", "notes"),
              COMMENT: ("note as a comment", "notes as comments"), TASK: ("task", "tasks"), LINK: ("link", "links")}


def counted(count: int, one: str, many: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{count:,} {one if count == 1 else many}"


def counted_kind(count: int, kind: str) -> str:
    return counted(count, *KIND_NAMES[kind])
