"""``AtlasBackend``: the ``Backend`` protocol over Atlas CRM's API (a CRM inside Jira).

What the API cannot do is off in ``ATLAS_DEFAULTS`` with the reason, and its calls answer as the
server would: reads of what it does not keep are empty (members, lists, notes, tasks,
notifications, the timeline), writes of it are refused (``unsupported``: a rejection, so sync
shows a queued change refused instead of retrying it).

Credentials: an OAuth client id and secret, exchanged at ``/api/1.0/oauth/token`` for an hour's
token (``ClientCredentialsAuth`` with a JSON body), renewed before it expires and after a 401;
and optionally the user's Atlassian account id, which comments are written as (without it,
comments are off with that reason).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import httpx

from crmdesk.model import AttributeDef, Member, Note, ObjectDef, Option, Task, Workspace
from crmdesk.remote.absent import FixedMembersMixin, NoListsMixin, NoNotificationsMixin
from crmdesk.remote.atlas.links import NO_ACCOUNT, LinksMixin
from crmdesk.remote.atlas.records import RecordsMixin
from crmdesk.remote.atlas.session import JSON, MAX_PAGE, TOKEN_PATH, normalise_url
from crmdesk.remote.auth import ClientCredentialsAuth, TokenRequestShape
from crmdesk.remote.backend import STRUCTURED_UNFILTERABLE, Capabilities, NoteParent, SearchHit
from crmdesk.remote.clock import Clock
from crmdesk.remote.errors import unsupported
from crmdesk.remote.transport import Transport, TransportConfig

log = logging.getLogger(__name__)

SCHEMA_FIXED = "Atlas CRM's API cannot change templates: fields are edited in Jira (Atlas CRM's settings)"
MEMBERS_FIXED = "Atlas CRM's API has no members: people are managed in Jira"
NO_LISTS = "Atlas CRM has no lists"
NO_NOTES = "Atlas CRM's API has no notes (comments are the place for text on a record)"
NO_TASKS = "Atlas CRM's API has no tasks"
NO_NOTIFICATIONS = "Atlas CRM's API has no notifications"
NO_SEARCH = "Atlas CRM's API has no search; the local copy is searched"
#: The member the user's own account id is listed as.
YOU = "You"

#: What Atlas CRM's API does (the seed); nothing about it depends on the account but comments.
ATLAS_DEFAULTS = Capabilities(
    dialect="atlas",
    schema_admin=False,
    member_admin=False,
    lists=False,
    notes=False,
    tasks=False,
    timeline=False,
    notifications=False,
    comments=True,
    comments_listed=False,
    members_listed=False,
    record_links=True,
    issue_links=True,
    # Entities keep no time: every pull reads every entity.
    changed_since_objects=frozenset(),
    idempotent_create=False,
    needs_delete_sweep=True,
    max_page_size=MAX_PAGE,
    # No rate limits are documented: two writes in flight keep a push moving without pressing a
    # server whose limits are unknown.
    write_concurrency=2,
    # Every Atlas type has an operator that finds a value (``eq``; ``contains`` for multi-line
    # text and multi-select, narrowed here): a currency is a plain number on this server.
    unfilterable_types=STRUCTURED_UNFILTERABLE - {"currency"},
    reasons={
        "schema_admin": f"{SCHEMA_FIXED}.",
        "member_admin": f"{MEMBERS_FIXED}.",
        "lists": f"{NO_LISTS}.",
        "notes": f"{NO_NOTES}.",
        "tasks": f"{NO_TASKS}.",
        "timeline": "Atlas CRM's API reads no history of a record: only comments written from crmdesk are shown.",
        "notifications": f"{NO_NOTIFICATIONS}.",
        "comments": f"{NO_ACCOUNT}.",
        "members_listed": f"{MEMBERS_FIXED}: a person is shown by their Atlassian account id.",
        "comments_listed": "Atlas CRM's API cannot read comments back: the ones written from crmdesk are shown as "
                           "sent, and one whose answer was lost cannot be looked for.",
        "changed_since_objects": "Atlas CRM's entities keep no time they were changed: each pull reads every "
                                 "entity.",
        "idempotent_create": "Atlas CRM takes no idempotency key: a create whose answer was lost is looked up "
                             "before it is sent again.",
    },
)


class AtlasBackend(RecordsMixin, LinksMixin, FixedMembersMixin, NoListsMixin, NoNotificationsMixin):
    """One Atlas CRM workspace (one server is one workspace). Safe to share between the pusher's
    threads: the transport is, and the schema cache is only ever replaced."""

    members_fixed = MEMBERS_FIXED
    no_lists = NO_LISTS
    no_notifications = NO_NOTIFICATIONS

    @property
    def capabilities(self) -> Capabilities:
        if self.account_id:
            return ATLAS_DEFAULTS
        return replace(ATLAS_DEFAULTS, comments=False)

    def probe_capabilities(self) -> Capabilities:
        """Nothing to ask: the API says nothing about the account. One authenticated read
        (``workspace``) fetches the token, so bad credentials show at once."""
        self.workspace()
        return self.capabilities

    # -- workspace and members ------------------------------------------------------------------

    def workspace(self) -> Workspace:
        """There is no workspace endpoint: one server is one workspace, named by its address. One
        authenticated read (the company template) proves the credentials and that this is Atlas."""
        self.load_object("company")
        url = self.transport.base_url
        where = url.host if url.port is None else f"{url.host}:{url.port}"
        return Workspace(id=f"atlas:{where}", name=f"Atlas CRM on {url.host}")

    def members(self) -> list[Member]:
        """The API lists no people: the one account known is the user's own (given when signing
        in), so their records show "You" and they can make themselves a sale's owner."""
        if not self.account_id:
            return []
        return [Member(id=self.account_id, name=YOU, email="", user_id=self.account_id)]

    # -- schema: templates are edited in Jira -----------------------------------------------------

    def objects(self) -> list[ObjectDef]:
        return self.load_objects()

    def get_object(self, slug: str) -> ObjectDef:
        return self.load_object(slug)

    def create_object(self, slug: str, singular_name: str, plural_name: str, icon: str | None = None) -> ObjectDef:
        raise unsupported("Creating an object", "Atlas CRM has companies, contacts and sales only")

    def update_object(
        self, slug: str, *, singular_name: str | None = None, plural_name: str | None = None,
        icon: str | None = None,
    ) -> ObjectDef:
        raise unsupported("Changing an object", SCHEMA_FIXED)

    def delete_object(self, slug: str) -> None:
        raise unsupported("Deleting an object", "Atlas CRM has companies, contacts and sales only")

    def create_attribute(self, object_slug: str, attribute: AttributeDef) -> AttributeDef:
        raise unsupported("Adding a field", SCHEMA_FIXED)

    def update_attribute(
        self, object_slug: str, attribute_id: str, *, title: str | None = None,
        required: bool | None = None, unique: bool | None = None, order: int | None = None,
    ) -> AttributeDef:
        raise unsupported("Changing a field", SCHEMA_FIXED)

    def delete_attribute(self, object_slug: str, attribute_id: str) -> None:
        raise unsupported("Deleting a field", SCHEMA_FIXED)

    def create_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        raise unsupported("Adding an option", SCHEMA_FIXED)

    def update_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        raise unsupported("Changing an option", SCHEMA_FIXED)

    def delete_option(self, object_slug: str, attribute: AttributeDef, option_id: str) -> None:
        raise unsupported("Deleting an option", SCHEMA_FIXED)

    # -- notes, tasks: the API has none (nor lists, notifications: the mixins) -----------------------

    def iter_notes(self, page_size: int = MAX_PAGE) -> Iterator[list[Note]]:
        return iter(())

    def notes_for(self, object_slug: str, record_id: str) -> list[Note]:
        return []

    def create_note(self, object_slug: str, record_id: str, title: str, content: str) -> Note:
        raise unsupported("Adding a note", NO_NOTES)

    def update_note(
        self, note_id: str, *, parent: NoteParent | None, title: str | None = None, content: str | None = None,
        base_content: str | None = None,
    ) -> Note:
        raise unsupported("Changing a note", NO_NOTES)

    def delete_note(self, note_id: str, *, parent: NoteParent | None) -> None:
        return None  # there is none: already gone

    def iter_tasks(self, include_completed: bool = True, page_size: int = MAX_PAGE) -> Iterator[list[Task]]:
        return iter(())

    def create_task(
        self, content: str, *, deadline: str | None = None, record_ids: list[str] | None = None,
        assignee_ids: list[str] | None = None,
    ) -> Task:
        raise unsupported("Adding a task", NO_TASKS)

    def update_task(
        self, task_id: str, *, content: str | None = None, deadline: str | None = None,
        done: bool | None = None, record_ids: list[str] | None = None, assignee_ids: list[str] | None = None,
    ) -> Task:
        raise unsupported("Changing a task", NO_TASKS)

    def delete_task(self, task_id: str) -> None:
        return None  # there is none: already gone

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        raise unsupported("Searching on the server", NO_SEARCH)


