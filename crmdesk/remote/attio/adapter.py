"""``AttioBackend``: the ``Backend`` protocol over Attio's REST API v2.

What Attio's API cannot do is off in ``ATTIO_DEFAULTS`` with the reason, and its calls answer as
the server would: reads of what it does not keep are empty (notifications), writes of it are
refused (``ServerRejected`` with code ``UNSUPPORTED``: a rejection, so sync shows a queued change
refused instead of retrying it). What the token may do is read from its scopes
(``probe_capabilities``, ``scopes.py``).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import Any

import httpx

from crmdesk.model import AttributeType, ObjectDef, Workspace
from crmdesk.remote.absent import NoLinksMixin, NoNotificationsMixin, no_links_reasons
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.admin import ATTRIBUTE_ORDER_FIXED, OPTION_ORDER_FIXED, STATUS_OUTCOME_FIXED
from crmdesk.remote.attio.collab import MEMBERS_FIXED, NOTES_FIXED, CollabMixin
from crmdesk.remote.attio.lists import ListsMixin
from crmdesk.remote.attio.scopes import capabilities_for
from crmdesk.remote.attio.session import MAX_PAGE, normalise_url, rows_of
from crmdesk.remote.attio.timeline import TimelineMixin
from crmdesk.remote.attio.web import fillable
from crmdesk.remote.auth import Auth, BearerAuth
from crmdesk.remote.backend import STRUCTURED_UNFILTERABLE, Capabilities, SearchHit
from crmdesk.remote.clock import Clock
from crmdesk.remote.errors import ProtocolError
from crmdesk.remote.ratelimit import RateLimits
from crmdesk.remote.rows import clean, each, whole
from crmdesk.remote.transport import Transport, TransportConfig

log = logging.getLogger(__name__)

#: The search endpoint answers at most 25 hits.
MAX_SEARCH = 25

#: What Attio's API does before the token's scopes are read.
ATTIO_DEFAULTS = Capabilities(
    dialect="attio",
    schema_admin=False,
    member_admin=False,
    lists=True,
    notes=True,
    tasks=True,
    timeline=True,
    notifications=False,
    comments=True,
    notes_editable=False,
    # Records keep no update time (their answers carry ``created_at`` only): every pull scans.
    changed_since_objects=frozenset(),
    idempotent_create=False,
    # Deletes leave no trace: deletions are found by the scan.
    needs_delete_sweep=True,
    max_page_size=MAX_PAGE,
    # 25 writes a second: four in flight keep the pusher busy without waiting on the limiter.
    write_concurrency=4,
    option_order_writable=False,
    option_active_writable=True,
    attribute_order_writable=False,
    task_links_writable=True,
    # Attio's "equals" filter takes scalars (and a name's full name): the rest is not asked by.
    unfilterable_types=STRUCTURED_UNFILTERABLE | {
        AttributeType.RECORD_REFERENCE.value, AttributeType.ACTOR_REFERENCE.value, AttributeType.DATE.value,
        AttributeType.TIMESTAMP.value, AttributeType.RATING.value},
    reasons={
        **no_links_reasons("Attio"),
        "schema_admin": "Not known yet whether this token may change the schema (its scopes are read when it "
                        "connects).",
        "member_admin": f"Members cannot be changed from crmdesk: {MEMBERS_FIXED}.",
        "notifications": "Attio's API has no notifications.",
        "notes_editable": f"{NOTES_FIXED}.",
        "changed_since_objects": "Attio's records keep no time they were last changed: each pull reads every "
                                 "record.",
        "idempotent_create": "Attio does not say it honours idempotency keys: a create whose answer was lost is "
                             "looked up before it is sent again.",
        "option_order_writable": OPTION_ORDER_FIXED,
        "status_outcome_writable": STATUS_OUTCOME_FIXED,
        "attribute_order_writable": ATTRIBUTE_ORDER_FIXED,
    },
)

#: Attio's limits (its rate-limit guide): 100 reads and 25 writes a second. A little under,
#: for a clock that differs from the server's.
RATE_LIMITS = RateLimits(reads_per_second=90, writes_per_second=22)


class AttioBackend(TimelineMixin, CollabMixin, ListsMixin, NoNotificationsMixin, NoLinksMixin):
    """One Attio workspace. Safe to share between the pusher's threads: the transport is, and the
    caches (``AttioSession``) are only ever replaced."""

    links_server = "Attio"
    no_notifications = "Attio's API has no notifications"

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._capabilities = ATTIO_DEFAULTS

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    def probe_capabilities(self) -> Capabilities:
        """``GET /v2/self``: the token's scopes turn off what it may not do, each with the scope
        it lacks as the reason."""
        self.self_info()  # keeps the token's scopes (``self.scopes``)
        caps = capabilities_for(ATTIO_DEFAULTS, self.scopes or frozenset())
        self._capabilities = caps
        log.info("attio capabilities: schema_admin=%s lists=%s notes=%s tasks=%s comments=%s",
                 caps.schema_admin, caps.lists, caps.notes, caps.tasks, caps.comments)
        return caps

    # -- workspace, schema ------------------------------------------------------------------------

    def workspace(self) -> Workspace:
        me = self.self_info()
        ident = me.get("workspace_id")
        if not isinstance(ident, str) or not ids.is_uuid(ident):
            raise ProtocolError("The server does not say which workspace this token is for.")
        whole(ident, "id", "the workspace")
        name = clean(me.get("workspace_name"), None, "name", "the workspace")
        slug = clean(me.get("workspace_slug"), None, "slug", "the workspace")
        return Workspace(id=ident, name=name if isinstance(name, str) else "",
                         slug=slug if isinstance(slug, str) else None)

    def objects(self) -> list[ObjectDef]:
        return self.load_objects()

    def get_object(self, slug: str) -> ObjectDef:
        return self.load_object(slug)

    def record_web_url_templates(self) -> dict[str, str]:
        """Per object whose records were read, the template of their ``web_url`` (``web.py``),
        where it is one the UI can fill with a record id."""
        return fillable(self.web_patterns)

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """``POST /v2/objects/records/search`` over every object, as the workspace sees it."""
        slugs = list(self.object_slugs.values()) or [obj.slug for obj in self.load_objects()]
        if not slugs:
            return []
        body = {"query": query[:256], "limit": max(1, min(limit, MAX_SEARCH)), "objects": slugs,
                "request_as": {"type": "workspace"}}

        def hit(row: Mapping[str, Any]) -> SearchHit:
            ident = ids.inner(row, "record_id", "A search result")
            owner = f"search result {ident}"
            extra = [row.get(key) for key in ("email_addresses", "domains")]
            first = next((v[0] for v in extra if isinstance(v, list) and v and isinstance(v[0], str)), "")
            slug = clean(row.get("object_slug"), None, "object", owner)
            if isinstance(slug, str):
                self.remember(ident, slug)
            return SearchHit(record_id=ident, object_slug=slug if isinstance(slug, str) else "",
                             title=str(clean(row.get("record_text"), None, "title", owner) or ""),
                             subtitle=str(clean(first, None, "subtitle", owner) or ""))

        return each(rows_of(self.query("/objects/records/search", body), "search results"), hit, "a search result")


def connect_attio(
    url: str,
    token: str | Auth,
    *,
    allow_insecure_http: bool = False,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    http_transport: httpx.BaseTransport | None = None,
    config: Mapping[str, Any] | None = None,
) -> AttioBackend:
    """An ``AttioBackend`` for ``url``: the server's root (``https://api.attio.com``) or its API base (``…/v2``)."""
    auth = BearerAuth(token) if isinstance(token, str) else token
    settings = TransportConfig(
        base_url=normalise_url(url), allow_insecure_http=allow_insecure_http,
        **{"rate_limits": RATE_LIMITS, **dict(config or {})},
    )
    transport = Transport(settings, auth, clock=clock, rng=rng, http_transport=http_transport)
    return AttioBackend(transport)


__all__ = ["ATTIO_DEFAULTS", "RATE_LIMITS", "AttioBackend", "connect_attio"]
