"""``AriaBackend``: the ``Backend`` protocol over the Aria dialect (OpenClaw CRM and its fork)."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from crmdesk.model import Member, ObjectDef, Workspace
from crmdesk.remote.absent import NoLinksMixin, no_links_reasons
from crmdesk.remote.aria import wire
from crmdesk.remote.aria.admin import ATTRIBUTE_ORDER_FIXED, OPTION_ORDER_FIXED, AdminMixin
from crmdesk.remote.aria.collab import TASK_LINKS_FIXED, CollabMixin
from crmdesk.remote.aria.records import MAX_PAGE, RecordsMixin, changed_since_filter
from crmdesk.remote.aria.schema import ARIA_LIMITS
from crmdesk.remote.aria.session import API
from crmdesk.remote.auth import Auth, BearerAuth
from crmdesk.remote.backend import EVERY_OBJECT, STRUCTURED_UNFILTERABLE, Capabilities
from crmdesk.remote.clock import Clock
from crmdesk.remote.errors import NotFound, PermissionDenied, RemoteError
from crmdesk.remote.session import seg
from crmdesk.remote.transport import Transport, TransportConfig
from crmdesk.remote.urls import server_root

log = logging.getLogger(__name__)

#: A time no record will have been updated after: the "changed since" probe.
FUTURE = "2999-01-01T00:00:00.000Z"
PAST = "1970-01-01T00:00:00.000Z"

#: What Aria has before anything is probed: the conservative answers.
ARIA_DEFAULTS = Capabilities(
    dialect="aria",
    schema_admin=False,
    member_admin=False,
    lists=True,
    notes=True,
    tasks=True,
    timeline=True,
    notifications=True,
    # Probed (``probe_capabilities``): the real server drops the filter "changed since" needs.
    changed_since_objects=frozenset(),
    # The server ignores Idempotency-Key; a create of unknown outcome is looked up instead.
    idempotent_create=False,
    # Deletes are hard: no tombstones.
    needs_delete_sweep=True,
    max_page_size=MAX_PAGE,
    write_concurrency=4,
    # The option and attribute writes have no order field, and an option's active flag is
    # written only with a new status; a task's links are fixed once it exists.
    option_order_writable=False,
    option_active_writable=False,
    # A status's isActive and celebrationEnabled are its outcome (open; won; lost), and the
    # options PATCH passes them to the server's status update (docs/remote.md, "Status outcomes").
    status_outcome_writable=True,
    attribute_order_writable=False,
    task_links_writable=False,
    # Seen on the real server: a filter on a personal name answers an empty 500.
    unfilterable_types=STRUCTURED_UNFILTERABLE | {"personal_name"},
    value_limits=ARIA_LIMITS,
    reasons={
        **no_links_reasons("this server"),
        "schema_admin": "Not known yet whether your account is an admin of this workspace.",
        "member_admin": "Not known yet whether your account is an admin of this workspace.",
        "changed_since_objects": "This server cannot be asked for records changed since a time.",
        "idempotent_create": "This server does not honour idempotency keys.",
        "option_order_writable": OPTION_ORDER_FIXED,
        "option_active_writable": (
            "This server's API cannot deactivate a select option after it is created; a status is "
            "open or closed by its outcome (won and lost close it)."),
        "attribute_order_writable": ATTRIBUTE_ORDER_FIXED,
        "task_links_writable": TASK_LINKS_FIXED,
        "comments": "This server keeps no comments on records (its notes are the place for them).",
    },
)


class AriaBackend(RecordsMixin, AdminMixin, CollabMixin, NoLinksMixin):
    """One Aria workspace.

    One instance may be shared by threads: the pusher sends ``write_concurrency`` updates at
    once through it. Its transport is safe to share (and refreshes credentials once for all of
    them); what it keeps between calls — the schema cache, ``list_defs``, ``notes_read``, the
    probed capabilities — holds frozen values that are only ever replaced, a whole dict or one
    key's value at a time, never changed in place nor iterated while in use, so a thread reads
    either the old value or the new one. Two threads missing the same entry at once both read it
    from the server; the later answer stays, and either is right.
    """

    def __init__(self, transport: Transport, *, paging: str = "offset") -> None:
        super().__init__(transport, paging=paging)
        self._capabilities = ARIA_DEFAULTS

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    # -- capabilities --------------------------------------------------------------------------

    def probe_capabilities(self) -> Capabilities:
        """Ask the server: the caller's role, and whether "changed since" really filters."""
        objects = self.objects()
        is_admin, role_reason = self._probe_admin()
        incremental, pull_reason = self._probe_incremental(objects)
        self.incremental_pull = incremental
        reasons = dict(ARIA_DEFAULTS.reasons)
        for key in ("schema_admin", "member_admin"):
            reasons[key] = role_reason
        reasons["changed_since_objects"] = pull_reason
        caps = replace(
            ARIA_DEFAULTS,
            schema_admin=is_admin,
            member_admin=is_admin,
            # One filter for every object: the answer for one is the answer for all.
            changed_since_objects=frozenset({EVERY_OBJECT}) if incremental else frozenset(),
            reasons=reasons,
        )
        self._capabilities = caps
        log.info("aria capabilities: admin=%s changed_since=%s", is_admin, incremental)
        return caps

    def _probe_admin(self) -> tuple[bool, str]:
        # Aria has no "who am I"; the admin-only key list answers 403 to members. It is a
        # read, it changes nothing, and it is the server's own view of our role.
        try:
            self.get("/api-keys")
            return True, ""
        except PermissionDenied:
            return False, "Your role in this workspace is member; changing the schema needs an admin."
        except NotFound:
            pass
        members = self.members()
        if len(members) == 1:
            return members[0].is_admin, "Your role in this workspace is member; changing the schema needs an admin."
        return False, "This server does not say whether your account is an admin."

    def _probe_incremental(self, objects: list[ObjectDef]) -> tuple[bool, str]:
        """Filter on updatedAt > far future: a server that honours it returns nothing.

        The real server drops unknown attributes (updatedAt among them) and returns every
        record; that is only visible on an object that has records, and a second question
        (updatedAt > 1970 returns records) guards against a filter that matches nothing.
        A filtered query may scan the whole object on the server, so it asks about the
        object with the fewest records (each object's total costs one ``limit=1`` read).
        """
        path = self._smallest_object_with_records(objects)
        if path is None:
            return False, "No records yet to test “changed since” with; it is tested again later."
        future = wire.rows_of(self.query(path + "/query", self._probe_body(FUTURE)), "records")
        if future:
            return False, "This server ignores “changed since” filters: each pull reads every record."
        past = wire.rows_of(self.query(path + "/query", self._probe_body(PAST)), "records")
        if past:
            return True, ""
        return False, "This server's “changed since” filter answers inconsistently."

    def _smallest_object_with_records(self, objects: list[ObjectDef]) -> str | None:
        """The records path of the object with the fewest records, but some; None when all are empty.

        Objects whose total the server does not say count as large; ties go to the first listed.
        """
        best: tuple[float, str] | None = None
        for obj in objects:
            path = f"/objects/{seg(obj.slug)}/records"
            data = self.get(path, {"limit": 1})
            if not wire.rows_of(data, "records"):
                continue
            total = wire.int_or_none(wire.pagination(data).get("total"))
            size = float("inf") if total is None else total
            if best is None or size < best[0]:
                best = (size, path)
        return None if best is None else best[1]

    @staticmethod
    def _probe_body(moment: str) -> dict[str, Any]:
        return {"filter": changed_since_filter(moment), "limit": 1}

    # -- workspace, members, schema ----------------------------------------------------------------

    def workspace(self) -> Workspace:
        return wire.workspace(self.get("/workspace"))

    def members(self) -> list[Member]:
        return wire.members(self.get("/workspace-members"))

    def objects(self) -> list[ObjectDef]:
        return self.load_objects()

    def get_object(self, slug: str) -> ObjectDef:
        return self.load_object(slug)

    def record_web_url_templates(self) -> dict[str, str]:
        """Each known object's record page in the server's web app, ``<server root>/objects/
        <slug>/{id}``: where the server's own search answer links a record (``GET /search``:
        ``"url": "/objects/people/<id>"``, a path on the server's address). Made from the base
        URL (an API base typed instead is cut back to the root; credentials in it are left out),
        so it asks the server nothing; the objects are those the schema cache holds."""
        parts = urlsplit(server_root(str(self.transport.base_url), API))
        root = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path.rstrip("/"), "", ""))
        return {slug: f"{root}/objects/{seg(slug)}/{{id}}" for slug in self.schema.slugs()}


def connect_aria(
    base_url: str,
    token: str | Auth,
    *,
    allow_insecure_http: bool = False,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    http_transport: httpx.BaseTransport | None = None,
    paging: str = "offset",
    config: Mapping[str, Any] | None = None,
) -> AriaBackend:
    """An ``AriaBackend`` for ``base_url`` (the server root; the API lives under /api/v1)."""
    auth = BearerAuth(token) if isinstance(token, str) else token
    settings = TransportConfig(
        base_url=base_url, allow_insecure_http=allow_insecure_http, **dict(config or {})
    )
    transport = Transport(settings, auth, clock=clock, rng=rng, http_transport=http_transport)
    return AriaBackend(transport, paging=paging)


__all__ = ["ARIA_DEFAULTS", "AriaBackend", "RemoteError", "connect_aria"]
