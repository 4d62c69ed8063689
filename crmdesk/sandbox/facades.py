"""The dialects the sandbox can speak, each a facade over the same core.

``facades()`` is the registry ``SandboxServer(dialect=…)`` and ``crmdesk sandbox
--dialect`` read: a name → ``Facade`` (how to make its settings, what a new core needs
from it, and how to open it on a core: build the demo data on a new core, find its
credentials on a reopened one, and make its ASGI app). A new dialect is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp

from crmdesk.sandbox.core import Core


@dataclass(frozen=True)
class FacadeOptions:
    records: int
    seed: int
    strict: bool
    #: the real server's rate limit: ``False`` off, ``True`` its own figures, or a limits value
    rate_limit: Any = False
    #: seconds an access token lives (atlas: its OAuth tokens expire)
    token_lifetime: int = 3600


@dataclass(frozen=True)
class Opened:
    app: ASGIApp
    admin_token: str
    member_token: str


@dataclass(frozen=True)
class Facade:
    name: str
    title: str
    api_path: str
    #: a path under ``api_path`` worth a ``curl`` in the command line's greeting
    example: str
    settings: Callable[[FacadeOptions], Any]
    #: what a new core gets before ``open`` fills it: its workspace, and what the facade reads
    initialise: Callable[[Core], None]
    #: ``open(core, options, settings, fresh)``: ``fresh`` when ``initialise`` has just run
    open: Callable[[Core, FacadeOptions, Any, bool], Opened]
    #: ``(status, code, message) -> body`` of an injected fault, in the dialect's error shape
    #: (``None``: the fault injector's own, Aria's envelope)
    fault_body: Callable[[int, str, str], bytes] | None = None
    #: ``greeting(server) -> lines`` after the first of ``crmdesk sandbox`` (``None``: the tokens
    #: and a ``curl`` of ``example`` with the admin token)
    greeting: Callable[[Any], list[str]] | None = None


def _core_tokens(core: Core) -> tuple[str, str]:
    """A reopened core's (admin, member) tokens, ``""`` for one it lacks."""
    return core.workspace.token_for("admin") or "", core.workspace.token_for("member") or ""


def _aria_settings(options: FacadeOptions) -> Any:
    from crmdesk.sandbox.aria import Settings

    return Settings(strict=options.strict)


def _initialise_aria(core: Core) -> None:
    core.initialise()


def _open_aria(core: Core, options: FacadeOptions, settings: Any, fresh: bool) -> Opened:
    from crmdesk.sandbox.aria import create_app
    from crmdesk.sandbox.demo import build_demo

    if fresh:
        tokens = build_demo(core, options.records, options.seed)
        admin, member = tokens.admin, tokens.member
    else:
        admin, member = _core_tokens(core)
    latest = core.db.scalar("SELECT MAX(created_at) FROM notifications")
    if latest:
        core.clock.observe(latest)
    return Opened(create_app(core, settings), admin, member)


def _atomic_settings(options: FacadeOptions) -> Any:
    from crmdesk.sandbox.atomic import RateLimits, Settings

    limits = options.rate_limit
    if limits is True:
        limits = RateLimits()
    return Settings(rate_limits=limits or None)


def _initialise_atomic(core: Core) -> None:
    core.initialise(standard_objects=False)  # its data lives in the atomic_* tables


def _open_atomic(core: Core, options: FacadeOptions, settings: Any, fresh: bool) -> Opened:
    from crmdesk.sandbox.atomic import AtomicStore, create_app
    from crmdesk.sandbox.atomic.accounts import Accounts
    from crmdesk.sandbox.atomic.demo import build_atomic_demo

    store = AtomicStore(core)
    if fresh:
        tokens = build_atomic_demo(store, options.records, options.seed)
        admin, member = tokens.admin, tokens.member
    else:
        accounts = Accounts(core)
        admin, member = accounts.first_token(True) or "", accounts.first_token(False) or ""
    return Opened(create_app(core, settings, store), admin, member)


def _attio_settings(options: FacadeOptions) -> Any:
    from crmdesk.sandbox.attio import Settings
    from crmdesk.sandbox.attio.limits import limits_of

    return Settings(rate_limits=limits_of(options.rate_limit))


def _initialise_attio(core: Core) -> None:
    core.initialise()  # the standard objects: Attio's people, companies and deals are the core's


def _attio_fault_body(status: int, code: str, message: str) -> bytes:
    from crmdesk.sandbox.attio.errors import error_bytes

    kind = "rate_limit_error" if status == 429 else "api_error"
    return error_bytes(status, "rate_limit_exceeded" if status == 429 else code.lower(), message, kind)


def _open_attio(core: Core, options: FacadeOptions, settings: Any, fresh: bool) -> Opened:
    from crmdesk.sandbox.attio import AttioStore, create_app
    from crmdesk.sandbox.attio.demo import build_attio_demo

    store = AttioStore(core)
    if fresh:
        tokens = build_attio_demo(core, store, options.records, options.seed)
        admin, member = tokens.admin, tokens.member
    else:
        admin, member = _core_tokens(core)
    return Opened(create_app(core, settings, store), admin, member)


def _atlas_settings(options: FacadeOptions) -> Any:
    from crmdesk.sandbox.atlas import Settings

    return Settings(strict=options.strict, token_lifetime=options.token_lifetime)


def _initialise_atlas(core: Core) -> None:
    core.initialise(standard_objects=False)  # its entities live in the atlas_* tables


def _open_atlas(core: Core, options: FacadeOptions, settings: Any, fresh: bool) -> Opened:
    from crmdesk.sandbox.atlas import AtlasStore, create_app
    from crmdesk.sandbox.atlas.demo import build_atlas_demo, credentials

    store = AtlasStore(core)
    found = build_atlas_demo(store, options.records, options.seed) if fresh else credentials(store)
    return Opened(create_app(core, settings, store), found.admin, found.member)


def _atlas_fault_body(status: int, code: str, message: str) -> bytes:
    from crmdesk.sandbox.atlas.errors import fault_body

    return fault_body(status, code, message)


def _atlas_greeting(server: Any) -> list[str]:
    from crmdesk.sandbox.atlas.greeting import greeting

    return greeting(server)


def facades() -> dict[str, Facade]:
    return {
        "aria": Facade("aria", "Aria", "/api/v1", "/objects", _aria_settings, _initialise_aria, _open_aria),
        "atomic": Facade("atomic", "Atomic (BasicsOS)", "/api", "/contacts?range=%5B0,4%5D&sort=id",
                         _atomic_settings, _initialise_atomic, _open_atomic),
        "attio": Facade("attio", "Attio", "/v2", "/objects", _attio_settings, _initialise_attio, _open_attio,
                        _attio_fault_body),
        "atlas": Facade("atlas", "Atlas CRM (Jira)", "/api/1.0", "/workspace/CRM/entities?type=company&size=5",
                        _atlas_settings, _initialise_atlas, _open_atlas, _atlas_fault_body, _atlas_greeting),
    }
