"""Lists and entries, notes, tasks, timeline and activity, notifications, search."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Entry, ListDef, Note, Notification, Task, TimelineEvent
from crmdesk.model.rich_text import parse_markdown
from crmdesk.remote.aria import tiptap, wire
from crmdesk.remote.aria.admin import attribute_body
from crmdesk.remote.aria.schema import decode_values, encode_values
from crmdesk.remote.aria.session import AriaSession
from crmdesk.remote.backend import NoteParent, SearchHit, TimelinePage
from crmdesk.remote.errors import NotFound, ProtocolError, ServerRejected, unsupported
from crmdesk.remote.paging import OffsetPage, offset_pages
from crmdesk.remote.rows import each, timestamp
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

MAX_PAGE = 200
#: The real timeline answers 400 for a limit over 100.
MAX_TIMELINE = 100
#: Why a task's links stay as created (``Capabilities.reasons``).
TASK_LINKS_FIXED = "This server cannot change a task's linked records or assignees after creation."


class CollabMixin(AriaSession):
    def _paged(self, path: str, key: str, page_size: int, params: Mapping[str, Any] | None = None) -> Any:
        def fetch(offset: int, limit: int) -> OffsetPage:
            data = self.get(path, {**(params or {}), "limit": limit, "offset": offset})
            page = wire.pagination(data)
            return OffsetPage(
                wire.rows_of(data, key, strict=True), wire.int_or_none(page.get("total")),
                wire.int_or_none(page.get("limit")),
            )

        return offset_pages(fetch, max(2, min(page_size, MAX_PAGE)))

    # -- lists ------------------------------------------------------------------------------

    def lists(self) -> list[ListDef]:
        """Every list, each read afresh: the sync's schema step calls this once per sync, and the
        entry calls after it use these definitions (``list_defs``) rather than reading them again."""
        rows = wire.rows_of(self.get("/lists"), "lists")
        out = each(rows, lambda row: self._read_list(wire.identity(row, "id", "A list")), "a list")
        self.list_defs = {list_def.id: list_def for list_def in out}
        return out

    def get_list(self, list_id: str) -> ListDef:
        list_def = self._read_list(list_id)
        self.list_defs[list_def.id] = list_def
        return list_def

    def _read_list(self, list_id: str) -> ListDef:
        row = self.get(f"/lists/{seg(list_id)}")
        attrs = row.get("attributes") if isinstance(row, Mapping) else None
        parsed = wire.attributes(attrs if isinstance(attrs, list) else [])
        return wire.list_def(row, tuple(self._list_choices(list_id, a) for a in parsed))

    def _list_choices(self, list_id: str, attr: AttributeDef) -> AttributeDef:
        """A list's status/select attribute with its statuses/options.

        Statuses and options come inline (``statuses``/``options``, as on object attributes)
        where the server sends them; otherwise they are asked of the list's options endpoint,
        the counterpart of ``/objects/{slug}/attributes/options``. A server without that
        endpoint (the recorded real one sends list attributes bare) leaves the attribute
        without choices: its values then show as stored.
        """
        if not attr.has_options or attr.options or not attr.id:
            return attr
        try:
            data = self.get(f"/lists/{seg(list_id)}/attributes/options", {"attributeId": attr.id})
            rows = wire.rows_of(data, "statuses" if attr.type is AttributeType.STATUS else "options")
        except (NotFound, ProtocolError):
            return attr
        choices = each(rows, wire.option, f"an option of {attr.slug}")
        return replace(attr, options=tuple(sorted(choices, key=lambda o: o.order)))

    def create_list(self, name: str, parent_object: str, private: bool = False) -> ListDef:
        body: dict[str, Any] = {"name": name, "objectSlug": parent_object}
        if private:
            body["isPrivate"] = True
        row = self.call("POST", "/lists", body=body)
        return self.get_list(str(wire.require(row, "id")))

    def update_list(self, list_id: str, *, name: str | None = None, private: bool | None = None) -> ListDef:
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if private is not None:
            body["isPrivate"] = private
        self.call("PATCH", f"/lists/{seg(list_id)}", body=body)
        return self.get_list(list_id)

    def delete_list(self, list_id: str) -> None:
        self.list_defs.pop(list_id, None)
        with contextlib.suppress(NotFound):  # already deleted: the goal is reached
            self.call("DELETE", f"/lists/{seg(list_id)}")

    def create_list_attribute(self, list_id: str, attribute: AttributeDef) -> AttributeDef:
        body = {k: v for k, v in attribute_body(attribute).items() if k in ("slug", "title", "type", "config")}
        row = self.call("POST", f"/lists/{seg(list_id)}/attributes", body=body)
        self.list_defs.pop(list_id, None)  # the next entry call reads the new attribute
        created = wire.attribute(row)
        return created if created is not None else attribute

    def _list_attrs(self, list_id: str) -> dict[str, AttributeDef]:
        """The list's attributes as this sync's schema step read them (read now if it did not)."""
        list_def = self.list_defs.get(list_id) or self.get_list(list_id)
        return {a.slug: a for a in list_def.attributes}

    def iter_entries(self, list_id: str, page_size: int = MAX_PAGE) -> Iterator[list[Entry]]:
        attrs = self._list_attrs(list_id)
        for rows, _total in self._paged(f"/lists/{seg(list_id)}/entries", "entries", page_size):
            yield each(rows, lambda row: self._entry(list_id, attrs, row), f"an entry of list {list_id}")

    @staticmethod
    def _entry(list_id: str, attrs: Mapping[str, AttributeDef], row: Mapping[str, Any]) -> Entry:
        entry_id = wire.identity(row, "id", "A list entry")
        return Entry(
            id=entry_id,
            list_id=list_id,
            record_id=wire.identity(row, "recordId", f"Entry {entry_id}"),
            values=decode_values(attrs, row.get("listValues") or row.get("values"), owner=f"entry {entry_id}"),
            created_at=timestamp(row.get("createdAt")),
            updated_at=timestamp(row.get("updatedAt")),
        )

    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None) -> Entry:
        attrs = self._list_attrs(list_id)
        body: dict[str, Any] = {"recordId": record_id}
        if values:
            body["values"] = encode_values(attrs, values)
        # Adding the same record twice answers the existing entry: safe to retry.
        row = self.call("POST", f"/lists/{seg(list_id)}/entries", body=body, kind=RequestKind.WRITE)
        entry = self._entry(list_id, attrs, row)
        if values and not entry.values:
            entry.values = dict(values)  # the create answer leaves list values out
        return entry

    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> None:
        body = {"values": encode_values(self._list_attrs(list_id), values)}
        self.call("PATCH", f"/lists/{seg(list_id)}/entries/{seg(entry_id)}", body=body)

    def remove_entry(self, list_id: str, entry_id: str) -> None:
        with contextlib.suppress(NotFound):  # already removed: the goal is reached
            self.call("DELETE", f"/lists/{seg(list_id)}/entries/{seg(entry_id)}")

    # -- notes --------------------------------------------------------------------------------

    def iter_notes(self, page_size: int = MAX_PAGE) -> Iterator[list[Note]]:
        read: dict[str, tuple[Mapping[str, Any], Note]] = {}
        for rows, _total in self._paged("/notes", "notes", page_size):
            page = []
            for note, row in each(rows, lambda row: (self._note_read_before(row), row), "a note"):
                read[note.id] = (row, note)
                page.append(note)
            yield page
        self.notes_read = read  # what this read saw, no more: deleted notes do not pile up

    def _note_read_before(self, row: Mapping[str, Any]) -> Note:
        """The note as the last read made it when the server sends exactly the same row (comparing
        JSON is far cheaper than converting it): a TipTap document is turned into markdown once,
        not at every sync."""
        known = self.notes_read.get(str(row.get("id")))
        if known is not None and known[0] == row:
            return replace(known[1])
        return wire.note(row)

    def notes_for(self, object_slug: str, record_id: str) -> list[Note]:
        data = self.get(f"/objects/{seg(object_slug)}/records/{seg(record_id)}/notes")
        return each(wire.rows_of(data, "notes"), wire.note, "a note")

    def create_note(self, object_slug: str, record_id: str, title: str, content: str) -> Note:
        # Written as the web app writes notes: a TipTap document (never null for a note with text).
        document = tiptap.document_json(parse_markdown(content))
        row = self.call(
            "POST", f"/objects/{seg(object_slug)}/records/{seg(record_id)}/notes",
            body={"title": title, "content": document},
        )
        return wire.note(row)

    def update_note(
        self, note_id: str, *, parent: NoteParent | None, title: str | None = None, content: str | None = None,
        base_content: str | None = None,
    ) -> Note:
        """Aria's notes are addressed by their own id: ``parent`` is not needed.

        A title-only edit sends no content, so the server keeps it byte for byte. A content
        edit reads the note's current document first: blocks the user left alone travel back
        as the server's own JSON (with whatever crmdesk cannot show in them), and a colleague's
        changes since ``base_content`` (the text the edit started from) are kept where they do
        not meet the user's; where they do, the edit is refused rather than either lost."""
        body: dict[str, Any] = {}
        if title is not None:
            body["title"] = title
        if content is not None:
            current = self.get(f"/notes/{seg(note_id)}")
            previous = current.get("content") if isinstance(current, Mapping) else None
            try:
                body["content"] = tiptap.content_for_update(content, previous, base_content)
            except tiptap.EditCrossed:
                raise ServerRejected(
                    "Someone changed the same part of this note since you edited it. The note shows their "
                    "version after the next sync; your text waits here: Retry sends it over theirs, "
                    "Discard keeps theirs."
                ) from None
        return wire.note(self.call("PATCH", f"/notes/{seg(note_id)}", body=body))

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        # Addressed by the note's own id: ``parent`` is not needed.
        with contextlib.suppress(NotFound):
            self.call("DELETE", f"/notes/{seg(note_id)}")

    # -- tasks --------------------------------------------------------------------------------

    def iter_tasks(self, include_completed: bool = True, page_size: int = MAX_PAGE) -> Iterator[list[Task]]:
        params = {"showCompleted": "true" if include_completed else "false"}
        for rows, _total in self._paged("/tasks", "tasks", page_size, params):
            yield each(rows, wire.task, "a task")

    def create_task(
        self, content: str, *, deadline: str | None = None, record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
    ) -> Task:
        body: dict[str, Any] = {"content": content}
        if deadline:
            body["deadline"] = deadline
        if record_ids:
            body["recordIds"] = list(record_ids)
        if assignee_ids:
            body["assigneeIds"] = list(assignee_ids)
        return wire.task(self.call("POST", "/tasks", body=body))

    def update_task(
        self, task_id: str, *, content: str | None = None, deadline: str | None = None,
        done: bool | None = None, record_ids: list[str] | None = None, assignee_ids: list[str] | None = None,
    ) -> Task:
        if record_ids is not None or assignee_ids is not None:
            # ARIA_DEFAULTS says so (task_links_writable off): sync never asks; refuse, not drop.
            raise ServerRejected(TASK_LINKS_FIXED)
        body = {
            k: v for k, v in (("content", content), ("deadline", deadline), ("isCompleted", done)) if v is not None
        }
        return wire.task(self.call("PATCH", f"/tasks/{seg(task_id)}", body=body))

    def delete_task(self, task_id: str) -> None:
        with contextlib.suppress(NotFound):
            self.call("DELETE", f"/tasks/{seg(task_id)}")

    # -- timeline, activity ----------------------------------------------------------------------

    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        params: dict[str, Any] = {"limit": max(1, min(limit, MAX_TIMELINE))}
        if cursor:
            params["cursor"] = cursor
        data = self.get(f"/timeline/{seg(record_id)}", params)
        events = each(wire.rows_of(data, "events"), lambda row: wire.timeline_event(row, record_id), "an event")
        nxt = data.get("nextCursor") if isinstance(data, Mapping) else None
        return TimelinePage(events, str(nxt) if nxt else None)

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        raise unsupported("Commenting", "this server keeps no comments on records")

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        data = self.get(f"/objects/{seg(object_slug)}/records/{seg(record_id)}/activity")
        return each(wire.rows_of(data, "activity"), lambda row: wire.timeline_event(row, record_id), "an event")

    # -- notifications, search -------------------------------------------------------------------

    def notifications(self, unread_only: bool = False) -> list[Notification]:
        data = self.get("/notifications", {"unreadOnly": "true" if unread_only else "false", "limit": 100})
        return each(wire.rows_of(data, "notifications"), wire.notification, "a notification")

    def mark_notification_read(self, notification_id: str) -> None:
        self.call("PATCH", f"/notifications/{seg(notification_id)}", body={})

    def mark_all_notifications_read(self) -> None:
        self.call("POST", "/notifications/mark-all-read", body={}, kind=RequestKind.WRITE)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        data = self.get("/search", {"q": query, "limit": max(1, min(limit, MAX_PAGE))})
        def hit(row: Mapping[str, Any]) -> SearchHit:
            ident = wire.identity(row, "id", "A search result")
            owner = f"search result {ident}"
            return SearchHit(
                record_id=ident,
                object_slug=wire.text(row, "objectSlug", "object", owner),
                title=wire.text(row, "title", "title", owner),
                subtitle=wire.text(row, "subtitle", "subtitle", owner),
            )

        rows = [row for row in wire.rows_of(data, "results") if row.get("type", "record") == "record"]
        return each(rows, hit, "a search result")
