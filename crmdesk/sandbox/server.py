"""``SandboxServer``: the sandbox on a loopback port in a background thread.

    with SandboxServer(records=200, seed=1) as server:
        httpx.get(server.url + "/api/v1/objects",
                  headers={"Authorization": f"Bearer {server.admin_token}"})

The socket is bound before the thread starts (port 0 picks a free port), and
``start`` returns once uvicorn says it is serving, so a test can connect at once.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from crmdesk.sandbox.core import Core
from crmdesk.sandbox.facades import FacadeOptions, facades
from crmdesk.sandbox.faults import FaultConfig, FaultInjector, FaultMiddleware

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
START_TIMEOUT = 30.0


class LoopbackServer:
    """An ASGI app served by uvicorn in a background thread: the sandbox, and the small bad
    servers tests put in front of it.

    The socket is bound before the thread starts (port 0 picks a free port), and ``start``
    returns the port once uvicorn says it is serving, so a client can connect at once.
    """

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, name: str = "crmdesk-asgi") -> None:
        self.app = app
        self.host = host
        self.port = port
        self.name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def start(self) -> int:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto=IPPROTO_TCP: asyncio then also sets TCP_NODELAY on every accepted connection.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # uvicorn writes headers and body separately; with Nagle on, the body waits for the
        # client's delayed ACK (40 ms a response). Accepted sockets inherit this on Linux.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off", http="h11",
                                loop="asyncio", timeout_keep_alive=5)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=self.name, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        # Bounded wait on uvicorn's own flag; the thread dying early is a failure to start.
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.005)
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._server = None

    def wait(self) -> None:
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)


class SandboxServer:
    def __init__(
        self,
        records: int = 200,
        seed: int = 1,
        strict: bool = False,
        faults: FaultConfig | None = None,
        db_path: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        dialect: str = "aria",
        rate_limit: Any = False,
        token_lifetime: int = 3600,
    ) -> None:
        """``dialect``: a name from ``facades()``; ``rate_limit`` (atomic, attio): the real server's limit
        (``True``, or the facade's ``RateLimits``), off by default so tests and the demo never wait;
        ``token_lifetime`` (atlas): seconds an access token lives."""
        known = facades()
        if dialect not in known:
            raise ValueError(f"unknown dialect {dialect!r}: one of {', '.join(sorted(known))}")
        self.facade = known[dialect]
        self.strict = strict
        self.host = host
        self.port = port
        self.db_path = db_path
        self.injector = FaultInjector(faults)
        self.options = FacadeOptions(records=records, seed=seed, strict=strict, rate_limit=rate_limit,
                                     token_lifetime=token_lifetime)
        #: The dialect's settings; aria's ``settings.choke_on`` may change while it serves (tests).
        self.settings = self.facade.settings(self.options)
        self.core: Core | None = None  # type: ignore[assignment]
        self.admin_token = ""
        self.member_token = ""
        #: the facade's ASGI app while serving (its ``state`` holds the facade, e.g. ``atlas_app``)
        self.app: ASGIApp | None = None
        self._serving: LoopbackServer | None = None

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        core = Core(self.db_path)
        fresh = not core.is_initialised()
        if fresh:
            self.facade.initialise(core)
            core.dialect = self.dialect
        # Files from before the dialect was recorded are Aria's.
        made_by = core.dialect or "aria"
        if made_by != self.dialect:
            core.close()
            raise ValueError(f"{self.db_path} was made by the {made_by} sandbox, not by {self.dialect}")
        opened = self.facade.open(core, self.options, self.settings, fresh)
        self.admin_token, self.member_token = opened.admin_token, opened.member_token
        self.core = core
        self.app = opened.app
        app = FaultMiddleware(opened.app, self.injector, self.facade.fault_body)
        self._serving = LoopbackServer(app, self.host, self.port, name="crmdesk-sandbox")
        try:
            self.port = self._serving.start()
        except RuntimeError:
            self.stop()
            raise RuntimeError("the sandbox server did not start") from None
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None
        self.app = None
        if self.core is not None:
            self.core.close()
            self.core = None

    def wait(self) -> None:
        """Serve until stopped (``crmdesk sandbox``); wakes up often so Ctrl+C is prompt."""
        if self._serving is not None:
            self._serving.wait()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- what clients and tests need ----------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.facade.name

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + self.facade.api_path

    @property
    def workspace_id(self) -> str | None:
        """The id of the workspace it serves (a new one when its data file was deleted), so the
        demo can tell its cache belongs to data that is gone; None when stopped."""
        return str(self.core.workspace.get()["id"]) if self.core is not None else None

    @property
    def admin_member_id(self) -> str | None:
        """The member the admin token signs in as (the demo's "you"); None when stopped."""
        if self.core is None:
            return None
        row = self.core.workspace.authenticate(self.admin_token)
        return str(row["id"]) if row is not None else None

    def set_faults(self, faults: FaultConfig | None) -> None:
        """Swap the fault config (and restart its random stream) while serving."""
        self.injector.set(faults or FaultConfig())

    @property
    def faults_injected(self) -> int:
        return self.injector.injected


def start_demo_sandbox(data_dir: Path, records: int = 2000, seed: int = 1) -> SandboxServer:
    """The ``crmdesk --demo`` server: its data lives in ``data_dir/sandbox/demo.sqlite`` across runs."""
    folder = Path(data_dir) / "sandbox"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SandboxServer(records=records, seed=seed, db_path=folder / "demo.sqlite").start()
