"""Opening, switching and closing workspaces, and signing out.

A workspace is one SQLite file (``paths.workspaces_dir/<id>.sqlite``); its dialect, server
address and "allow plain http" flag are in the file's meta table, its credentials (the API
token, or what its dialect asks for) in the keyring under the file's id (``TokenStore``), never
in the file or in QSettings. The window is
rebuilt by ``MainWindow.switch_workspace`` after the context has the new store and sync.
Which workspace opens on start is ``crmdesk.workspaces.choose_workspace``'s decision (the
command line shares it); only asking the user is done here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.logs import SHOWN
from crmdesk.store import Store, StoreError
from crmdesk.workspaces import (
    DEMO_WORKSPACE_ID,
    UnknownWorkspace,
    WorkspaceSummary,
    choose_workspace,
    describe_workspace,
    forget_last_workspace,
    remember_last_workspace,
    why_none_chosen,
)

if TYPE_CHECKING:
    from crmdesk.context import AppContext, DemoServer
    from crmdesk.remote.dialects import Dialect
    from crmdesk.secrets import TokenStore

log = logging.getLogger(__name__)

INSECURE_META = "allow_insecure_http"


def workspace_id(db_path: Path) -> str:
    """The keyring entry of a workspace: its file's id."""
    return db_path.stem


def tokens_of(context: AppContext) -> TokenStore:
    """The application's one TokenStore (session-only tokens live in it, so never make two)."""
    if context.tokens is None:
        from crmdesk.secrets import TokenStore  # keyring's backend discovery is slow: only when needed

        context.tokens = TokenStore()
    tokens: TokenStore = context.tokens
    return tokens


def open_workspace(context: AppContext, db_path: Path, *, with_sync: bool = True) -> str:
    """Open ``db_path`` as the current workspace, with a (not yet started) sync controller.

    Without a token (signed out, or a session-only token from an earlier run) the workspace
    opens read-and-edit offline; the status bar says sign-in is needed. ``with_sync=False``
    leaves the token and the sync for ``attach_sync`` (start-up does that after the first
    paint: looking in the keyring costs a tenth of a second).

    Returns the dialect the file names when this crmdesk does not speak it (the workspace then
    opens without syncing; see ``newer_dialect_message``), else "".
    """
    store = Store.open(db_path, create=False)
    context.store = store
    context.sync = None
    context.backend_factory = None
    unspoken = ""
    if with_sync:
        access = look_up_access(context, db_path, stored_dialect(store))
        attach_sync(context, db_path, access)
        unspoken = access.unspoken
    if workspace_id(db_path) != DEMO_WORKSPACE_ID:
        remember_last_workspace(context.paths, workspace_id(db_path))
    return unspoken


@dataclass(frozen=True, slots=True)
class SyncAccess:
    """What attaching a workspace's sync takes: its dialect and that dialect's credentials."""

    #: None: this crmdesk does not speak the dialect the file names.
    dialect: Dialect | None
    #: Every credential the dialect needs (and the optional ones kept), or None when a needed one
    #: is missing (the user signs in again).
    credentials: dict[str, str] | None
    #: The dialect's name as the file gives it, when this crmdesk does not speak it; else "".
    unspoken: str = ""


def stored_dialect(store: Store) -> str | None:
    """The name of the workspace's dialect as its file keeps it: a meta read, cheap on the GUI
    thread (resolving the name to a ``Dialect`` imports the network stack)."""
    return store.schema.get_meta("dialect")


def newer_dialect_message(dialect_name: str) -> str:
    """What the status bar says of a workspace whose dialect this crmdesk does not speak."""
    return f"This workspace was made by a newer crmdesk that speaks “{dialect_name}”; it opens without syncing."


