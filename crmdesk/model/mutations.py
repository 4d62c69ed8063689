"""Mutations: what a user did, as queued in the outbox until the server has it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntityKind(StrEnum):
    RECORD = "record"
    ENTRY = "entry"
    NOTE = "note"
    TASK = "task"
    LIST = "list"
    NOTIFICATION = "notification"
    #: A comment added to a record (only created: crmdesk neither edits nor deletes comments).
    COMMENT = "comment"
    #: A link between two records with its roles (scope: one record, target: the other).
    LINK = "link"
    #: A record's link to an issue key of a tracker (scope: the record, target: the key).
    ISSUE_LINK = "issue_link"


class MutationOp(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class MutationState(StrEnum):
    PENDING = "pending"
    #: Sent, no answer yet (a crash here means "outcome unknown": never blindly re-send).
    IN_FLIGHT = "in_flight"
    #: The server said no (validation, permission); kept with its message until the
    #: user edits and retries, or discards.
    REJECTED = "rejected"
    #: Held back by a field conflict the user must resolve.
    CONFLICT = "conflict"


@dataclass(slots=True)
class Mutation:
    """One user edit.

    ``changes`` holds the new values by field; ``base`` the values they replaced
    (what the user saw), which the merge compares with the server's.
    ``scope`` is the object slug for records, the list id for entries, the record for notes,
    comments and links.
    """

    mutation_id: str
    entity: EntityKind
    op: MutationOp
    target_id: str
    scope: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    base: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    state: MutationState = MutationState.PENDING
    error: str | None = None
    attempts: int = 0
    op_id: int | None = None

    @property
    def fields(self) -> list[str]:
        return sorted(self.changes)
