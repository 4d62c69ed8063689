"""Schema-admin calls, run off the GUI thread with a backend of their own.

The GUI thread never talks to the network: each call builds a backend from the
workspace's factory (``AppContext.backend_factory``) on Qt's thread pool, runs, closes it
and hands the result (or the error) back on the GUI thread. Schema changes are not queued
offline: a call that cannot reach the server fails at once and the dialog keeps its input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from crmdesk.remote.backend import Backend, Capabilities
from crmdesk.remote.capabilities_json import kept_capabilities
from crmdesk.remote.dialects import UnknownDialect, dialect_stored
from crmdesk.ui.background import Background

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import Store

NOT_CONNECTED = "This workspace is not connected to a server (sign in with File ▸ Connect to a server…)."
CHECKING = "Checking your role on the server…"


def backend_factory(context: AppContext) -> Callable[[], Backend] | None:
    """How to build a backend for the open workspace, or None when it has no server/token.

    ``workspace_switcher.attach_sync`` (or the demo's start) sets it, from the token it looked
    up off the GUI thread; the admin dialogs never read the keyring themselves."""
    factory: Callable[[], Backend] | None = context.backend_factory
    return factory


def offline_capabilities(reason: str, known: Capabilities | None = None) -> Capabilities:
    """``known`` (what the server can do, as last kept) with the admin calls off for ``reason``:
    schema changes are not queued offline, but what the server stores (an option's order, say)
    is still shown as it is."""
    if known is None:
        return Capabilities(dialect="", reasons={"schema_admin": reason, "member_admin": reason})
    return replace(known, schema_admin=False, member_admin=False,
                   reasons={**known.reasons, "schema_admin": reason, "member_admin": reason})


def stored_capabilities(context: AppContext) -> Capabilities | None:
    """What the workspace file keeps from the last probe (the sync engine writes it), each field
    it lacks taken from its dialect's defaults; None before any probe."""
    store = context.store
    if store is None or store.schema.capabilities_text() is None:
        return None
    return KnownCapabilities().of(store)  # None for a dialect this crmdesk does not speak


class KnownCapabilities:
    """What a workspace file says its server can do — the kept capabilities (as
    ``stored_capabilities`` reads them), else its dialect's defaults — for a view that asks on
    every reload: the kept text is read each time, and parsed again only when it changed."""

    def __init__(self) -> None:
        self._read: tuple[tuple[str | None, str | None], Capabilities | None] | None = None

    def of(self, store: Store) -> Capabilities | None:
        """None for a dialect this crmdesk does not speak."""
        texts = store.schema.capabilities_texts()
        if self._read is None or self._read[0] != texts:
            try:
                defaults = dialect_stored(texts[1]).defaults()
            except UnknownDialect:
                caps = None
            else:
                caps = kept_capabilities(texts[0], defaults)
            self._read = (texts, caps)
        return self._read[1]


class AdminAccess(QObject):
    """One per dialog: knows the capabilities and runs calls in the background. It starts from
    the ones the workspace file keeps (so a dialog opened offline shows what the server can do),
    and the probe's answer replaces them."""

    capabilities_changed = Signal(object)  # Capabilities

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.background = Background(self)
        self.stored: Capabilities | None = stored_capabilities(context)
        self.capabilities: Capabilities = self.stored or offline_capabilities(CHECKING)
        self._probed = False

    def probe(self) -> None:
        """Ask the server (once) what the signed-in account may do."""
        factory = backend_factory(self.context)
        if factory is None:
            self._set(offline_capabilities(NOT_CONNECTED, self.stored))
            return
        if self._probed:
            self.capabilities_changed.emit(self.capabilities)
            return

        def ask() -> Capabilities:
            backend = factory()
            try:
                return backend.probe_capabilities()
            finally:
                backend.close()

        def failed(error: Exception) -> None:
            from crmdesk.ui.admin.common import describe

            self._set(offline_capabilities(describe(error), self.stored))

        def done(caps: Capabilities) -> None:
            self._probed = True
            self._set(caps)

        self.background.run(ask, done, failed)

    def _set(self, caps: Capabilities) -> None:
        self.capabilities = caps
        self.capabilities_changed.emit(caps)

    def run(self, call: Callable[[Backend], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """``call(backend)`` on the pool; then ``on_done(result)`` or ``on_error(error)`` here."""
        factory = backend_factory(self.context)
        if factory is None:
            from crmdesk.remote.errors import NetworkError

            on_error(NetworkError(NOT_CONNECTED))
            return

        def job() -> Any:
            backend = factory()
            try:
                return call(backend)
            finally:
                backend.close()

        def done(result: Any) -> None:
            self.pull_schema()
            on_done(result)

        self.background.run(job, done, on_error)

    def pull_schema(self) -> None:
        """The server changed: a sync pulls the schema, every open view follows."""
        if self.context.sync is not None:
            self.context.sync.sync_now()

    def busy(self) -> bool:
        return self.background.busy()
