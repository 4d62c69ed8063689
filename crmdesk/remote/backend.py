"""The ``Backend`` protocol: what sync (and the admin dialogs) need from a CRM server.

Everything here speaks the common model (``crmdesk.model``): values keyed by attribute
slug in canonical form, ``Record``/``Note``/``Task``… instances. A dialect adapter maps
its wire format both ways; sync and UI never see it. What a dialect can do is told by a
``Capabilities`` value — the UI asks it, never the dialect's name.

Errors are the typed ones of ``crmdesk.remote.errors``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from crmdesk.model import (
    AttributeDef,
    Entry,
    ListDef,
    Member,
    Note,
    Notification,
    ObjectDef,
    Option,
    Record,
    RecordLink,
    Task,
    TimelineEvent,
    Workspace,
)
from crmdesk.model.limits import NO_LIMITS, ValueLimits

#: Structured values no server is known to filter on with a plain "equals".
STRUCTURED_UNFILTERABLE = frozenset({"location", "interaction", "currency"})


#: In ``Capabilities.changed_since_objects``: every object of the workspace, those made later too.
EVERY_OBJECT = "*"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one workspace's server can do: every difference between dialects that sync or the UI
    acts on is a field here, never a test of the dialect's name. ``reasons`` says why something
    is off, in words for the user.

    The sync engine keeps the last probed value in the workspace file
    (``crmdesk.remote.capabilities_json``), so the UI knows them offline too."""

    dialect: str
    schema_admin: bool = False
    member_admin: bool = False
    lists: bool = False
    notes: bool = False
    tasks: bool = False
    timeline: bool = False
    notifications: bool = False
    #: The server lists the people its records name (``members``). Off (Atlas: Atlassian accounts,
    #: which its API does not list): a person no member names is shown by their account id, not
    #: as an unknown member.
    members_listed: bool = True
    #: A record's comment threads are read into its timeline, and a comment can be added to it.
    comments: bool = False
    #: Comments are read back (in the timeline). Off: a comment written here is shown as sent, and
    #: one whose answer was lost cannot be looked for on the server (it is refused, not sent twice).
    comments_listed: bool = True
    #: Records link to records with roles (read per record, and written).
    record_links: bool = False
    #: A record links to issue keys of a tracker ("SALES-12"): linked and unlinked, never read.
    issue_links: bool = False
    #: A note's title and text can change after it is made; else a note is only added or deleted.
    notes_editable: bool = True
    #: Objects whose records can be asked for "changed since" a time (``EVERY_OBJECT``: all of
    #: them); the others are read by a full scan on the scans' schedule.
    changed_since_objects: frozenset[str] = frozenset()
    #: The server honours an ``Idempotency-Key`` on creates, so a create may be re-sent.
    idempotent_create: bool = False
    #: Deleted records leave no trace: deletions are found only by a full id sweep. Off: a
    #: "changed since" page names the records deleted since (``RecordPage.deleted``).
    needs_delete_sweep: bool = True
    #: The page size sync asks for (records, entries, notes, tasks): the most the server gives.
    max_page_size: int = 100
    #: Writes sync may have in flight at once (through the one backend, from as many threads).
    write_concurrency: int = 1
    #: An option's (or status's) order can be written; else the admin dialog keeps its order on
    #: this computer.
    option_order_writable: bool = False
    #: An option can be deactivated (and activated again) after it is created.
    option_active_writable: bool = False
    #: A status can be marked won or lost (or open again), and the server keeps it
    #: (``Option.outcome``); else the statuses dialog shows the outcome, off, with the reason.
    status_outcome_writable: bool = False
    #: An attribute's place in its object can be written; else the order is kept on this computer.
    attribute_order_writable: bool = False
    #: A task's linked records and assignees can change after it is created.
    task_links_writable: bool = False
    #: Attributes the server sets itself and refuses in a write, as ``object.attribute`` slugs
    #: (``*`` for the object: that attribute of every object), such as an owner the server assigns.
    read_only_attributes: frozenset[str] = frozenset()
    #: Attribute types the server cannot filter records on with a plain "equals": a look-up never
    #: asks by them. Structured values by default; a dialect adds what it knows (Aria answers a
    #: filter on a personal name with an empty 500).
    unfilterable_types: frozenset[str] = field(default=STRUCTURED_UNFILTERABLE, hash=False)
    #: Values the model allows that this server cannot hold (checked when they are typed), such
    #: as several options in one select.
    value_limits: ValueLimits = field(default=NO_LIMITS, hash=False)
    reasons: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def reason(self, capability: str) -> str | None:
        """Why ``capability`` is off, in words for the user (None when it is on)."""
        if getattr(self, capability, False):
            return None
        return self.reasons.get(capability, "This server does not offer it.")

    def writable(self, object_slug: str, attribute_slug: str) -> bool:
        """Whether a write may carry the attribute (see ``read_only_attributes``)."""
        return not {f"{object_slug}.{attribute_slug}", f"*.{attribute_slug}"} & self.read_only_attributes

    def changed_since(self, object_slug: str) -> bool:
        """Whether the records of ``object_slug`` can be asked for "changed since" a time."""
        return EVERY_OBJECT in self.changed_since_objects or object_slug in self.changed_since_objects


