"""Members (read-only), notes (added and deleted, never edited) and tasks.

- Members are ``/v2/workspace_members``: name from ``first_name`` and ``last_name``, role the
  ``access_level`` (``admin``, ``member``, ``suspended``). Attio's API cannot invite, change or
  remove a member: those calls are refused (``UNSUPPORTED``).
- Notes: ``GET /v2/notes`` (50 a page at most), created with ``format: markdown`` (the model's
  notes are markdown) and read back as ``content_markdown``. Attio has no note update: a note is
  added or deleted (``notes_editable`` off), ``update_note`` is refused.
- Tasks: text (``content_plaintext``), ``deadline_at``, ``is_completed``, ``linked_records``,
  ``assignees`` (members). Everything but the text can change after a task is made
  (``update_task`` refuses new text, ``task_links_writable`` on with ``task:read-write``); a linked
  record names its object, which the model's ids do not: ``object_of`` finds it, and a link to a
  record no object has is refused naming ``record_ids``.
- Adding or deleting a note or task needs ``note:read-write`` / ``task:read-write``; ``notes`` and
  ``tasks`` stay on with the read scopes (there is no capability to say "read-only"), and such a
  write is refused before it is sent, naming the scope (``require_scopes``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import Member, Note, Task
from crmdesk.remote.absent import FixedMembersMixin
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.records import RecordsMixin, gone
from crmdesk.remote.attio.session import MAX_PAGE, MAX_SMALL_PAGE, row_of, rows_of
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NotFound, PermissionDenied, ServerRejected, unsupported
from crmdesk.remote.rows import clean, each, timestamp, whole
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)

MEMBERS_FIXED = "Attio's API cannot invite, change or remove members (its web app can)"
NOTES_FIXED = "Attio's API cannot change a note after it is made; delete it and add a new one"
TASK_TEXT_FIXED = "Attio's API cannot change a task's text after it is made"


def member(row: Mapping[str, Any]) -> Member:
    ident = ids.inner(row, "workspace_member_id", "A member")
    owner = f"member {ident}"
    parts = [clean(row.get(key), None, "name", owner) for key in ("first_name", "last_name")]
    email = clean(row.get("email_address"), None, "email", owner)
    level = row.get("access_level")
    return Member(
        id=ident,
        name=" ".join(part.strip() for part in parts if isinstance(part, str) and part.strip()),
        email=email if isinstance(email, str) else "",
        role=level if level in ("admin", "member", "suspended") else "member",
    )


def note(row: Mapping[str, Any]) -> Note:
    """A note; ``PoisonedRow`` when its content or id is poisoned (``each`` skips it)."""
    ident = ids.inner(row, "note_id", "A note")
    owner = f"note {ident}"
    markdown = row.get("content_markdown")
    content = whole(markdown if isinstance(markdown, str) else row.get("content_plaintext"), "content", owner)
    parent = whole(row.get("parent_record_id"), "record", owner)
    title = clean(row.get("title"), None, "title", owner)
    return Note(
        id=ident,
        record_id=parent if isinstance(parent, str) else "",
        title=title if isinstance(title, str) else "",
        content=content if isinstance(content, str) else "",
        created_at=timestamp(row.get("created_at")),
        created_by=ids.member_of(row.get("created_by_actor")),
    )


def task(row: Mapping[str, Any]) -> Task:
    """A task; ``PoisonedRow`` when its text is poisoned (a task is its text), a poisoned link or
    assignee is left out."""
    ident = ids.inner(row, "task_id", "A task")
    owner = f"task {ident}"
    text = whole(row.get("content_plaintext"), "text", owner)
    links, people = row.get("linked_records"), row.get("assignees")
    links = links if isinstance(links, list) else []
    people = people if isinstance(people, list) else []
    record_ids = [clean(link.get("target_record_id"), None, "linked record", owner)
                  for link in links if isinstance(link, Mapping)]
    assignees = [clean(ids.member_of({"type": p.get("referenced_actor_type"), "id": p.get("referenced_actor_id")}),
                       None, "assignee", owner) for p in people if isinstance(p, Mapping)]
    return Task(
        id=ident,
        content=text if isinstance(text, str) else "",
        deadline=timestamp(row.get("deadline_at")),
        done=row.get("is_completed") is True,
        record_ids=[r for r in record_ids if isinstance(r, str) and r],
        assignee_ids=[a for a in assignees if isinstance(a, str) and a],
        created_at=timestamp(row.get("created_at")),
        created_by=ids.member_of(row.get("created_by_actor")),
    )


class CollabMixin(RecordsMixin, FixedMembersMixin):
    members_fixed = MEMBERS_FIXED

    # -- members --------------------------------------------------------------------------------

    def members(self) -> list[Member]:
        """Every member; none (logged) for a token without ``user_management:read``."""
        if not self.allows(("user_management:read",)):
            log.info("members not read: this token lacks the scope “user_management:read”")
            return []
        try:
            rows = rows_of(self.get("/workspace_members"), "members")
        except PermissionDenied as error:
            log.warning("members not read: %s", error.message)
            return []
        return each(rows, member, "a member")

    # -- notes ----------------------------------------------------------------------------------

    def iter_notes(self, page_size: int = MAX_SMALL_PAGE) -> Iterator[list[Note]]:
        for rows in self.listing("/notes", "note_id", page_size, MAX_SMALL_PAGE):
            yield each(rows, note, "a note")

    def notes_for(self, object_slug: str, record_id: str) -> list[Note]:
        if not ids.is_uuid(record_id):
            return []  # made offline: the server has none on it
        params = {"parent_object": object_slug, "parent_record_id": record_id}
        return [n for rows in self.listing("/notes", "note_id", MAX_SMALL_PAGE, MAX_SMALL_PAGE, params)
                for n in each(rows, note, "a note")]

    def create_note(self, object_slug: str, record_id: str, title: str, content: str) -> Note:
        data = {"parent_object": object_slug, "parent_record_id": ids.require(record_id, "record_id"),
                "title": title, "format": "markdown", "content": content}
        self.require_scopes("notes", "Adding a note")
        return note(row_of(self.call("POST", "/notes", body={"data": data}, kind=RequestKind.CREATE), "a note"))

    def update_note(
        self, note_id: str, *, parent: NoteParent | None, title: str | None = None, content: str | None = None,
        base_content: str | None = None,
    ) -> Note:
        raise unsupported("Changing a note", NOTES_FIXED)

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        """Addressed by the note's own id: ``parent`` is not needed."""
        path = f"/notes/{seg(ids.require(note_id, 'id', 'note'))}"
        self.require_scopes("notes", "Deleting a note")
        with contextlib.suppress(NotFound):
            self.call("DELETE", path)

    # -- tasks ----------------------------------------------------------------------------------

    def iter_tasks(self, include_completed: bool = True, page_size: int = MAX_PAGE) -> Iterator[list[Task]]:
        params: dict[str, Any] = {"sort": "created_at:desc"}
        if not include_completed:
            params["is_completed"] = "false"
        for rows in self.listing("/tasks", "task_id", page_size, MAX_PAGE, params):
            tasks = each(rows, task, "a task")
            yield tasks if include_completed else [t for t in tasks if not t.done]

    def create_task(
        self, content: str, *, deadline: str | None = None, record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
    ) -> Task:
        data = {"content": content, "format": "plaintext", "deadline_at": deadline or None, "is_completed": False,
                "linked_records": self._links(record_ids or []), "assignees": _assignees(assignee_ids or [])}
        self.require_scopes("tasks", "Adding a task")
        return task(row_of(self.call("POST", "/tasks", body={"data": data}, kind=RequestKind.CREATE), "a task"))

    def update_task(
        self, task_id: str, *, content: str | None = None, deadline: str | None = None,
        done: bool | None = None, record_ids: list[str] | None = None, assignee_ids: list[str] | None = None,
    ) -> Task:
        if content is not None:
            # crmdesk edits a task's state, deadline and links, never its text: refused should a caller try.
            raise unsupported("Changing a task's text", TASK_TEXT_FIXED)
        data: dict[str, Any] = {}
        if deadline is not None:
            data["deadline_at"] = deadline or None  # "" clears it
        if done is not None:
            data["is_completed"] = done
        if record_ids is not None:
            data["linked_records"] = self._links(record_ids)
        if assignee_ids is not None:
            data["assignees"] = _assignees(assignee_ids)
        path = f"/tasks/{seg(ids.require(task_id, 'id', 'task'))}"
        if not data:
            return task(row_of(self.get(path), "a task"))
        self.require_scopes("tasks", "Changing a task")
        return task(row_of(self.call("PATCH", path, body={"data": data}), "a task"))

    def delete_task(self, task_id: str) -> None:
        path = f"/tasks/{seg(ids.require(task_id, 'id', 'task'))}"
        self.require_scopes("tasks", "Deleting a task")
        with contextlib.suppress(NotFound):
            self.call("DELETE", path)

    def _links(self, record_ids: list[str]) -> list[dict[str, str]]:
        """Each linked record with its object (as read, else asked for); a record no object has is
        refused naming ``record_ids`` (never ``NotFound``: the task is not what is gone)."""
        links = []
        for record_id in record_ids:
            slug = self.object_of(ids.require(record_id, "record_ids"))
            if slug is None:
                message = f"The task {gone(record_id)}"
                raise ServerRejected(message, field_errors={"record_ids": message})
            links.append({"target_object": slug, "target_record_id": record_id})
        return links


def _assignees(member_ids: list[str]) -> list[dict[str, str]]:
    return [{"referenced_actor_type": "workspace-member", "referenced_actor_id": ids.require(m, "assignee_ids",
                                                                                            "member")}
            for m in member_ids]


__all__ = ["MEMBERS_FIXED", "NOTES_FIXED", "TASK_TEXT_FIXED", "CollabMixin", "member", "note", "task"]
