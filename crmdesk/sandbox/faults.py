"""Fault injection: an ASGI middleware in front of every dialect.

Each request draws one number from ``random.Random(seed)``; the fault rates are
stacked in a fixed order (5xx, 429, dropped connection, truncated body, empty 500),
so a seed and a request order give the same faults every run. ``latency_ms`` is
added to every request that is not excluded. ``max_faults`` stops injecting after
that many faults; ``exclude_paths`` (prefixes) are never touched.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from email.utils import formatdate
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ENV_PREFIX = "CRMDESK_SANDBOX_"


@dataclass(frozen=True)
class FaultConfig:
    fail_rate: float = 0.0  #: 500/502/503 with an error envelope
    rate_limit_rate: float = 0.0  #: 429 with Retry-After
    retry_after: int = 1  #: seconds the 429 asks for
    retry_after_date: bool = False  #: send Retry-After as an HTTP date instead of seconds
    drop_rate: float = 0.0  #: send headers and half the body, then drop the connection
    truncate_rate: float = 0.0  #: a complete response whose JSON body is cut short
    empty_500_rate: float = 0.0  #: 500 with an empty body
    latency_ms: int = 0  #: added to every request
    seed: int = 0
    max_faults: int | None = None
    exclude_paths: tuple[str, ...] = field(default=())

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or any(
            getattr(self, name) > 0 for name in ("fail_rate", "rate_limit_rate", "drop_rate", "truncate_rate",
                                                 "empty_500_rate")
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FaultConfig:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = env.get(ENV_PREFIX + item.name.upper())
            if raw is None or raw == "":
                continue
            values[item.name] = _convert(item.name, raw)
        return cls(**values)


def _convert(name: str, raw: str) -> Any:
    if name == "exclude_paths":
        return tuple(p for p in raw.split(",") if p)
    if name == "retry_after_date":
        return raw.lower() in ("1", "true", "yes")
    if name in ("retry_after", "latency_ms", "seed", "max_faults"):
        return int(raw)
    return float(raw)


class FaultInjector:
    """Holds the live config and its random stream; swapped atomically by ``set``."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.set(config or FaultConfig())

    def set(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._random = random.Random(config.seed)
            self.injected = 0

    def choose(self, path: str) -> str | None:
        with self._lock:
            config = self.config
            if not config.active or any(path.startswith(p) for p in config.exclude_paths):
                return None
            if config.max_faults is not None and self.injected >= config.max_faults:
                return None
            draw = self._random.random()
            threshold = 0.0
            for kind, rate in (("fail", config.fail_rate), ("rate_limit", config.rate_limit_rate),
                               ("drop", config.drop_rate), ("truncate", config.truncate_rate),
                               ("empty_500", config.empty_500_rate)):
                threshold += rate
                if draw < threshold:
                    self.injected += 1
                    return kind
            return None

    def status_for_fail(self) -> int:
        with self._lock:
            return self._random.choice((500, 502, 503))


def aria_error_body(status: int, code: str, message: str) -> bytes:
    """The error envelope of an injected 5xx or 429, unless the facade gives its own (``ErrorBody``)."""
    return json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")).encode()


#: ``(status, code, message) -> body``: an injected error in the dialect's own error shape.
ErrorBody = Callable[[int, str, str], bytes]


class FaultMiddleware:
    def __init__(self, app: ASGIApp, injector: FaultInjector, error_body: ErrorBody | None = None) -> None:
        self.app = app
        self.injector = injector
        self.error_body = error_body or aria_error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        config = self.injector.config
        excluded = any(path.startswith(p) for p in config.exclude_paths)
        if config.latency_ms and not excluded:
            await asyncio.sleep(config.latency_ms / 1000)
        kind = self.injector.choose(path)
        if kind == "fail":
            status = self.injector.status_for_fail()
            body = self.error_body(status, "INTERNAL_ERROR", "Injected server error")
            await _send(send, status, body, [(b"content-type", b"application/json")])
        elif kind == "rate_limit":
            after = (formatdate(time.time() + config.retry_after, usegmt=True) if config.retry_after_date
                     else str(config.retry_after))
            body = self.error_body(429, "RATE_LIMITED", "Too many requests")
            await _send(send, 429, body, [(b"content-type", b"application/json"), (b"retry-after", after.encode())])
        elif kind == "empty_500":
            await _send(send, 500, b"", [])
        elif kind in ("drop", "truncate"):
            await self._mangle(kind, scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _mangle(self, kind: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the real handler (its effects happen), then spoil the answer on the way out."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        cut = body[: max(1, len(body) // 2)]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if kind == "truncate":
            await _send(send, start.get("status", 200), cut, headers)
            return
        # Promise the whole body, send half, then fail: the server closes the connection.
        headers.append((b"content-length", str(max(len(body), len(cut) + 1)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": cut, "more_body": True})
        raise ConnectionAbortedError("sandbox fault: connection dropped mid-response")


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
