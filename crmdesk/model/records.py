"""Records and the things that hang off them: entries, notes, tasks, timeline, notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOCAL_ID_PREFIX = "local-"
#: The ``TimelineEvent.kind`` of a comment on a record (read from a server, or written here).
COMMENT_KIND = "comment"


def is_local_id(identifier: str) -> bool:
    """True for an id made offline, before the server assigned its own."""
    return identifier.startswith(LOCAL_ID_PREFIX)


@dataclass(slots=True)
class Record:
    id: str
    object_slug: str
    values: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    created_by: str | None = None


@dataclass(slots=True)
class Entry:
    """A record's membership of a list, with the list-only values."""

    id: str
    list_id: str
    record_id: str
    values: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(slots=True)
class Note:
    id: str
    record_id: str
    title: str = ""
    content: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    created_by: str | None = None


@dataclass(slots=True)
class Task:
    id: str
    content: str
    deadline: str | None = None
    done: bool = False
    completed_at: str | None = None
    record_ids: list[str] = field(default_factory=list)
    assignee_ids: list[str] = field(default_factory=list)
    created_at: str | None = None
    created_by: str | None = None


@dataclass(slots=True)
class TimelineEvent:
    id: str
    record_id: str
    kind: str
    title: str
    occurred_at: str
    description: str | None = None
    actor_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Notification:
    id: str
    title: str
    created_at: str
    body: str = ""
    record_id: str | None = None
    read: bool = False
