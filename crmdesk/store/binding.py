"""Which server a workspace file belongs to.

A workspace file holds queued edits meant for one workspace on one server. It records the
server's address (meta ``server_url``) and the workspace id that server answered (meta
``workspace_id``) when the file was made, and every later contact is checked against both: a
server that answers another workspace's id, or a known id from another address (a typo, a
staging server restored from production, a proxy), is refused before anything is read or sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crmdesk.model import Workspace
from crmdesk.store.errors import StoreError

if TYPE_CHECKING:
    from crmdesk.store.store import Store

_DEFAULT_PORTS = {"http": 80, "https": 443}


class WorkspaceMismatch(StoreError):
    """The server is not the one this workspace file was made for: nothing was read or sent."""


def server_key(url: str) -> tuple[str, str, int | None, str]:
    """What makes two addresses the same server: scheme, host and port (the default port
    spelt or not, any case), and the path without a trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme), parts.path.rstrip("/")


def same_server(bound: str, url: str) -> bool:
    return server_key(bound) == server_key(url)


def check_server(path: object, bound_url: str | None, url: str) -> None:
    """Refuse ``url`` when the file at ``path`` was made for another address."""
    if bound_url and not same_server(bound_url, url):
        raise WorkspaceMismatch(
            str(path),
            f"The workspace file {path} belongs to the server at {bound_url}, but {url} answered with the "
            "same workspace id. crmdesk did not send it anything. If the server really moved, connect to "
            "the new address as a new workspace; edits still waiting here can be exported first.",
        )


def check_workspace(path: object, bound_id: str | None, workspace: Workspace, url: str = "") -> None:
    """Refuse a server that answers another workspace's id than the one the file was made for."""
    if bound_id is not None and bound_id != workspace.id:
        where = f"The server at {url}" if url else "The server"
        raise WorkspaceMismatch(
            str(path),
            f"{where} now answers as another workspace (“{workspace.name or workspace.id}”) than the one "
            f"the file {path} was made for. crmdesk did not send it anything, so edits waiting here stay "
            "here. Check the server's address and the token, or connect to it as a new workspace.",
        )


def check_store_workspace(store: Store, workspace: Workspace) -> None:
    """The workspace a server answered, against the one ``store``'s file was made for (before a
    sync reads or sends anything)."""
    check_workspace(store.path, store.schema.get_meta("workspace_id"), workspace,
                    store.schema.get_meta("server_url") or "")
