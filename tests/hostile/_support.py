"""Helpers for the hostile tests: a client of the proxy, one sync through it."""

from __future__ import annotations

from datetime import timedelta

import httpx

from crmdesk.remote.aria.adapter import AriaBackend, connect_aria
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport
from tests.sync._support import FAST_RETRY
from tests.sync._support import backend as sandbox_client  # straight to the sandbox: what it really holds

from .server import HostileServer

__all__ = ["client", "counts", "sandbox_client", "sync_through"]


def client(hostile: HostileServer, **config: object) -> AriaBackend:
    plain = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    return connect_aria(hostile.url, hostile.sandbox.admin_token, config={"retry": FAST_RETRY, **config},
                        http_transport=plain)


def counts(store: Store) -> dict[str, int]:
    """How many records the cache holds per object."""
    return {slug: len(store.records.ids(slug)) for slug in store.schema.objects()}


def sync_through(store: Store, hostile: HostileServer, **config: object) -> SyncReport:
    """One sync through the hostile proxy, with the periodic deletion sweep due."""
    backend = client(hostile, **config)
    try:
        return SyncEngine(store, backend, sweep_interval=timedelta(0)).sync()
    finally:
        backend.close()
