"""User edits: each is ONE transaction that changes the local rows and appends the
mutation to the outbox, so nothing a user typed can be half-saved or lost."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from crmdesk.model import (
    COMMENT_KIND,
    LOCAL_ID_PREFIX,
    UNTITLED,
    EntityKind,
    Entry,
    ListDef,
    Mutation,
    MutationOp,
    MutationState,
    Note,
    ObjectDef,
    Record,
    RecordLink,
    Task,
    TimelineEvent,
    ValidationError,
    is_local_id,
)
from crmdesk.model.limits import ValueLimits
from crmdesk.model.schema import DEFAULT_CONFIG
from crmdesk.model.values import validate_value, values_equal
from crmdesk.store.clock import EditClock
from crmdesk.store.entries import EntryRepo
from crmdesk.store.errors import NotFound
from crmdesk.store.links import ISSUE_KEY, IssueLinkRepo, LinkRepo, clean_roles
from crmdesk.store.notes_tasks import NoteRepo, NotificationRepo, TaskRepo, TimelineRepo
from crmdesk.store.outbox import Outbox
from crmdesk.store.records import RecordRepo
from crmdesk.store.schema_repo import SchemaRepo

MAX_NOTE_LENGTH = 1_000_000
MAX_LIST_NAME = 120
MAX_ROLE_LENGTH = 200
#: A queued create in these states never reached the server: unlinking it only drops it.
_NEVER_SENT = (MutationState.PENDING, MutationState.REJECTED)


def new_local_id() -> str:
    return f"{LOCAL_ID_PREFIX}{uuid.uuid4()}"


def _local_id(given: str | None) -> str:
    """``given`` (a caller's own local id), else a new one."""
    if given is None:
        return new_local_id()
    if not is_local_id(given):
        raise ValueError(f"{given!r} is not a local id")
    return given


def _validated(
    obj_attrs: Callable[[str], Any], changes: Mapping[str, Any], owner: str, limits: ValueLimits
) -> dict[str, Any]:
    """Canonical values the model accepts and the workspace's server can hold (``limits``)."""
    clean: dict[str, Any] = {}
    for slug, value in changes.items():
        attr = obj_attrs(slug)
        if attr is None:
            raise ValidationError(slug, f"is not an attribute of {owner}")
        checked = validate_value(attr, value)
        if checked is None and attr.required:
            raise ValidationError(attr.title or attr.slug, "is required and cannot be emptied")
        limits.check(attr, checked)
        clean[slug] = checked
    return clean


def _defaults(obj: ObjectDef, limits: ValueLimits) -> dict[str, Any]:
    """Each attribute's default value (``config["default"]``) the model reads as a value of its type;
    one it cannot read is left to the server, which fills it in anyway."""
    found: dict[str, Any] = {}
    for attr in obj.attributes:
        default = attr.config.get(DEFAULT_CONFIG)
        if default is None:
            continue
        try:
            checked = validate_value(attr, default)
            limits.check(attr, checked)
        except ValidationError:
            continue
        if checked is not None:
            found[attr.slug] = checked
    return found


def _roles(roles: Sequence[str]) -> tuple[str, ...]:
    """Roles as kept (``links.clean_roles``: one spacing, no empties, no repeats ignoring case,
    in the order typed), each at most ``MAX_ROLE_LENGTH`` characters."""
    clean = clean_roles(roles)
    for role in clean:
        if len(role) > MAX_ROLE_LENGTH:
            raise ValidationError("Role", f"“{role[:40]}…” is longer than {MAX_ROLE_LENGTH} characters")
    return clean


def _link_changes(own_object: str, other_id: str, other_object: str, roles: Sequence[str]) -> dict[str, Any]:
    """A LINK mutation's changes: the other end (an offline id there is rewritten with the rest, and
    waited for), both objects (a record deleted here since is still named), and the roles."""
    return {"object": own_object, "other": other_id, "other_object": other_object, "roles": list(roles)}


def _never_sent(queued: list[Mutation]) -> bool:
    """Whether these queued mutations of one link (oldest first) begin with its create, and that
    create never reached the server: then the server has no such link."""
    return bool(queued) and queued[0].op is MutationOp.CREATE and queued[0].state in _NEVER_SENT


class Edits:
    def __init__(
        self,
        write: Callable[[], AbstractContextManager[None]],
        schema: SchemaRepo,
        records: RecordRepo,
        entries: EntryRepo,
        notes: NoteRepo,
        tasks: TaskRepo,
        outbox: Outbox,
        notifications: NotificationRepo,
        timeline: TimelineRepo,
        links: LinkRepo,
        issue_links: IssueLinkRepo,
        clock: EditClock | None = None,
    ) -> None:
        self._clock = clock or EditClock()
        self._write = write
        self._schema = schema
        self._records = records
        self._entries = entries
        self._notes = notes
        self._tasks = tasks
        self._outbox = outbox
        self._notifications = notifications
        self._timeline = timeline
        self._links = links
        self._issue_links = issue_links

    def _object(self, slug: str) -> ObjectDef:
        obj = self._schema.get_object(slug)
        if obj is None:
            raise NotFound(f"The object “{slug}”")
        return obj

    # -- records -------------------------------------------------------------------------

    def create_record(self, object_slug: str, values: Mapping[str, Any]) -> Mutation:
        """A new record with ``values``, and each attribute's default value (where the server's
        schema names one: Atlas's templates) for the attributes not given — what the server would
        fill in, shown at once, offline."""
        obj = self._object(object_slug)
        limits = self._schema.value_limits()
        clean = {k: v for k, v in _validated(obj.attribute, values, obj.plural_name, limits).items() if v is not None}
        clean.update({slug: default for slug, default in _defaults(obj, limits).items() if slug not in values})
        record_id = new_local_id()
        now = self._clock.now()
        with self._write():
            self._records.put(obj, Record(record_id, obj.slug, clean, now, now))
            return self._outbox.append(EntityKind.RECORD, MutationOp.CREATE, record_id, obj.slug, clean, {})

    def create_records(self, object_slug: str, values_list: Sequence[Mapping[str, Any]], *,
                       checked: bool = False, ids: Sequence[str] | None = None) -> list[str]:
        """Many new records of one object in one transaction (an import's batch): each as
        ``create_record`` makes it, written together. Returns their local ids, in order; a value
        the model refuses refuses the whole batch before anything is written. ``checked``: the
        values are canonical and within the server's limits already (``parse_user_text`` and
        ``ValueLimits.check`` made them); only their slugs are checked. ``ids``: the local ids to
        give them (a workspace copy derives them from what it copies, so a copy cut short finds
        what it made); new ones by default."""
        if ids is not None and (len(ids) != len(values_list) or not all(map(is_local_id, ids))):
            raise ValueError("ids must be one local id per record")
        obj = self._object(object_slug)
        limits = self._schema.value_limits()
        defaults = _defaults(obj, limits)
        now = self._clock.now()
        records: list[Record] = []
        slugs = {attr.slug for attr in obj.attributes}
        for values in values_list:
            if checked:
                if not values.keys() <= slugs:
                    unknown = min(values.keys() - slugs)
                    raise ValidationError(unknown, f"is not an attribute of {obj.plural_name}")
                clean = {k: v for k, v in values.items() if v is not None}
            else:
                clean = {k: v for k, v in _validated(obj.attribute, values, obj.plural_name, limits).items()
                         if v is not None}
            clean.update({slug: default for slug, default in defaults.items() if slug not in values})
            records.append(Record(ids[len(records)] if ids is not None else new_local_id(), obj.slug, clean, now, now))
        with self._write():
            self._records.put_many(obj, records)
            self._outbox.append_record_creates([record.id for record in records], created_at=now)
        return [record.id for record in records]

    def update_record(self, record_id: str, changes: Mapping[str, Any]) -> Mutation | None:
        """Change some fields. Returns None when nothing actually changed."""
        with self._write():
            row = self._records.get(record_id)
            if row is None:
                raise NotFound(f"The record {record_id}")
            obj = self._object(row.object_slug)
            clean = _validated(obj.attribute, changes, obj.plural_name, self._schema.value_limits())
            changed = {k: v for k, v in clean.items() if not values_equal(row.values.get(k), v)}
            if not changed:
                return None
            base = {k: row.values.get(k) for k in changed}
            values = dict(row.values)
            for slug, value in changed.items():
                if value is None:
                    values.pop(slug, None)
                else:
                    values[slug] = value
            now = self._clock.now()
            self._records.change_values(obj, record_id, values, now)
            # The edit's history rows and its queued change share one time: Discard forgets the rows
            # of the change it drops by it (``FieldHistoryRepo.forget_local``).
            return self._outbox.append(EntityKind.RECORD, MutationOp.UPDATE, record_id, obj.slug, changed, base,
                                       created_at=now)

    def delete_record(self, record_id: str) -> Mutation:
        with self._write():
            row = self._records.get(record_id)
            if row is None:
                raise NotFound(f"The record {record_id}")
            # Its history stays until the server takes the delete: Discard brings the record back with it.
            self._records.delete(record_id, keep_history=True)
            # The server drops a record's links with it.
            self._links.delete_for_record(record_id)
            self._issue_links.delete_for_record(record_id)
            return self._outbox.append(
                EntityKind.RECORD, MutationOp.DELETE, record_id, row.object_slug, {}, row.values
            )

    # -- notes ----------------------------------------------------------------------------

    def create_note(self, record_id: str, title: str, content: str, *, local_id: str | None = None) -> Mutation:
        """``local_id``: the id to give the note until its push (new by default), as ``create_records``."""
        if len(content) > MAX_NOTE_LENGTH:
            raise ValidationError("Note", "is longer than a million characters")
        note_id = _local_id(local_id)
        now = self._clock.now()
        with self._write():
            if self._records.get(record_id) is None:
                raise NotFound(f"The record {record_id}")
            self._notes.put(Note(note_id, record_id, title, content, now, now))
            return self._outbox.append(
                EntityKind.NOTE, MutationOp.CREATE, note_id, record_id, {"title": title, "content": content}
            )

    def update_note(self, note_id: str, *, title: str | None = None, content: str | None = None) -> Mutation | None:
        with self._write():
            note = self._notes.get(note_id)
            if note is None:
                raise NotFound(f"The note {note_id}")
            changes = {k: v for k, v in (("title", title), ("content", content)) if v is not None}
            changes = {k: v for k, v in changes.items() if getattr(note, k) != v}
            if not changes:
                return None
            base = {k: getattr(note, k) for k in changes}
            for key, value in changes.items():
                setattr(note, key, value)
            note.updated_at = self._clock.now()
            self._notes.put(note)
            return self._outbox.append(EntityKind.NOTE, MutationOp.UPDATE, note_id, note.record_id, changes, base)

    def delete_note(self, note_id: str) -> Mutation:
        with self._write():
            note = self._notes.get(note_id)
            if note is None:
                raise NotFound(f"The note {note_id}")
            self._notes.delete(note_id)
            return self._outbox.append(
                EntityKind.NOTE, MutationOp.DELETE, note_id, note.record_id, {},
                {"title": note.title, "content": note.content},
            )

    # -- comments -------------------------------------------------------------------------

    def add_comment(self, record_id: str, content: str, *, local_id: str | None = None) -> Mutation:
        """A comment on the record, shown in its timeline at once and sent with the next sync."""
        text = content.strip()
        if not text:
            raise ValidationError("Comment", "is empty")
        if len(text) > MAX_NOTE_LENGTH:
            raise ValidationError("Comment", "is longer than a million characters")
        comment_id = _local_id(local_id)
        with self._write():
            if self._records.get(record_id) is None:
                raise NotFound(f"The record {record_id}")
            event = TimelineEvent(comment_id, record_id, COMMENT_KIND, "Comment", self._clock.now(), text)
            self._timeline.put_many([event])
            return self._outbox.append(EntityKind.COMMENT, MutationOp.CREATE, comment_id, record_id, {"content": text})

    # -- links between records, and to issues ------------------------------------------------

    def link_records(self, record_id: str, other_id: str, roles: Sequence[str]) -> Mutation:
        """Link two records with ``roles`` (one link, seen from both); sent with the next sync."""
        clean = _roles(roles)
        if record_id == other_id:
            raise ValidationError("Link", "a record cannot be linked to itself")
        with self._write():
            row = self._records.get(record_id)
            if row is None:
                raise NotFound(f"The record {record_id}")
            other = self._records.get(other_id)
            if other is None:
                raise ValidationError("Link", "the record to link to is not in the local copy (sync, then try again)")
            if self._links.get(record_id, other_id) is not None:
                raise ValidationError("Link", f"“{row.title or UNTITLED}” and “{other.title or UNTITLED}” are "
                                              "already linked; change the link's roles instead")
            self._links.put(RecordLink(record_id, other_id, other.object_slug, clean), row.object_slug)
            return self._outbox.append(EntityKind.LINK, MutationOp.CREATE, other_id, record_id,
                                       _link_changes(row.object_slug, other_id, other.object_slug, clean))

    def set_link_roles(self, record_id: str, other_id: str, roles: Sequence[str]) -> Mutation | None:
        """The link's new roles (all of them). Returns None when they are the ones it has."""
        clean = _roles(roles)
        with self._write():
            link = self._links.get(record_id, other_id)
            own_object = self._links.object_of(record_id, other_id)
            if link is None or own_object is None:
                raise NotFound("The link between these records")
            if link.roles == clean:
                return None
            self._links.put(RecordLink(record_id, other_id, link.other_object, clean), own_object)
            return self._outbox.append(EntityKind.LINK, MutationOp.UPDATE, other_id, record_id,
                                       _link_changes(own_object, other_id, link.other_object, clean),
                                       {"roles": list(link.roles)})

    def unlink_records(self, record_id: str, other_id: str) -> Mutation | None:
        """Unlink two records. A link made here and never sent is simply forgotten, with every
        change queued for it (returns None); else the unlink is queued (queued role changes go)."""
        with self._write():
            link = self._links.get(record_id, other_id)
            own_object = self._links.object_of(record_id, other_id)
            if link is None or own_object is None:
                raise NotFound("The link between these records")
            queued = sorted((m for m in [*self._outbox.for_target(other_id, entity=EntityKind.LINK),
                                         *self._outbox.for_target(record_id, entity=EntityKind.LINK)]
                             if {m.scope, m.target_id} == {record_id, other_id}),
                            key=lambda m: m.op_id or 0)
            self._drop(queued)
            self._links.delete(record_id, other_id)
            if _never_sent(queued):
                return None
            return self._outbox.append(EntityKind.LINK, MutationOp.DELETE, other_id, record_id,
                                       _link_changes(own_object, other_id, link.other_object, ()),
                                       {"roles": list(link.roles)})

    def link_issue(self, record_id: str, key: str) -> Mutation:
        """Link the record to an issue key ("sales-12" is kept as SALES-12); sent with the next sync."""
        clean = key.strip().upper()
        if not ISSUE_KEY.fullmatch(clean):
            raise ValidationError("Issue", f"“{key.strip()}” is not an issue key: a project key, a dash and a "
                                           "number, like SALES-12")
        with self._write():
            row = self._records.get(record_id)
            if row is None:
                raise NotFound(f"The record {record_id}")
            if self._issue_links.has(record_id, clean):
                raise ValidationError("Issue", f"{clean} is already linked to “{row.title or UNTITLED}”")
            self._issue_links.add(record_id, clean)
            return self._outbox.append(EntityKind.ISSUE_LINK, MutationOp.CREATE, clean, record_id,
                                       {"object": row.object_slug, "key": clean})

    def unlink_issue(self, record_id: str, key: str) -> Mutation | None:
        """Unlink an issue key. One linked here and never sent is simply forgotten (returns None)."""
        clean = key.strip().upper()
        with self._write():
            row = self._records.get(record_id)
            if row is None or not self._issue_links.has(record_id, clean):
                raise NotFound(f"The issue {clean} of this record")
            queued = [m for m in self._outbox.for_target(clean, entity=EntityKind.ISSUE_LINK) if m.scope == record_id]
            self._drop(queued)
            self._issue_links.remove(record_id, clean)
            if _never_sent(queued):
                return None
            return self._outbox.append(EntityKind.ISSUE_LINK, MutationOp.DELETE, clean, record_id,
                                       {"object": row.object_slug, "key": clean})

    def _drop(self, queued: list[Mutation]) -> None:
        for mutation in queued:
            assert mutation.op_id is not None
            self._outbox.remove(mutation.op_id)

    # -- tasks ----------------------------------------------------------------------------

    def create_task(
        self,
        content: str,
        *,
        deadline: str | None = None,
        record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
        local_id: str | None = None,
    ) -> Mutation:
        if not content.strip():
            raise ValidationError("Task", "needs some text")
        # The author is recorded here: a task I make with no assignee stays mine (Home, reminders)
        # after its push, also where the server names no author.
        task = Task(_local_id(local_id), content, deadline, False, None, list(record_ids or []),
                    list(assignee_ids or []), self._clock.now(), created_by=self._schema.my_actor_id())
        with self._write():
            self._tasks.put(task)
            return self._outbox.append(
                EntityKind.TASK, MutationOp.CREATE, task.id, "",
                {"content": content, "deadline": deadline, "record_ids": task.record_ids,
                 "assignee_ids": task.assignee_ids},
            )

    def update_task(self, task_id: str, **changes: Any) -> Mutation | None:
        allowed = {"content", "deadline", "done", "record_ids", "assignee_ids"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError("Task", f"has no field {', '.join(sorted(unknown))}")
        with self._write():
            task = self._tasks.get(task_id)
            if task is None:
                raise NotFound(f"The task {task_id}")
            changed = {k: v for k, v in changes.items() if getattr(task, k) != v}
            if not changed:
                return None
            base = {k: getattr(task, k) for k in changed}
            for key, value in changed.items():
                setattr(task, key, value)
            if "done" in changed:
                task.completed_at = self._clock.now() if task.done else None
            self._tasks.put(task)
            return self._outbox.append(EntityKind.TASK, MutationOp.UPDATE, task_id, "", changed, base)

    def delete_task(self, task_id: str) -> Mutation:
        with self._write():
            task = self._tasks.get(task_id)
            if task is None:
                raise NotFound(f"The task {task_id}")
            self._tasks.delete(task_id)
            return self._outbox.append(EntityKind.TASK, MutationOp.DELETE, task_id, "", {}, {"content": task.content})

    # -- list entries ------------------------------------------------------------------------

    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None, *,
                  local_id: str | None = None) -> Mutation:
        list_def = self._schema.get_list(list_id)
        if list_def is None:
            raise NotFound(f"The list {list_id}")
        limits = self._schema.value_limits()
        clean = {k: v for k, v in _validated(list_def.attribute, values or {}, list_def.name, limits).items()
                 if v is not None}
        now = self._clock.now()
        with self._write():
            if self._records.get(record_id) is None:
                raise NotFound(f"The record {record_id}")
            entry = Entry(_local_id(local_id), list_id, record_id, clean, now, now)
            self._entries.put(list_def, entry)
            return self._outbox.append(
                EntityKind.ENTRY, MutationOp.CREATE, entry.id, list_id, {"record_id": record_id, **clean}
            )

    def update_entry(self, entry_id: str, changes: Mapping[str, Any]) -> Mutation | None:
        with self._write():
            row = self._entries.get(entry_id)
            if row is None:
                raise NotFound(f"The list entry {entry_id}")
            list_def = self._schema.get_list(row.list_id)
            if list_def is None:
                raise NotFound(f"The list {row.list_id}")
            clean = _validated(list_def.attribute, changes, list_def.name, self._schema.value_limits())
            changed = {k: v for k, v in clean.items() if not values_equal(row.values.get(k), v)}
            if not changed:
                return None
            base = {k: row.values.get(k) for k in changed}
            values = {**row.values, **changed}
            values = {k: v for k, v in values.items() if v is not None}
            entry = Entry(entry_id, row.list_id, row.record_id, values, row.created_at, self._clock.now())
            self._entries.put(list_def, entry)
            return self._outbox.append(EntityKind.ENTRY, MutationOp.UPDATE, entry_id, row.list_id, changed, base)

    def remove_entry(self, entry_id: str) -> Mutation:
        with self._write():
            row = self._entries.get(entry_id)
            if row is None:
                raise NotFound(f"The list entry {entry_id}")
            self._entries.delete(entry_id)
            return self._outbox.append(
                EntityKind.ENTRY, MutationOp.DELETE, entry_id, row.list_id, {},
                {"record_id": row.record_id, **row.values},
            )



    # -- lists ----------------------------------------------------------------------------------

    @staticmethod
    def _list_name(name: str) -> str:
        clean = name.strip()
        if not clean:
            raise ValidationError("List", "needs a name")
        if len(clean) > MAX_LIST_NAME:
            raise ValidationError("List", f"names are at most {MAX_LIST_NAME} characters")
        return clean

    def create_list(self, name: str, parent_object: str, private: bool = False) -> Mutation:
        """A new, empty list of ``parent_object``'s records, with a local id until it is pushed."""
        clean = self._list_name(name)
        self._object(parent_object)
        list_def = ListDef(new_local_id(), clean, parent_object, None, bool(private))
        with self._write():
            self._schema.save_list(list_def, self._schema.next_list_position())
            return self._outbox.append(
                EntityKind.LIST, MutationOp.CREATE, list_def.id, parent_object,
                {"name": clean, "parent_object": parent_object, "private": bool(private)},
            )

    def rename_list(self, list_id: str, name: str, private: bool | None = None) -> Mutation | None:
        """A new name (and, when given, privacy). Returns None when nothing actually changed."""
        clean = self._list_name(name)
        with self._write():
            list_def = self._schema.get_list(list_id)
            if list_def is None:
                raise NotFound(f"The list {list_id}")
            changes: dict[str, Any] = {}
            if clean != list_def.name:
                changes["name"] = clean
            if private is not None and bool(private) != list_def.private:
                changes["private"] = bool(private)
            if not changes:
                return None
            base = {"name": list_def.name, "private": list_def.private}
            self._schema.rename_list(list_id, changes.get("name", list_def.name), changes.get("private"))
            return self._outbox.append(
                EntityKind.LIST, MutationOp.UPDATE, list_id, list_def.parent_object, changes,
                {k: base[k] for k in changes},
            )

    def delete_list(self, list_id: str) -> Mutation:
        """The list and its entries go; the records stay. Queued entry changes of the list are
        dropped: the server deletes a list's entries with it."""
        with self._write():
            list_def = self._schema.get_list(list_id)
            if list_def is None:
                raise NotFound(f"The list {list_id}")
            self._entries.delete_list(list_id)
            self._outbox.remove_scoped(EntityKind.ENTRY, list_id)
            self._schema.delete_list(list_id)
            return self._outbox.append(
                EntityKind.LIST, MutationOp.DELETE, list_id, list_def.parent_object, {},
                {"name": list_def.name, "parent_object": list_def.parent_object, "private": list_def.private},
            )

    # -- notifications ------------------------------------------------------------------------

    def mark_notifications_read(self, notification_ids: list[str]) -> list[Mutation]:
        """Read here at once; the server hears it on the next sync (one outbox row each)."""
        mutations = []
        with self._write():
            for notification_id in notification_ids:
                if self._notifications.mark_read(notification_id):
                    mutations.append(self._outbox.append(
                        EntityKind.NOTIFICATION, MutationOp.UPDATE, notification_id, "", {"read": True}, {"read": False}
                    ))
        return mutations
