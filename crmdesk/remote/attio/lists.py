"""Lists and their entries (scopes ``list_configuration:read`` and ``list_entry:read``; the
probe turns ``lists`` off without them).

A list is named by its ``list_id`` UUID (``ListDef.id``; ``api_slug`` is ``ListDef.slug``); its
parent object is the first of ``parent_object`` (new lists have exactly one), as a slug. Private:
``workspace_access`` null (only the members named in ``workspace_member_access`` see it; a
private list made here grants the token's own member full access, or nobody could). Its
attributes are read like an object's (``/v2/lists/{list}/attributes``, with choices).

Attio's API cannot delete a list: ``delete_list`` is refused (``UNSUPPORTED``), not dropped.
Entries are read by ``POST …/entries/query`` (offset paging like records) and written by
``entry_values``; an entry is the record's membership, ``Entry.record_id`` its
``parent_record_id``.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import AttributeDef, Entry, ListDef
from crmdesk.remote import schema_cache
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.admin import AdminMixin
from crmdesk.remote.attio.records import RecordsMixin
from crmdesk.remote.attio.session import MAX_PAGE, row_of, rows_of
from crmdesk.remote.attio.values import from_wire
from crmdesk.remote.errors import NotFound, ServerRejected, unsupported
from crmdesk.remote.rows import clean, each, timestamp, usable_identity
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

LISTS_STAY = "Attio's API cannot delete a list (its web app can)"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def list_slug(name: str) -> str:
    """A list's ``api_slug`` from its name: snake case, as Attio's own."""
    return _NOT_SLUG.sub("_", name.lower()).strip("_")[:60] or "list"


class ListsMixin(RecordsMixin, AdminMixin):
    def lists(self) -> list[ListDef]:
        """Every list, each with its attributes read afresh: the sync's schema step calls this once
        per sync, and the entry calls after it use these definitions (``list_defs``)."""
        if not self.object_slugs:
            self.load_objects()  # lists may name their parent object by id
        rows = rows_of(self.get("/lists"), "lists")
        found = each(rows, self._list_def, "a list")
        self.list_defs = {list_def.id: list_def for list_def in found}
        return found

    def get_list(self, list_id: str) -> ListDef:
        list_def = self._list_def(row_of(self.get(f"/lists/{seg(list_id)}"), f"list {list_id}"))
        self.list_defs = {**self.list_defs, list_def.id: list_def}
        return list_def

    def _list_def(self, row: Mapping[str, Any]) -> ListDef:
        list_id = ids.inner(row, "list_id", "A list")
        owner = f"list {list_id}"
        parents = row.get("parent_object")
        parent = parents[0] if isinstance(parents, list) and parents and isinstance(parents[0], str) else ""
        name = clean(row.get("name"), None, "name", owner)
        return ListDef(
            id=list_id,
            name=name if isinstance(name, str) and name else list_id,
            parent_object=self.object_slugs.get(parent, parent),
            slug=clean(row.get("api_slug"), None, "slug", owner),
            private=row.get("workspace_access") is None,
            attributes=self.load_attributes("lists", list_id),
        )

    def create_list(self, name: str, parent_object: str, private: bool = False) -> ListDef:
        """A slug already taken (409) is tried once more with a short suffix."""
        self.require_scopes("lists", "Making a list")
        access = [{"workspace_member_id": self.my_member_id(), "level": "full-access"}] if private else []
        data: dict[str, Any] = {"name": name, "api_slug": list_slug(name), "parent_object": parent_object,
                "workspace_access": None if private else "full-access", "workspace_member_access": access}
        try:
            answer = self.call("POST", "/lists", body={"data": data}, kind=RequestKind.CREATE)
        except ServerRejected as error:
            if error.status != 409:
                raise
            data["api_slug"] = f"{data['api_slug'][:53]}_{uuid.uuid4().hex[:6]}"
            answer = self.call("POST", "/lists", body={"data": data}, kind=RequestKind.CREATE)
        return self.get_list(ids.inner(row_of(answer, "a created list"), "list_id", "The created list"))

    def update_list(self, list_id: str, *, name: str | None = None, private: bool | None = None) -> ListDef:
        data: dict[str, Any] = {}
        if name is not None:
            data["name"] = name
        if private is not None:
            data["workspace_access"] = None if private else "full-access"
            if private:
                data["workspace_member_access"] = [{"workspace_member_id": self.my_member_id(),
                                                    "level": "full-access"}]
        self.require_scopes("lists", "Changing a list")
        self.call("PATCH", f"/lists/{seg(list_id)}", body={"data": data})
        return self.get_list(list_id)

    def delete_list(self, list_id: str) -> None:
        raise unsupported("Deleting a list", LISTS_STAY)

    def create_list_attribute(self, list_id: str, attribute: AttributeDef) -> AttributeDef:
        made = self.make_attribute("lists", list_id, attribute)
        for option in attribute.options:
            self._make_choice("lists", list_id, made, option)
        return self.get_list(list_id).attribute(made.slug) or made

    # -- entries --------------------------------------------------------------------------------

    def _list(self, list_id: str) -> ListDef:
        """The list as this sync's schema step read it (read now if it did not)."""
        return self.list_defs.get(list_id) or self.get_list(list_id)

    def iter_entries(self, list_id: str, page_size: int = MAX_PAGE) -> Iterator[list[Entry]]:
        attrs = {a.slug: a for a in self._list(list_id).attributes}
        for rows in self.scan(f"/lists/{seg(list_id)}/entries/query", "entry_id", page_size,
                              tie_break=False):
            yield each(rows, lambda row: self._entry(list_id, attrs, row), f"an entry of list {list_id}")

    @staticmethod
    def _entry(list_id: str, attrs: Mapping[str, AttributeDef], row: Mapping[str, Any]) -> Entry:
        entry_id = ids.inner(row, "entry_id", "A list entry")
        parent = row.get("parent_record_id")
        return Entry(
            id=entry_id, list_id=list_id,
            record_id=usable_identity(parent if isinstance(parent, str) else "", "parent_record_id",
                                      f"Entry {entry_id}"),
            values=schema_cache.decode_values(attrs, row.get("entry_values"), owner=f"entry {entry_id}",
                                              read=from_wire),
            created_at=timestamp(row.get("created_at")),
        )

    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None) -> Entry:
        list_def = self._list(list_id)
        attrs = {a.slug: a for a in list_def.attributes}
        data = {"parent_record_id": ids.require(record_id, "record_id"), "parent_object": list_def.parent_object,
                "entry_values": self.encode(attrs, values or {})}
        self.require_scopes("entries", f"Adding a record to the list {list_def.name}")
        answer = self.call("POST", f"/lists/{seg(list_id)}/entries", body={"data": data}, kind=RequestKind.CREATE)
        return self._entry(list_id, attrs, row_of(answer, "a created entry"))

    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> None:
        """``PUT`` with the changed attributes (``[]`` clears one): as for records, PUT replaces a
        multiselect's list where PATCH would add to it, and leaves the attributes not sent alone; a
        location written first reads the entry (``GET …/entries/{entry_id}``), as for records."""
        attrs = {a.slug: a for a in self._list(list_id).attributes}
        encoded = self.encode(attrs, values)
        if encoded:
            path = f"/lists/{seg(list_id)}/entries/{seg(ids.require(entry_id, 'entry_id', 'entry'))}"
            self.require_scopes("entries", "Changing a list entry")
            encoded = self.keeping_locations(attrs, values, encoded, path, "entry_values")
            self.call("PUT", path, body={"data": {"entry_values": encoded}})

    def remove_entry(self, list_id: str, entry_id: str) -> None:
        path = f"/lists/{seg(list_id)}/entries/{seg(ids.require(entry_id, 'entry_id', 'entry'))}"
        self.require_scopes("entries", "Removing a record from a list")
        with contextlib.suppress(NotFound):  # already removed: the goal is reached
            self.call("DELETE", path)


__all__ = ["LISTS_STAY", "ListsMixin", "list_slug"]