def connect_atlas(
    url: str,
    credentials: Mapping[str, str],
    *,
    allow_insecure_http: bool = False,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    http_transport: httpx.BaseTransport | None = None,
    config: Mapping[str, Any] | None = None,
) -> AtlasBackend:
    """An ``AtlasBackend`` for ``url`` (the server's root, its ``…/api/1.0`` or its
    ``…/api/1.0/workspace/CRM``). ``credentials``: ``client_id`` and ``client_secret`` (required;
    ``ValueError`` without them, naming neither's value) and ``account_id`` (optional).
    ``config``: ``TransportConfig``'s fields; its ``headers`` are sent beside ``Content-Type:
    application/json``, which they cannot replace."""
    root = normalise_url(url)
    options = dict(config or {})
    # A caller's headers are added to the JSON Content-Type every request needs, never instead of it.
    headers = {key: value for key, value in dict(options.pop("headers", None) or {}).items()
               if key.lower() != "content-type"}
    settings = TransportConfig(base_url=root, allow_insecure_http=allow_insecure_http,
                               headers={**headers, "Content-Type": JSON}, **options)
    auth = ClientCredentialsAuth(
        root + TOKEN_PATH, credentials.get("client_id", ""), credentials.get("client_secret", ""),
        shape=TokenRequestShape.JSON, clock=clock, allow_insecure_http=allow_insecure_http,
        ca_bundle=settings.ca_bundle, connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout,
    )
    transport = Transport(settings, auth, clock=clock, rng=rng, http_transport=http_transport)
    account = credentials.get("account_id", "").strip() or None
    return AtlasBackend(transport, account, clock)


__all__ = ["ATLAS_DEFAULTS", "AtlasBackend", "connect_atlas"]
