"""``AtomicBackend``: the ``Backend`` protocol over the Atomic dialect (BasicsOS, a fork of Atomic CRM).

What the server cannot do is off in ``ATOMIC_DEFAULTS`` with the reason, and its calls answer
as the server would if it were asked: reads of things it does not keep are empty (it has no
lists, timeline or notifications), writes of them are refused (``ServerRejected`` with code
``UNSUPPORTED``: a rejection, so sync shows a queued change refused instead of retrying it).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from crmdesk.model import (
    AttributeDef,
    Entry,
    ListDef,
    Notification,
    ObjectDef,
    Option,
    RecordLink,
    TimelineEvent,
)
from crmdesk.remote.atomic.collab import CollabMixin
from crmdesk.remote.atomic.session import MAX_PAGE, normalise_url, unsupported
from crmdesk.remote.auth import Auth, BearerAuth
from crmdesk.remote.backend import STRUCTURED_UNFILTERABLE, Capabilities, SearchHit, TimelinePage
from crmdesk.remote.clock import Clock
from crmdesk.remote.errors import NotFound
from crmdesk.remote.ratelimit import RateLimits
from crmdesk.remote.transport import Transport, TransportConfig

log = logging.getLogger(__name__)

_SCHEMA = "this server's objects and fields are fixed, and its custom objects are made in its web app"

#: Why records are not linked with roles, nor to issues (``Capabilities.reasons``, the refusals).
LINKS_ABSENT = "this server keeps no links between records with roles (a record reference attribute relates them)"
ISSUES_ABSENT = "this server keeps no links to a tracker's issues"

#: What Atomic can do; nothing about it changes with the account, so the probe only confirms it.
ATOMIC_DEFAULTS = Capabilities(
    dialect="atomic",
    schema_admin=False,
    member_admin=False,
    lists=False,
    notes=True,
    tasks=True,
    timeline=False,
    notifications=False,
    # Deals carry ``updatedAt`` and sort by it, but the real server leaves it as it was on an
    # update (recordings 088, 181): asking for deals changed since a time would miss edits.
    # Contacts and companies keep no time at all. So every object is read by a full scan.
    changed_since_objects=frozenset(),
    idempotent_create=False,
    needs_delete_sweep=True,
    max_page_size=MAX_PAGE,
    # 180 requests a minute (README 17): writes in parallel would only wait for the rate limiter.
    write_concurrency=1,
    task_links_writable=False,
    # A person's name is two fields on this server; ``find_records_by`` asks for both parts, so
    # a create of unknown outcome that has only a name is still looked up, not sent twice.
    unfilterable_types=STRUCTURED_UNFILTERABLE,
    reasons={
        "record_links": "This server keeps no links between records with roles (a record reference attribute "
                        "relates them).",
        "issue_links": "This server keeps no links to a tracker's issues.",
        "schema_admin": f"The schema cannot be changed from crmdesk: {_SCHEMA}.",
        "member_admin": "Members cannot be changed from crmdesk: this server's member list is read-only "
        "(invite people and change roles in its web app).",
        "lists": "This server has no lists.",
        "timeline": "This server keeps no timeline of a record's changes.",
        "notifications": "This server has no notifications.",
        "changed_since_objects": "This server cannot be asked for records changed since a time (contacts and "
        "companies keep no change time, and a deal's does not move when it is edited): each pull reads every "
        "record.",
        "idempotent_create": "This server does not honour idempotency keys.",
        "task_links_writable": "A task's records and assignee are set when it is made.",
        "comments": "This server keeps no comments on records.",
    },
)


#: 180 requests a minute per client and path (README 17 of the recordings), 429 past it. Counted
#: over every path, and a few short, for a clock that differs from the server's.
RATE_LIMITS = RateLimits(requests_per_minute=175)


class AtomicBackend(CollabMixin):
    """One Atomic workspace. Safe to share between the pusher's threads: the transport is, and the
    schema cache is only ever replaced whole."""

    @property
    def capabilities(self) -> Capabilities:
        return ATOMIC_DEFAULTS

    def probe_capabilities(self) -> Capabilities:
        """``GET /api/me``: the key works, and whose it is. Nothing in the capabilities depends on
        the answer (the schema is the sync's next step), so the defaults stand."""
        me = self.get_object_row("/me", "the signed-in account")
        log.info("atomic capabilities: administrator=%s", me.get("administrator") is True)
        return ATOMIC_DEFAULTS

    # -- schema --------------------------------------------------------------------------------

    def objects(self) -> list[ObjectDef]:
        return self.load_objects()

    def get_object(self, slug: str) -> ObjectDef:
        for obj in self.load_objects():
            if obj.slug == slug:
                return obj
        raise NotFound(f"The server has no object “{slug}”.")

    def create_object(self, slug: str, singular_name: str, plural_name: str, icon: str | None = None) -> ObjectDef:
        raise unsupported("Creating an object", _SCHEMA)

    def update_object(
        self, slug: str, *, singular_name: str | None = None, plural_name: str | None = None,
        icon: str | None = None,
    ) -> ObjectDef:
        raise unsupported("Changing an object", _SCHEMA)

    def delete_object(self, slug: str) -> None:
        raise unsupported("Deleting an object", _SCHEMA)

    def create_attribute(self, object_slug: str, attribute: AttributeDef) -> AttributeDef:
        raise unsupported("Adding an attribute", _SCHEMA)

    def update_attribute(
        self, object_slug: str, attribute_id: str, *, title: str | None = None,
        required: bool | None = None, unique: bool | None = None, order: int | None = None,
    ) -> AttributeDef:
        raise unsupported("Changing an attribute", _SCHEMA)

    def delete_attribute(self, object_slug: str, attribute_id: str) -> None:
        raise unsupported("Deleting an attribute", _SCHEMA)

    def create_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        raise unsupported("Adding an option", "deal stages are set in the server's configuration (its web app)")

    def update_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        raise unsupported("Changing an option", "deal stages are set in the server's configuration (its web app)")

    def delete_option(self, object_slug: str, attribute: AttributeDef, option_id: str) -> None:
        raise unsupported("Deleting an option", "deal stages are set in the server's configuration (its web app)")

    # -- lists: the server has none ---------------------------------------------------------------

    def lists(self) -> list[ListDef]:
        return []

    def create_list(self, name: str, parent_object: str, private: bool = False) -> ListDef:
        raise unsupported("Creating a list", "this server has no lists")

    def update_list(self, list_id: str, *, name: str | None = None, private: bool | None = None) -> ListDef:
        raise NotFound("This server has no lists.")

    def delete_list(self, list_id: str) -> None:
        return None  # there is none: already gone

    def create_list_attribute(self, list_id: str, attribute: AttributeDef) -> AttributeDef:
        raise NotFound("This server has no lists.")

    def iter_entries(self, list_id: str, page_size: int = MAX_PAGE) -> Iterator[list[Entry]]:
        raise NotFound("This server has no lists.")

    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None) -> Entry:
        raise NotFound("This server has no lists.")

    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> None:
        raise NotFound("This server has no lists.")

    def remove_entry(self, list_id: str, entry_id: str) -> None:
        return None  # there is none: already gone

    # -- timeline, notifications, search: the server keeps none ------------------------------------

    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        return TimelinePage([])

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        raise unsupported("Commenting", "this server keeps no comments")

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        return []

    def notifications(self, unread_only: bool = False) -> list[Notification]:
        return []

    def mark_notification_read(self, notification_id: str) -> None:
        raise NotFound("This server has no notifications.")

    def mark_all_notifications_read(self) -> None:
        return None  # none to mark

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        # Contacts ignore the server's ``q`` (README 5): an answer would miss every person.
        raise unsupported("Searching on the server", "this server cannot search people; search the local copy")

    # -- links: the server has none ---------------------------------------------------------------------

    def record_links(self, object_slug: str, record_id: str) -> list[RecordLink]:
        return []

    def link_records(
        self, object_slug: str, record_id: str, other_object: str, other_id: str, roles: Sequence[str]
    ) -> RecordLink:
        raise unsupported("Linking records", LINKS_ABSENT)

    def set_link_roles(self, object_slug: str, record_id: str, other_id: str, roles: Sequence[str]) -> RecordLink:
        raise unsupported("Changing a link's roles", LINKS_ABSENT)

    def unlink_records(self, object_slug: str, record_id: str, other_id: str) -> None:
        raise unsupported("Unlinking records", LINKS_ABSENT)

    def link_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        raise unsupported("Linking issues", ISSUES_ABSENT)

    def unlink_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        raise unsupported("Unlinking issues", ISSUES_ABSENT)


def connect_atomic(
    url: str,
    token: str | Auth,
    *,
    allow_insecure_http: bool = False,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    http_transport: httpx.BaseTransport | None = None,
    config: Mapping[str, Any] | None = None,
) -> AtomicBackend:
    """An ``AtomicBackend`` for ``url``: the server's address or its API base (``…/api``)."""
    auth = BearerAuth(token) if isinstance(token, str) else token
    settings = TransportConfig(
        base_url=normalise_url(url), allow_insecure_http=allow_insecure_http,
        **{"rate_limits": RATE_LIMITS, **dict(config or {})},
    )
    transport = Transport(settings, auth, clock=clock, rng=rng, http_transport=http_transport)
    return AtomicBackend(transport, clock=clock)


__all__ = ["ATOMIC_DEFAULTS", "RATE_LIMITS", "AtomicBackend", "connect_atomic"]
