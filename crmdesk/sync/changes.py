"""What a sync changed, compactly, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ChangeSet:
    objects: set[str] = field(default_factory=set)
    record_ids: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    #: local id → server id, for views holding an offline-made id.
    id_changes: dict[str, str] = field(default_factory=dict)
    notes: bool = False
    tasks: bool = False
    schema: bool = False
    members: bool = False
    notifications: bool = False
    outbox: bool = False
    conflicts: bool = False
    #: Too much changed to say what: views reload.
    full_reset: bool = False

    def is_empty(self) -> bool:
        return not (
            self.objects or self.record_ids or self.lists or self.id_changes or self.notes or self.tasks
            or self.schema or self.members or self.notifications or self.outbox or self.conflicts
            or self.full_reset
        )

    def update(self, other: ChangeSet) -> None:
        self.objects |= other.objects
        self.record_ids |= other.record_ids
        self.lists |= other.lists
        self.id_changes.update(other.id_changes)
        for flag in ("notes", "tasks", "schema", "members", "notifications", "outbox", "conflicts", "full_reset"):
            setattr(self, flag, getattr(self, flag) or getattr(other, flag))

    def record_changed(self, object_slug: str, record_id: str) -> None:
        self.objects.add(object_slug)
        # Thousands of ids help no view: past that, views treat the object as reloaded.
        if len(self.record_ids) < 5000:
            self.record_ids.add(record_id)
