"""Notes (contact, company and deal notes), tasks, members and the workspace.

Notes are plain text on this server (``text``; no rich format, README and recordings 089–100):
the model's note content is markdown, which plain-text servers carry as it is. A note lives in
the resource of its parent's object, which its id names (``contact_notes/3``, see ``ids``).
A task's links are ids of contacts, companies or deals, so each says the field it goes to.

Members are ``crm_users`` (read-only, README 14). Their rows carry API-key fields
(``basicsApiKey``, ``basicsApiKeyEnc``, ``basicsApiKeyHash``): a member is built from the keys
named in ``_member`` only, so those never reach the cache, a log line or a screen.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from crmdesk.model import Member, Note, Task, Workspace, is_local_id
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.rich_text import parse_markdown, to_markdown
from crmdesk.model.rich_text.merge import merge_blocks
from crmdesk.model.rich_text.tree import Doc
from crmdesk.remote.atomic import ids, resources
from crmdesk.remote.atomic.records import RecordsMixin
from crmdesk.remote.atomic.resources import MEMBERS, TASKS
from crmdesk.remote.atomic.session import MAX_PAGE, camel, row_id, unsupported
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NotFound, PermissionDenied, ProtocolError, ServerError, ServerRejected
from crmdesk.remote.rows import clean, each, timestamp, whole
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)

#: (notes resource, parent field written, parent key answered) by object slug.
NOTES: Mapping[str, tuple[str, str, str]] = {
    r.object_slug: r.notes for r in resources.BUILTIN if r.notes is not None
}
#: The parent's resource (``contacts``…) by notes resource (``contact_notes``…).
_NOTE_PARENTS: Mapping[str, str] = {r.notes[0]: r.name for r in resources.BUILTIN if r.notes is not None}
#: The parent key answered (``contactId``…) by notes resource.
_NOTE_KEYS: Mapping[str, str] = {r.notes[0]: r.notes[2] for r in resources.BUILTIN if r.notes is not None}
#: The task field linking a record (``contact_id``…), by the resource holding it (README: contact,
#: company, deal), and the key a task row answers it under.
_TASK_LINKS: Mapping[str, str] = {r.name: r.task_link for r in resources.BUILTIN if r.task_link is not None}
#: The same links as a task row answers them (camelCase, as every answer is).
_TASK_KEYS: Mapping[str, str] = {name: camel(link) for name, link in _TASK_LINKS.items()}


def _note(row: Mapping[str, Any], resource: str) -> Note:
    """A note of the notes ``resource``; ``PoisonedRow`` when its text or parent is poisoned, a
    poisoned title is left out."""
    ident = row_id(row, resource, "A note")
    owner = f"note {ident}"
    parent = ids.reference(_NOTE_PARENTS[resource], whole(row.get(_NOTE_KEYS[resource]), "record", owner))
    if parent is None:
        raise ProtocolError(f"A note from the server ({owner}) names no record.")
    text = whole(row.get("text"), "content", owner)
    title = clean(row.get("title"), None, "title", owner)
    creator = ids.reference(MEMBERS, row.get("crmUserId"))
    return Note(
        id=ident,
        record_id=parent,
        title=title if isinstance(title, str) else "",
        content=text if isinstance(text, str) else "",
        # ``date`` is when the note was taken (the web app sets it, and it may be edited); the
        # server keeps no other time for a note.
        created_at=timestamp(row.get("date")),
        created_by=creator,
    )


def _task(row: Mapping[str, Any]) -> Task:
    """A task; ``PoisonedRow`` when its text is poisoned (a task is its text). The server's task
    type (call, meeting…) and subtask parent have no place in the model: kept on the server
    (an update sends only what changed)."""
    ident = row_id(row, TASKS, "A task")
    owner = f"task {ident}"
    text = whole(row.get("text"), "text", owner)
    done_at = row.get("doneDate")
    links = [ids.reference(resource, row.get(key)) for resource, key in _TASK_KEYS.items()]
    assignee = ids.reference(MEMBERS, row.get("assigneeId"))
    return Task(
        id=ident,
        content=text if isinstance(text, str) else "",
        deadline=timestamp(row.get("dueDate")),
        done=done_at is not None,
        completed_at=timestamp(done_at),
        record_ids=[link for link in links if link is not None],
        assignee_ids=[assignee] if assignee is not None else [],
        created_by=ids.reference(MEMBERS, row.get("crmUserId")),
    )


def _member(row: Mapping[str, Any]) -> Member:
    """A member from the keys named here only: the row's API-key fields are never read."""
    ident = row_id(row, MEMBERS, "A member")
    owner = f"member {ident}"
    parts = [clean(row.get(key), None, "name", owner) for key in ("firstName", "lastName")]
    name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    email = clean(row.get("email"), None, "email", owner)
    return Member(
        id=ident,
        name=name,
        email=email if isinstance(email, str) else "",
        role="admin" if row.get("administrator") is True else "member",
    )


