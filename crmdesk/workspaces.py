"""The workspaces of a data dir: creating a workspace's file on first contact with its server,
listing them, and deciding which one opens when none is named.

The decision (``choose_workspace``) is shared by the window and the ``records``/``notes``
commands, so a script edits the workspace the window would show. The last workspace opened in
the window is written to ``<data dir>/last-workspace``: it belongs to the data dir (a
``--data-dir`` test run or a second profile has its own), and the commands read it without Qt.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crmdesk.paths import Paths
from crmdesk.store import Store, StoreError
from crmdesk.store.binding import check_server, check_workspace
from crmdesk.store.connection import read_meta

if TYPE_CHECKING:  # the window imports this module at start; httpx is not needed until a sync
    from crmdesk.remote import Backend

log = logging.getLogger(__name__)

LAST_WORKSPACE_FILE = "last-workspace"
#: The demo's file only makes sense with its local server, which the window starts with it: it
#: is opened when named or when it was the one used last, never picked as "the only one".
DEMO_WORKSPACE_ID = "demo"


def open_workspace_store(paths: Paths, backend: Backend, dialect: str, url: str) -> Store:
    """The store for the server's workspace, created on first contact (asks the server its id).

    ``url`` is kept in the dialect's one form of it (``Dialect.normalise_url``)."""
    from crmdesk.remote.dialects import dialect_named

    url = dialect_named(dialect).normalise_url(url)
    workspace = backend.workspace()
    paths.ensure()
    path = paths.workspace_db(_safe_id(workspace.id))
    if path.exists():
        # Checked before the file is opened for writing: a refused server changes nothing in it.
        known = _meta_or_nothing(path)
        check_server(path, known.get("server_url"), url)
        check_workspace(path, known.get("workspace_id"), workspace, url)
    store = Store.open(path)
    with store.write():
        store.schema.save_workspace(workspace)
        store.schema.set_meta("dialect", dialect)
        store.schema.set_meta("server_url", url)
    return store


def _meta_or_nothing(path: Path) -> dict[str, str]:
    """A workspace file's meta table, read without writing it; empty when it cannot be read
    (opening it for real says what is wrong with it)."""
    try:
        return read_meta(path)
    except (StoreError, sqlite3.Error):
        return {}


def _safe_id(workspace_id: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in workspace_id)
    return cleaned[:100] or "workspace"


def known_workspaces(paths: Paths) -> list[Path]:
    if not paths.workspaces_dir.exists():
        return []
    return sorted(p for p in paths.workspaces_dir.glob("*.sqlite") if ".bak" not in p.name)


# -- which workspace opens ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkspaceSummary:
    """What a chooser shows of a workspace file, read without opening it for writing."""

    path: Path
    name: str
    server_url: str
    last_synced_at: str | None

    @property
    def id(self) -> str:
        return self.path.stem


def describe_workspace(path: Path) -> WorkspaceSummary:
    meta = _meta_or_nothing(path)  # unreadable here: listed by its id
    return WorkspaceSummary(path, meta.get("workspace_name") or path.stem, meta.get("server_url", ""),
                            meta.get("last_sync_at"))


def last_workspace(paths: Paths) -> str | None:
    try:
        text = (paths.data_dir / LAST_WORKSPACE_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return text or None


def remember_last_workspace(paths: Paths, workspace_id: str) -> None:
    """Written whole, then renamed over the old one: a crash never leaves half an id. A data dir
    that refuses the write only costs the next start its choice, so that is logged, not raised."""
    target = paths.data_dir / LAST_WORKSPACE_FILE
    temporary = target.with_name(f".{LAST_WORKSPACE_FILE}.{os.getpid()}")
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_text(workspace_id + "\n", encoding="utf-8")
        temporary.replace(target)
    except OSError as error:
        log.warning("could not note the last workspace in %s: %s", target, error)


def forget_last_workspace(paths: Paths) -> None:
    (paths.data_dir / LAST_WORKSPACE_FILE).unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class WorkspaceChoice:
    """``path`` when the choice is made; else ``candidates`` to ask about (none: no workspace)."""

    path: Path | None
    candidates: tuple[Path, ...] = ()
    #: The workspace used last, whose file is gone (moved or deleted).
    missing: str | None = None


class UnknownWorkspace(LookupError):
    def __init__(self, workspace_id: str, paths: Paths) -> None:
        known = ", ".join(p.stem for p in known_workspaces(paths)) or "none"
        super().__init__(f"There is no workspace “{workspace_id}” in {paths.data_dir} (there are: {known}).")


def choose_workspace(paths: Paths, requested: str | None = None) -> WorkspaceChoice:
    """The workspace named (``--workspace``), else the one used last, else the only one, else a
    choice among them. Raises ``UnknownWorkspace`` for a name without a file."""
    known = known_workspaces(paths)
    if requested:
        for path in known:
            if path.stem == requested:
                return WorkspaceChoice(path)
        raise UnknownWorkspace(requested, paths)
    last = last_workspace(paths)
    for path in known:
        if path.stem == last:
            return WorkspaceChoice(path)
    ours = [path for path in known if path.stem != DEMO_WORKSPACE_ID]
    if last is not None and last != DEMO_WORKSPACE_ID:
        # The workspace used last has no file any more: say so rather than open another one
        # (or none) as if nothing happened.
        return WorkspaceChoice(None, tuple(ours), missing=last)
    if len(ours) == 1:
        return WorkspaceChoice(ours[0])
    return WorkspaceChoice(None, tuple(ours))


def why_none_chosen(paths: Paths, choice: WorkspaceChoice) -> str:
    """Why ``choose_workspace`` chose nothing, and what to do, for a message (window or script)."""
    if choice.missing is not None:
        others = ", ".join(p.stem for p in choice.candidates) or "none"
        return (f"The workspace “{choice.missing}” used last is missing from {paths.workspaces_dir}: its file "
                "was moved or deleted, and crmdesk has not made a new one. Put it back, reconnect it, or "
                f"name another with --workspace ID (there are: {others}).")
    if not choice.candidates:
        return (f"There is no workspace in {paths.data_dir} yet: run “crmdesk sync --url URL "
                f"--data-dir {paths.data_dir}” first.")
    names = ", ".join(p.stem for p in choice.candidates)
    return (f"{paths.data_dir} holds {len(choice.candidates)} workspaces and none was used last: "
            f"name one with --workspace ID ({names}).")