def look_up_access(context: AppContext, db_path: Path, dialect_name: str | None) -> SyncAccess:
    """``db_path``'s dialect (named ``dialect_name``: ``stored_dialect``) and its credentials
    from the keyring (or CRMDESK_TOKEN, CRMDESK_<KEY>). Safe off the GUI thread, where start-up
    runs it: it imports the network stack and may wait on the keyring. A dialect this crmdesk
    does not speak (a newer one wrote the file) is logged here, once; nothing is looked up."""
    from crmdesk.remote.dialects import UnknownDialect, dialect_stored

    try:
        dialect = dialect_stored(dialect_name)
    except UnknownDialect as error:
        log.warning("%s: %s The workspace opens without syncing.", Path(db_path).name, error)
        return SyncAccess(None, None, unspoken=dialect_name or "")
    found = tokens_of(context).credentials(workspace_id(db_path), dialect.required_keys(),
                                           optional=dialect.optional_keys(), split_token=dialect.from_token)
    return SyncAccess(dialect, found)


def credential_keys(store: Store) -> tuple[str, ...]:
    """What the workspace's dialect keeps in the keyring (what signing out forgets); for a dialect
    this crmdesk does not speak, the API token every dialect's files have used."""
    from crmdesk.remote.dialects import UnknownDialect, dialect_stored
    from crmdesk.secrets import TOKEN_KEY

    try:
        dialect = dialect_stored(stored_dialect(store))
    except UnknownDialect:
        return (TOKEN_KEY,)
    return tuple(c.key for c in dialect.credentials)


def attach_sync(context: AppContext, db_path: Path, access: SyncAccess) -> None:
    """Give the open workspace its (not yet started) sync controller, when its dialect is
    spoken and it has credentials (``access``, from ``look_up_access``).

    ``access`` is ``db_path``'s: nothing is attached unless ``db_path`` is the open workspace.
    A keyring look-up that ends after the user opened another one would otherwise send them
    to the other workspace's server.
    """
    from crmdesk.remote.dialects import open_backend
    from crmdesk.sync.worker import SyncController, scan_interval_from

    store = context.store
    if store is None or store.path != Path(db_path) or access.dialect is None:
        return
    dialect = access.dialect.name
    credentials = access.credentials
    url = store.schema.get_meta("server_url") or ""
    insecure = store.schema.get_meta(INSECURE_META) == "1"
    if credentials and url:
        # The credentials stay in this closure, in memory: the worker builds its backend from them.
        context.backend_factory = lambda: open_backend(dialect, url, credentials, allow_insecure_http=insecure)
        context.sync = SyncController(db_path, context.backend_factory,
                                      scan_interval=scan_interval_from(context.settings))


def close_workspace(context: AppContext) -> None:
    """Stop the sync (the outbox is on disk), close the store, stop the demo's server."""
    if context.sync is not None:
        if not context.sync.stop():
            log.warning("the sync thread did not stop in time")
        context.sync = None
    context.backend_factory = None
    if context.store is not None:
        context.store.close()
        context.store = None
    for service in context.services:
        service.stop()
    context.services.clear()
    if context.undo_stack is not None:
        # Undo commands hold ids of the closed workspace.
        context.undo_stack.clear()


@dataclass(frozen=True, slots=True)
class StartWorkspace:
    """The workspace opened on start, or why there is none (for ``--view``/``--screenshot``)."""

    path: Path | None
    problem: str = ""
    #: The workspace named or chosen could not be opened (the window says why in a message
    #: box); not set when there simply is none yet, or the user cancelled the choice.
    failed: bool = False


#: Shows the data dir's workspaces and returns the one the user picked (None: cancelled).
Ask = Callable[[list[WorkspaceSummary]], Path | None]


def open_start_workspace(
    context: AppContext, *, requested: str | None = None, ask: Ask | None = None, with_sync: bool = True
) -> StartWorkspace:
    """On start: open the workspace named, else the last used, else the only one, else the one
    the user picks through ``ask`` (no ``ask``: none, with the reason)."""
    paths = context.paths
    try:
        choice = choose_workspace(paths, requested)
    except UnknownWorkspace as error:
        return StartWorkspace(None, str(error), failed=True)
    path = choice.path
    if path is None and choice.missing is not None:
        return StartWorkspace(None, why_none_chosen(paths, choice), failed=True)
    if path is None:
        if ask is None or not choice.candidates:
            return StartWorkspace(None, why_none_chosen(paths, choice))
        path = ask([describe_workspace(p) for p in choice.candidates])
        if path is None:
            return StartWorkspace(None, "No workspace was chosen.")
    try:
        if path.stem == DEMO_WORKSPACE_ID and context.start_demo is not None:
            # The demo was used last: it comes back with its local server, as it was left.
            open_demo_workspace(context, context.start_demo(paths.data_dir))
        else:
            open_workspace(context, path, with_sync=with_sync)
    except Exception as error:  # a locked/corrupt/newer file: say which, start on the welcome screen
        # (For the log file: the window or --screenshot shows the problem to the user.)
        log.warning("could not open %s: %s", path, error, exc_info=not isinstance(error, StoreError), extra=SHOWN)
        close_workspace(context)
        # A store error names the file and what to do; anything else is named here.
        problem = error.message if isinstance(error, StoreError) else f"Could not open {path}: {error}"
        return StartWorkspace(None, problem, failed=True)
    return StartWorkspace(path)


