"""The window's start-up sign-in: the open workspace's dialect and credentials are looked up off
the GUI thread (a keyring can take seconds), then its sync is attached and started.

Until the keyring answers, the status bar says "Connecting", not "Sign-in needed": the token may
well be there. ``MainWindow.token_looked_up`` says when the look-up is over, either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.workspace_switcher import SyncAccess


def expect_sync(window: MainWindow) -> None:
    """The look-up is coming (now, or after the first paint): "Connecting", not "Sign-in needed",
    before the keyring has answered (the token may well be there); ``token_looked_up`` will say
    when it is over."""
    window._looking_up_token = True
    window.sync_status.show_state("connecting", "")


def attach_sync_in_background(window: MainWindow, db_path: Path) -> None:
    """Find ``db_path``'s dialect and look up its credentials off the GUI thread, then start
    syncing it if it is still the open workspace."""
    from crmdesk.ui.background import Background
    from crmdesk.ui.workspace_switcher import attach_sync, look_up_access, stored_dialect

    window._startup_background = Background(window)
    expect_sync(window)

    def attach(access: SyncAccess) -> None:
        window._looking_up_token = False
        store = window.context.store
        if store is not None and store.path == Path(db_path):
            window._unspoken_dialect = access.unspoken
        if window.context.sync is None:  # else: a workspace opened meanwhile came with its own
            # The user may have opened another workspace while the keyring answered: the
            # credentials are db_path's; attach_sync attaches nothing unless db_path is open.
            attach_sync(window.context, db_path, access)
            # The new sync's signals; without one, "Sign-in needed" (or that this crmdesk
            # does not speak the workspace's dialect).
            window._connect_sync()
            if window.context.sync is not None:
                window.sync_status.show_state("syncing", "")  # the worker's first act is a sync
                window.context.sync.start()
        window.token_looked_up.emit()

    def failed(error: Exception) -> None:
        window._looking_up_token = False
        window.sync_status.show_state("error", f"Could not read the keyring: {error}")
        window.token_looked_up.emit()

    store = window.context.store
    # Only the dialect's name is read here: resolving it imports the network stack, ~150 ms
    # the first paint would wait for.
    dialect_name = stored_dialect(store) if store is not None else None
    window._startup_background.run(lambda: look_up_access(window.context, db_path, dialect_name), attach, failed)

