"""A queued mutation in a user's words: the Pending changes panel's rows and what discarding
one loses, ``crmdesk sync``'s list of what waits. Plain Python over the store, below the UI, so
the headless command never loads the window's package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmdesk.model import EntityKind, Mutation, MutationOp, record_title
from crmdesk.model.values import display_text
from crmdesk.store import Store

VERBS = {MutationOp.CREATE: "Create", MutationOp.UPDATE: "Edit", MutationOp.DELETE: "Delete"}


@dataclass(frozen=True, slots=True)
class Description:
    """A mutation in a user's words: the row text and what discarding it loses."""

    what: str
    loses: str
    #: The values the user typed ("Name: Acme; Stage: Won"), shown beside a refusal: kept even
    #: when the server no longer has the attribute or the object they belong to.
    typed: str = ""


def _record_title(store: Store, mutation: Mutation) -> str:
    obj = store.schema.get_object(mutation.scope)
    row = store.records.get(mutation.target_id)
    if row is not None:
        return row.title
    if obj is not None:
        # A deleted record is gone from the cache: its last values are the mutation's base.
        return record_title(obj, mutation.base or mutation.changes)
    return f"a record of “{mutation.scope}”"  # its object went, and the cached title with it


#: How a record is named once it left the cache.
UNKNOWN_RECORD = "a record"


def titled(store: Store, record_id: str) -> str:
    """A record by its title (or as “a record” once it left the cache)."""
    row = store.records.get(record_id)
    return row.title if row is not None and row.title else UNKNOWN_RECORD


def _field_titles(store: Store, mutation: Mutation) -> list[str]:
    obj = store.schema.get_object(mutation.scope)
    titles = []
    for slug in mutation.fields:
        attr = obj.attribute(slug) if obj is not None else None
        titles.append(attr.title if attr is not None and attr.title else slug)
    return titles


def _shown(store: Store, mutation: Mutation, slug: str, value: Any) -> str:
    obj = store.schema.get_object(mutation.scope)
    attr = obj.attribute(slug) if obj is not None else None
    if attr is None:
        return "" if value is None else str(value)
    return display_text(attr, value) or "(empty)"


def _typed(store: Store, mutation: Mutation) -> str:
    names = _field_titles(store, mutation)
    return "; ".join(f"{name}: {_shown(store, mutation, slug, mutation.changes[slug])}"
                     for name, slug in zip(names, mutation.fields, strict=True))


def describe(store: Store, mutation: Mutation) -> Description:
    """“Edit Job title of Jane Doe”, and what a discard would throw away."""
    verb = VERBS[mutation.op]
    if mutation.entity is EntityKind.RECORD:
        title = _record_title(store, mutation)
        obj = store.schema.get_object(mutation.scope)
        noun = obj.singular_name if obj is not None else "record"
        if mutation.op is MutationOp.UPDATE:
            names = _field_titles(store, mutation)
            fields = ", ".join(names)
            lost = _typed(store, mutation)
            return Description(f"Edit {fields} of {title}",
                               f"your new value ({lost}); {title} goes back to the server's value", lost)
        if mutation.op is MutationOp.CREATE:
            return Description(f"Create {noun} {title}", f"the new {noun} “{title}” and any edits queued for it",
                               _typed(store, mutation))
        return Description(f"Delete {noun} {title}", f"the deletion; “{title}” comes back as the server has it")
    if mutation.entity is EntityKind.NOTE:
        title = str(mutation.changes.get("title") or mutation.base.get("title") or "untitled note")
        return Description(f"{verb} note “{title}”", f"this change to the note “{title}”")
    if mutation.entity is EntityKind.TASK:
        content = str(mutation.changes.get("content") or mutation.base.get("content") or "task")
        return Description(f"{verb} task “{content}”", f"this change to the task “{content}”")
    if mutation.entity is EntityKind.ENTRY:
        list_def = store.schema.get_list(mutation.scope)
        name = list_def.name if list_def is not None else "a list"
        action = {MutationOp.CREATE: "Add to", MutationOp.UPDATE: "Edit entry in",
                  MutationOp.DELETE: "Remove from"}[mutation.op]
        return Description(f"{action} {name}", f"this change to the list “{name}”")
    if mutation.entity is EntityKind.COMMENT:
        record = store.records.get(mutation.scope)
        where = f" on {record.title}" if record is not None and record.title else ""
        text = str(mutation.changes.get("content", ""))
        shown = text if len(text) <= 60 else text[:59] + "…"
        return Description(f"Comment{where}", f"the comment “{shown}”", text)
    if mutation.entity is EntityKind.LINK:
        other_id = str(mutation.changes.get("other") or mutation.target_id)
        one, other = titled(store, mutation.scope), titled(store, other_id)
        roles = ", ".join(str(role) for role in mutation.changes.get("roles") or [])
        as_roles = f" as {roles}" if roles else ""
        if mutation.op is MutationOp.CREATE:
            return Description(f"Link {one} with {other}{as_roles}", f"the link between {one} and {other}", roles)
        if mutation.op is MutationOp.UPDATE:
            return Description(f"Change the roles of the link between {one} and {other}",
                               f"the new roles ({roles or 'none'}); the link keeps the server's", roles)
        return Description(f"Unlink {one} and {other}", f"the unlinking; the link between {one} and {other} "
                                                        "comes back as the server has it")
    if mutation.entity is EntityKind.ISSUE_LINK:
        one, key = titled(store, mutation.scope), str(mutation.changes.get("key") or mutation.target_id)
        if mutation.op is MutationOp.DELETE:
            return Description(f"Unlink issue {key} from {one}", f"the unlinking of {key}")
        return Description(f"Link {one} to issue {key}", f"the link to {key}", key)
    if mutation.entity is EntityKind.NOTIFICATION:
        return Description("Mark a notification read", "marking it read on the server")
    return Description(f"{verb} {mutation.entity.value}", "this change")
