"""Finding or creating the local file of a workspace on a given server."""

from __future__ import annotations

from pathlib import Path

from crmdesk.paths import Paths
from crmdesk.remote import Backend
from crmdesk.store import Store


def open_workspace_store(paths: Paths, backend: Backend, dialect: str, url: str) -> Store:
    """The store for the server's workspace, created on first contact (asks the server its id)."""
    workspace = backend.workspace()
    paths.ensure()
    store = Store.open(paths.workspace_db(_safe_id(workspace.id)))
    with store.write():
        store.schema.save_workspace(workspace)
        store.schema.set_meta("dialect", dialect)
        store.schema.set_meta("server_url", url)
    return store


def _safe_id(workspace_id: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in workspace_id)
    return cleaned[:100] or "workspace"


def known_workspaces(paths: Paths) -> list[Path]:
    if not paths.workspaces_dir.exists():
        return []
    return sorted(p for p in paths.workspaces_dir.glob("*.sqlite") if ".bak" not in p.name)