class CollabMixin(RecordsMixin):
    # -- workspace and members -------------------------------------------------------------------

    def workspace(self) -> Workspace:
        """The workspace is the server's organisation: ``organizationId`` on every row of every
        resource (a UUID; ``/api/me`` and ``configuration`` carry none, the root says only "BasicsOS
        API"). It is read from the first member, since a workspace always has one (from the first
        contact, company or deal should an account not be let read members); the name is
        ``configuration``'s title."""
        organisation = None
        for resource in ("crm_users", "contacts", "companies", "deals"):
            with contextlib.suppress(PermissionDenied):
                page = self.list_page(resource, 0, 0, {"sort": "id", "order": "ASC"})
                organisation = page.rows[0].get("organizationId") if page.rows else None
            if organisation is not None:
                break
        if not isinstance(organisation, str) or not organisation.strip() or len(organisation) > 200:
            raise ProtocolError("The server does not say which organisation (workspace) it serves.")
        whole(organisation, "organisation", "the workspace")
        config = self.configuration()
        title = config.get("title") if config is not None else None
        name = clean(title, "", "name", "the workspace") if isinstance(title, str) else ""
        return Workspace(id=organisation, name=name or "Atomic CRM")

    def members(self) -> list[Member]:
        out: list[Member] = []
        for rows, _total in self.raw_pages(MEMBERS, "id", MAX_PAGE):
            out.extend(each(rows, _member, "a member"))
        # Read newest first (as every list is paged); shown oldest first, the first admin on top.
        return sorted(out, key=lambda member: (len(member.id), member.id))

    def invite_member(self, email: str, role: str = "member") -> Member | None:
        """``POST /api/invites``: the server e-mails a sign-up link. The answer (an invite token and
        the link) is a secret and is dropped unread; the invited person is a member once signed up."""
        if role != "member":
            raise unsupported("Inviting an admin", "this server's invites carry no role; change it in its web app")
        self.call("POST", "/invites", body={"email": email}, kind=RequestKind.CREATE)
        return None

    def set_member_role(self, member_id: str, role: str) -> None:
        raise unsupported("Changing a member's role", "this server's members (crm_users) are read-only")

    def remove_member(self, member_id: str) -> None:
        raise unsupported("Removing a member", "this server's members (crm_users) are read-only")

    # -- notes ----------------------------------------------------------------------------------

    def iter_notes(self, page_size: int = MAX_PAGE) -> Iterator[list[Note]]:
        for resource, _field, _key in NOTES.values():
            for rows, _total in self.raw_pages(resource, "id", page_size):
                yield each(rows, partial(_note, resource=resource), "a note")

    def notes_for(self, object_slug: str, record_id: str) -> list[Note]:
        where = NOTES.get(object_slug)
        if where is None or is_local_id(record_id):
            return []  # custom objects have no notes; a record made offline has none on the server
        resource, field, _key = where
        parent = ids.number_in(record_id, resources.BY_OBJECT[object_slug].name, "record_id")
        extra = {"filter": json.dumps({field: parent})}
        notes: list[Note] = []
        for rows, _total in self.raw_pages(resource, "id", MAX_PAGE, extra=extra):
            notes.extend(note for note in each(rows, lambda row: _note(row, resource), "a note")
                         if note.record_id == record_id)
        return notes

    def create_note(self, object_slug: str, record_id: str, title: str, content: str) -> Note:
        where = NOTES.get(object_slug)
        if where is None:
            raise unsupported("A note on this record", f"this server keeps notes on people, companies and deals only, "
                              f"not on {object_slug}")
        resource, field, _key = where
        if is_local_id(record_id):
            raise ServerRejected("The note's record is not on the server yet (it is sent first).")
        parent_resource = resources.BY_OBJECT[object_slug].name
        parent = ids.number_in(record_id, parent_resource, "record_id")
        body: dict[str, Any] = {field: parent, "text": content}
        if title:
            body["title"] = title
        try:
            row = self.call("POST", f"/{resource}", body=body, kind=RequestKind.CREATE)
        except ServerError as error:
            # A note on a record that is gone answers a text/plain 500 (recording 094), not a 404.
            if error.status == 500 and not self._exists(parent_resource, parent):
                raise NotFound(f"The record {record_id} this note is on is no longer on the server.") from None
            raise
        return _note(self._row(row, "a created note"), resource)

    def update_note(
        self, note_id: str, *, parent: NoteParent | None, title: str | None = None, content: str | None = None,
        base_content: str | None = None,
    ) -> Note:
        """A content edit made from ``base_content`` is laid onto the server's text when a colleague
        changed it since (block by block); where both changed the same part it is refused, not
        written over theirs."""
        resource, number = self._note_path(note_id, parent)
        path = f"/{resource}/{number}"
        body: dict[str, Any] = {}
        if title is not None:
            body["title"] = title
        if content is not None:
            if base_content is not None:
                current = self.get_object_row(path, f"note {note_id}")
                content = _merged(base_content, content, current.get("text"))
            body["text"] = content
        if not body:
            return _note(self.get_object_row(path, f"note {note_id}"), resource)
        return _note(self._row(self.call("PUT", path, body=body), "a note"), resource)

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        resource, number = self._note_path(note_id, parent)
        try:
            self.call("DELETE", f"/{resource}/{number}")
        except NotFound:
            log.info("note %s was already gone", note_id)

    @staticmethod
    def _note_path(note_id: str, parent: NoteParent | None) -> tuple[str, int]:
        """(notes resource, the note's number): the id names its resource (``contact_notes/3``);
        a ``parent`` given must be of that resource's object. ``ServerRejected`` naming ``id``
        (or ``parent``) else, before anything is sent."""
        resource = ids.resource_of(note_id)
        if resource is None or resource not in _NOTE_PARENTS:
            kinds = ", ".join(_NOTE_PARENTS)
            message = f"“{note_id}” is not a note of this server (one of {kinds}, with a number)"
            raise ServerRejected(f"id: {message}", field_errors={"id": message})
        if parent is not None:
            where = NOTES.get(parent.object_slug)
            if where is None or where[0] != resource:
                message = f"note {note_id} is not on a record of {parent.object_slug}"
                raise ServerRejected(f"parent: {message}", field_errors={"parent": message})
        return resource, ids.number_in(note_id, resource, "id")

    # -- tasks ----------------------------------------------------------------------------------

    def iter_tasks(self, include_completed: bool = True, page_size: int = MAX_PAGE) -> Iterator[list[Task]]:
        extra = None
        if not include_completed:
            extra = {"filters": json.dumps([{"field": "done_date", "op": "is_empty", "value": ""}])}
        for rows, _total in self.raw_pages("tasks", "id", page_size, extra=extra):
            tasks = each(rows, _task, "a task")
            # Checked here too: a filter the server cannot apply is dropped without a word.
            yield tasks if include_completed else [task for task in tasks if not task.done]

    def create_task(
        self, content: str, *, deadline: str | None = None, record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
    ) -> Task:
        body: dict[str, Any] = {"text": content}
        if deadline:
            body["due_date"] = deadline
        body.update(self._task_links(record_ids or []))
        if assignee_ids:
            if len(assignee_ids) > 1:
                raise ServerRejected("This server's tasks have one assignee, a member of the workspace.",
                                     field_errors={"assignee_ids": "one assignee at most"})
            # ``assignee_id`` is a column of every task row (not recorded written: a server that
            # refuses it says so with a 400, a rejection naming the field).
            body["assignee_id"] = ids.number_in(assignee_ids[0], MEMBERS, "assignee_ids")
        row = self.call("POST", f"/{TASKS}", body=body, kind=RequestKind.CREATE)
        return _task(self._row(row, "a created task"))

    def update_task(
        self, task_id: str, *, content: str | None = None, deadline: str | None = None,
        done: bool | None = None, record_ids: list[str] | None = None, assignee_ids: list[str] | None = None,
    ) -> Task:
        if record_ids is not None or assignee_ids is not None:
            raise unsupported("Changing a task's links", "crmdesk sets a task's records and assignee when it is made")
        body: dict[str, Any] = {}
        if content is not None:
            body["text"] = content
        if deadline is not None:
            body["due_date"] = deadline
        if done is not None:
            # Done is a date on this server (``done_date``, 106): now, or none.
            now = parse_timestamp(datetime.fromtimestamp(self.clock.time(), UTC))
            body["done_date"] = now if done else None
        path = f"/{TASKS}/{ids.number_in(task_id, TASKS, 'id')}"
        if not body:
            return _task(self.get_object_row(path, f"task {task_id}"))
        return _task(self._row(self.call("PUT", path, body=body), "a task"))

    def delete_task(self, task_id: str) -> None:
        path = f"/{TASKS}/{ids.number_in(task_id, TASKS, 'id')}"
        with contextlib.suppress(NotFound):
            self.call("DELETE", path)

    @staticmethod
    def _task_links(record_ids: list[str]) -> dict[str, int]:
        """The task fields of ``record_ids``: ``contacts/7`` → ``contact_id: 7``, ``companies/…`` →
        ``company_id``, ``deals/…`` → ``deal_id`` (the id names its resource). An id of another
        resource, a malformed one, or one made offline is refused naming ``record_ids``, and so is
        a second record of the same kind (a task holds one of each)."""
        fields: dict[str, int] = {}
        for record_id in record_ids:
            if is_local_id(record_id):
                raise ServerRejected("A record this task links is not on the server yet (it is sent first).",
                                     field_errors={"record_ids": "not on the server yet"})
            resource = ids.resource_of(record_id)
            link = _TASK_LINKS.get(resource) if resource is not None else None
            if resource is None or link is None:
                message = f"“{record_id}” is not a person, company or deal of this server"
                raise ServerRejected(f"record_ids: {message}", field_errors={"record_ids": message})
            if link in fields:
                message = f"a task on this server links at most one record of {resource}"
                raise ServerRejected(f"record_ids: {message}", field_errors={"record_ids": message})
            fields[link] = ids.number_in(record_id, resource, "record_ids")
        return fields

    def _exists(self, resource: str, number: int) -> bool:
        try:
            row = self.get_object_row(f"/{resource}/{number}", f"{resource}/{number}")
        except NotFound:
            return False
        return ids.reference(resource, row.get("id")) == ids.qualified(resource, number)


def _merged(base: str, mine: str, theirs: Any) -> str:
    """``mine`` laid onto the server's ``theirs`` as changed since ``base``; refused where they meet."""
    if not isinstance(theirs, str) or theirs == base:
        return mine
    merged = merge_blocks(parse_markdown(base).blocks, parse_markdown(mine).blocks, parse_markdown(theirs).blocks)
    if merged is None:
        raise ServerRejected(
            "Someone changed the same part of this note since you edited it. The note shows their version after "
            "the next sync; your text waits here: Retry sends it over theirs, Discard keeps theirs."
        )
    return to_markdown(Doc(merged))
