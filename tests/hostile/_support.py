"""Helpers for the hostile tests: a client of the proxy, one sync through it."""

from __future__ import annotations

from datetime import timedelta

import httpx

from crmdesk.remote.aria.adapter import AriaBackend, connect_aria
from crmdesk.remote.transport import RetryPolicy
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncReport

from .server import HostileServer

#: The real policy's attempts with waits of milliseconds.
FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.005, max_delay=0.02, max_retry_after=5.0)


def client(hostile: HostileServer, **config: object) -> AriaBackend:
    plain = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    return connect_aria(hostile.url, hostile.sandbox.admin_token, config={"retry": FAST_RETRY, **config},
                        http_transport=plain)


def sandbox_client(sandbox: SandboxServer) -> AriaBackend:
    """Straight to the sandbox, past the proxy: what the server really holds."""
    plain = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    return connect_aria(sandbox.url, sandbox.admin_token, config={"retry": FAST_RETRY}, http_transport=plain)


def sync_through(store: Store, hostile: HostileServer, **config: object) -> SyncReport:
    """One sync through the hostile proxy, with the periodic deletion sweep due."""
    backend = client(hostile, **config)
    try:
        return SyncEngine(store, backend, sweep_interval=timedelta(0)).sync()
    finally:
        backend.close()
