"""``AtomicBackend``: the ``Backend`` protocol over the Atomic dialect (BasicsOS, a fork of Atomic CRM).

What the server cannot do is off in ``ATOMIC_DEFAULTS`` with the reason, and its calls answer
as the server would if it were asked: reads of things it does not keep are empty (it has no
lists, timeline or notifications), writes of them are refused (``ServerRejected`` with code
``UNSUPPORTED``: a rejection, so sync shows a queued change refused instead of retrying it).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import Any

import httpx

from crmdesk.model import (
    AttributeDef,
    ObjectDef,
    Option,
    TimelineEvent,
)
from crmdesk.remote.absent import NoLinksMixin, NoListsMixin, NoNotificationsMixin, no_links_reasons
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
    # Every object's owner is the token's user on a create, and refused in an update (README).
    read_only_attributes=frozenset({"*.crm_user_id"}),
    # A person's name is two fields on this server; ``find_records_by`` asks for both parts, so
    # a create of unknown outcome that has only a name is still looked up, not sent twice.
    unfilterable_types=STRUCTURED_UNFILTERABLE,
    reasons={
        **no_links_reasons("this server"),
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


class AtomicBackend(CollabMixin, NoListsMixin, NoNotificationsMixin, NoLinksMixin):
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

    # -- timeline, search: the server keeps none (lists, notifications, links: the mixins) ------------------

    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        return TimelinePage([])

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        raise unsupported("Commenting", "this server keeps no comments")

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        return []

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        # Contacts ignore the server's ``q`` (README 5): an answer would miss every person.
        raise unsupported("Searching on the server", "this server cannot search people; search the local copy")


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