def sign_out(context: AppContext, parent: Any) -> bool:
    """Ask (counting unsynced edits), forget the token, close the workspace. True when done.

    The file stays: edits that have not reached the server are still in it, and are sent
    when the user connects to the same server again.
    """
    from PySide6.QtWidgets import QMessageBox

    store = context.store
    if store is None:
        return False
    unsynced = store.outbox.count()
    text = "Sign out of this workspace? crmdesk forgets its API token on this computer."
    if unsynced:
        text = (
            f"{unsynced:,} edit{'s have' if unsynced != 1 else ' has'} not reached the server yet. "
            "If you sign out now, they are not sent: they wait in this computer's copy of the "
            "workspace until you connect to the same server again.\n\nSign out anyway?"
        )
    answer = QMessageBox.question(
        parent, "Sign out", text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    tokens_of(context).delete(workspace_id(store.path), credential_keys(store))
    close_workspace(context)
    forget_last_workspace(context.paths)
    return True


def start_demo(context: AppContext, background: Any, on_ready: Any, on_error: Any) -> None:
    """Start the demo's server off the GUI thread (with the starter the entry point put in the
    context), then open the demo workspace on it."""
    start = context.start_demo
    if start is None:
        on_error(RuntimeError("this window was started without the demo server"))
        return
    data_dir = context.paths.data_dir

    def opened(server: DemoServer) -> None:
        close_workspace(context)
        open_demo_workspace(context, server)
        on_ready()

    background.run(lambda: start(data_dir), opened, on_error)


def open_demo_workspace(context: AppContext, server: DemoServer) -> None:
    """Open the demo workspace, with a (not yet started) sync against the demo's ``server``,
    which is stopped with the workspace."""
    from crmdesk.remote.dialects import open_backend
    from crmdesk.sync.worker import SyncController, scan_interval_from

    context.services.append(server)
    url, token, dialect = server.url, server.admin_token, server.dialect
    db_path = context.paths.workspace_db(DEMO_WORKSPACE_ID)
    store = context.store = Store.open(db_path)
    served = server.workspace_id
    cached = store.schema.get_meta("workspace_id")
    if served is not None and cached is not None and cached != served:
        # The demo server's data was reset (its file deleted): the demo cache belongs to a
        # workspace that no longer exists anywhere, and a sync would refuse it. Keep it aside.
        store.close()
        aside = db_path.with_name(f"{DEMO_WORKSPACE_ID}.{cached[:8]}.bak.sqlite")
        db_path.replace(aside)
        log.warning("the demo server was reset; the old demo workspace is kept at %s", aside)
        store = context.store = Store.open(db_path)
    me = server.admin_member_id  # Aria has no "who am I": the sandbox says whose its admin token is
    with store.write():
        store.schema.set_meta("dialect", dialect)
        store.schema.set_meta("server_url", url)
        if me is not None and store.schema.me() is None:
            # The demo signs in as the sandbox's admin: that is "you" (a choice made in the
            # members dialog since is kept).
            store.schema.set_me(me)
    # Started from the welcome screen or by --demo, it opens again on the next start.
    remember_last_workspace(context.paths, DEMO_WORKSPACE_ID)
    # The worker builds its own backend in its own thread; the sandbox's token is a local,
    # throw-away credential, so it is handed over in memory only.
    context.backend_factory = lambda: open_backend(dialect, url, token)
    context.sync = SyncController(db_path, context.backend_factory,
                                  scan_interval=scan_interval_from(context.settings))