@dataclass(frozen=True, slots=True)
class RecordPage:
    """Records not seen before in this pull, and the server's count where it gives one.

    ``unchanged``: ids of records on this page whose server time equals the one the caller
    said it holds (``known_updated_at``); they are not decoded, and not in ``records``.
    ``deleted``: on a "changed since" page of a server that keeps tombstones
    (``Capabilities.needs_delete_sweep`` off), the records deleted since."""

    records: list[Record]
    total: int | None = None
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NoteParent:
    """The record a note hangs off, for a dialect whose note endpoints are under the record
    (or per object type, such as contact notes and deal notes)."""

    object_slug: str
    record_id: str


@dataclass(frozen=True, slots=True)
class TimelinePage:
    events: list[TimelineEvent]
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    record_id: str
    object_slug: str
    title: str
    subtitle: str = ""


@runtime_checkable
class Backend(Protocol):
    """One workspace on one server. Blocking calls: run them off the GUI thread.

    One backend may be called from several threads at once: the pusher sends up to
    ``Capabilities.write_concurrency`` updates (and the push round reads as many records) in
    parallel through it. Its transport is safe to share and refreshes credentials once for all
    of them; what an adapter keeps between calls must be caches of frozen values that are only
    replaced (a whole mapping, or one key's value), never changed in place (docs/remote.md, "Threads").
    """

    @property
    def capabilities(self) -> Capabilities:
        """What is known without asking (the dialect's defaults, or the last probe)."""
        ...

    def probe_capabilities(self) -> Capabilities:
        """Ask the server what it really does (may take a few requests)."""
        ...

    def close(self) -> None: ...

    def interrupt_waits_on(self, cancel: threading.Event | None) -> None:
        """Waits before a retry (Retry-After, backoff) end at once when ``cancel`` is set."""
        ...

    def record_web_url_templates(self) -> dict[str, str]:
        """Where a record is seen in the server's own web app, per object: object slug → an
        http(s) address with ``{id}`` (the record's id, escaped) to fill, as far as the dialect
        knows them (some learn them from the records read, so ask after a pull). An object left
        out has no known address; none at all is the default."""
        ...

    # -- workspace and members ----------------------------------------------------------
    def workspace(self) -> Workspace: ...
    def members(self) -> list[Member]: ...
    def invite_member(self, email: str, role: str = "member") -> Member | None: ...
    def set_member_role(self, member_id: str, role: str) -> None: ...
    def remove_member(self, member_id: str) -> None: ...

    # -- schema -------------------------------------------------------------------------
    def objects(self) -> list[ObjectDef]:
        """Every object with its attributes, options and statuses."""
        ...

    def get_object(self, slug: str) -> ObjectDef:
        """One object asked for by its slug (``NotFound`` when the server has none): how a sync
        checks an object that a list answer left out before believing it is gone."""
        ...

    def create_object(
        self, slug: str, singular_name: str, plural_name: str, icon: str | None = None
    ) -> ObjectDef: ...
    def update_object(
        self, slug: str, *, singular_name: str | None = None, plural_name: str | None = None,
        icon: str | None = None,
    ) -> ObjectDef: ...
    def delete_object(self, slug: str) -> None: ...
    def create_attribute(self, object_slug: str, attribute: AttributeDef) -> AttributeDef: ...
    def update_attribute(
        self, object_slug: str, attribute_id: str, *, title: str | None = None,
        required: bool | None = None, unique: bool | None = None, order: int | None = None,
    ) -> AttributeDef:
        """``order``: the attribute's place in its object, sent only where
        ``Capabilities.attribute_order_writable``."""
        ...

    def delete_attribute(self, object_slug: str, attribute_id: str) -> None: ...
    def create_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option: ...
    def update_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        """Title and color; ``order`` and ``active`` too where ``Capabilities.option_order_writable``
        and ``option_active_writable`` say the server stores them (elsewhere they are not sent)."""
        ...

    def delete_option(self, object_slug: str, attribute: AttributeDef, option_id: str) -> None: ...

    # -- records --------------------------------------------------------------------------
    def iter_record_pages(
        self, object_slug: str, changed_since: str | None = None, page_size: int = 200,
        known_updated_at: Mapping[str, str] | None = None,
    ) -> Iterator[RecordPage]:
        """Every record (or every one changed since an ISO time, where the dialect can),
        each exactly once even while others create and delete records meanwhile.

        ``known_updated_at`` (record id → the canonical server time the cache holds): a record
        whose server time is that one is only named in ``RecordPage.unchanged``, not decoded —
        what makes a full scan of an unchanged workspace cost little more than its paging."""
        ...

    def record_ids(self, object_slug: str) -> set[str]:
        """All record ids: the sweep that finds deletions on servers without tombstones."""
        ...

    def get_record(self, object_slug: str, record_id: str) -> Record: ...
    def create_record(self, object_slug: str, values: Mapping[str, Any], idempotency_key: str) -> Record: ...
    def find_records_by(self, object_slug: str, attribute: str, value: Any, limit: int = 20) -> list[Record]:
        """Records whose ``attribute`` equals ``value`` (an element of a multi-value), at most
        ``limit``: how a create of unknown outcome is looked up before it is sent again."""
        ...

    def update_record(self, object_slug: str, record_id: str, changed: Mapping[str, Any]) -> Record:
        """Send only the changed fields; ``None`` clears one."""
        ...

    def delete_record(self, object_slug: str, record_id: str) -> None:
        """Delete; a record that is already gone counts as deleted."""
        ...

    # -- lists and entries ----------------------------------------------------------------
    def lists(self) -> list[ListDef]: ...
    def create_list(self, name: str, parent_object: str, private: bool = False) -> ListDef: ...
    def update_list(self, list_id: str, *, name: str | None = None, private: bool | None = None) -> ListDef:
        """Rename a list and/or change its privacy; ``NotFound`` when it is gone."""
        ...

    def delete_list(self, list_id: str) -> None:
        """Delete a list with its entries; a list that is already gone counts as deleted."""
        ...

    def create_list_attribute(self, list_id: str, attribute: AttributeDef) -> AttributeDef: ...
    def iter_entries(self, list_id: str, page_size: int = 200) -> Iterator[list[Entry]]: ...
    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None) -> Entry: ...
    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> None: ...
    def remove_entry(self, list_id: str, entry_id: str) -> None: ...

    # -- notes ----------------------------------------------------------------------------
    def iter_notes(self, page_size: int = 200) -> Iterator[list[Note]]: ...
    def notes_for(self, object_slug: str, record_id: str) -> list[Note]: ...
    def create_note(self, object_slug: str, record_id: str, title: str, content: str) -> Note: ...
    def update_note(
        self, note_id: str, *, parent: NoteParent | None, title: str | None = None, content: str | None = None,
        base_content: str | None = None,
    ) -> Note:
        """``parent``: the record the note hangs off, for a dialect whose note endpoints need it
        (None: the cache does not know it). ``base_content``: the text the user's edit started
        from, so a colleague's change since is merged with it (or refused where they meet)
        rather than overwritten."""
        ...

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        """Delete; a note that is already gone counts as deleted. ``parent`` as for ``update_note``."""
        ...


    # -- tasks ----------------------------------------------------------------------------
    def iter_tasks(self, include_completed: bool = True, page_size: int = 200) -> Iterator[list[Task]]: ...
    def create_task(
        self, content: str, *, deadline: str | None = None, record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
    ) -> Task: ...
    def update_task(
        self, task_id: str, *, content: str | None = None, deadline: str | None = None,
        done: bool | None = None, record_ids: list[str] | None = None, assignee_ids: list[str] | None = None,
    ) -> Task:
        """``record_ids`` and ``assignee_ids`` (the whole new lists) are sent only where
        ``Capabilities.task_links_writable``."""
        ...

    def delete_task(self, task_id: str) -> None: ...

    # -- timeline, activity, notifications, search ------------------------------------------
    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        """What happened to the record on the server, newest first: changes of its values, and its
        comments where ``Capabilities.comments``."""
        ...

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        """A comment by the signed-in member on the record (a ``comment`` event); refused where
        ``Capabilities.comments`` is off."""
        ...

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]: ...

    # -- links between records, and to a tracker's issues ------------------------------------
    def record_links(self, object_slug: str, record_id: str) -> list[RecordLink]:
        """Every link of the record (seen from it); empty where ``Capabilities.record_links`` is off."""
        ...

    def link_records(
        self, object_slug: str, record_id: str, other_object: str, other_id: str, roles: Sequence[str]
    ) -> RecordLink:
        """Link two records with ``roles``; when they are linked already, its roles are set."""
        ...

    def set_link_roles(self, object_slug: str, record_id: str, other_id: str, roles: Sequence[str]) -> RecordLink:
        """The link's new roles (all of them); ``NotFound`` when the records are not linked."""
        ...

    def unlink_records(self, object_slug: str, record_id: str, other_id: str) -> None:
        """Unlink; records that are not linked (any more) count as unlinked."""
        ...

    def link_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        """Link the record to these issue keys (one already linked stays linked)."""
        ...

    def unlink_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        """Unlink these issue keys (one not linked counts as unlinked)."""
        ...

    def notifications(self, unread_only: bool = False) -> list[Notification]: ...
    def mark_notification_read(self, notification_id: str) -> None: ...
    def mark_all_notifications_read(self) -> None: ...
    def search(self, query: str, limit: int = 20) -> list[SearchHit]: ...
