"""``AppContext``: the shared wiring the entry point builds and every view is handed.

It sits below the UI and names its parts' types for the type checker only, so importing it
loads nothing else of crmdesk: the UI imports this, never the entry point (``crmdesk.app``)
that builds the window, and never the sandbox (the entry point hands it ``start_demo``).
``tests/test_layers.py`` keeps it so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crmdesk.paths import Paths
    from crmdesk.remote.backend import Backend
    from crmdesk.secrets import TokenStore
    from crmdesk.store import Store
    from crmdesk.sync.worker import SyncController
    from crmdesk.ui.navigation import Navigator

__all__ = ["AppContext", "DemoServer", "Service"]


class Service(Protocol):
    """Something running beside the open workspace, stopped when it closes or the app quits."""

    def stop(self) -> None: ...


class DemoServer(Service, Protocol):
    """The demo's local server as the window uses it (``crmdesk.sandbox.server.SandboxServer``)."""

    @property
    def url(self) -> str: ...

    @property
    def admin_token(self) -> str: ...

    @property
    def dialect(self) -> str:
        """The API it speaks (the workspace file names it; the window never picks one itself)."""
        ...

    @property
    def workspace_id(self) -> str | None: ...

    @property
    def admin_member_id(self) -> str | None:
        """The member id the admin token belongs to: who "me" is in the demo."""
        ...


@dataclass
class AppContext:
    """Everything a view needs, passed in instead of reached through globals."""

    paths: Paths
    store: Store | None = None
    sync: SyncController | None = None
    navigator: Navigator | None = None
    #: One undo history for the window: edits are QUndoCommands (crmdesk.ui.undo).
    undo_stack: QUndoStack | None = None
    #: QSettings for UI state (window geometry, column layouts, last view). No secrets.
    settings: QSettings | None = None
    #: Things to stop when the workspace closes or the app quits (the demo's server).
    services: list[Service] = field(default_factory=list)
    #: The one crmdesk.secrets.TokenStore (it holds session-only tokens), made on first use.
    tokens: TokenStore | None = None
    #: Builds a new Backend for the open workspace (for the admin dialogs' own calls, run off
    #: the GUI thread); None when the workspace has no server or token.
    backend_factory: Callable[[], Backend] | None = None
    #: Starts the demo's server with its data under the given data dir (slow: run it off the
    #: GUI thread); None when this window offers no demo (a context a test builds).
    start_demo: Callable[[Path], DemoServer] | None = None
    #: The time now, aware (UTC): what Home's "today", stale deals and reminders are measured
    #: against. Tests hand in a fixed or stepped clock.
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
