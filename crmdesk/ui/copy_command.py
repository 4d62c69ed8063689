"""What File ▸ Copy workspace to… runs on the thread pool, and how it reports back.

``run_copy`` finds the target's server and credentials as its own sync would (the file's meta,
the keyring), opens the copy (``crmdesk.workspace_copy.opened_copy``: every file and connection
opened and closed in the pool's thread) and plans or runs it. ``CopyWork`` is all it shares with
the dialog: a cancel flag, and its latest progress and messages under a lock — plain Python,
never a QObject; the dialog's timer collects them on the GUI thread. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmdesk.remote.dialects import MissingCredential, UnknownDialect, dialect_stored
from crmdesk.remote.errors import AuthError, InsecureConnectionRefused, NetworkError, RemoteError
from crmdesk.store import StoreError
from crmdesk.store.connection import read_meta
from crmdesk.sync.copy import CopyFailed, CopyOutcome, CopyPlan
from crmdesk.ui.widgets.sync_words import activity_words
from crmdesk.ui.workspace_switcher import INSECURE_META, workspace_id

if TYPE_CHECKING:
    from crmdesk.paths import Paths
    from crmdesk.secrets import TokenStore


class NotConnected(Exception):
    """The target cannot be reached from this computer yet: no server, dialect or credentials."""


@dataclass(frozen=True, slots=True)
class TargetAccess:
    """How the copy reaches a target: its file's meta and the keyring's credentials."""

    dialect: str
    url: str
    insecure: bool
    credentials: Mapping[str, str] = field(repr=False)  # never in a log line or a message


def target_access(tokens: TokenStore, path: Path) -> TargetAccess:
    """The target's server and credentials, as its own sync finds them (``look_up_access``): the
    file's meta, read without writing it, and the keyring. May wait on the keyring: runs on the pool."""
    meta = read_meta(path)
    name = meta.get("workspace_name") or path.stem
    url = meta.get("server_url", "")
    try:
        dialect = dialect_stored(meta.get("dialect"))
    except UnknownDialect as error:
        raise NotConnected(f"{error} “{name}” cannot be copied to.") from None
    credentials = tokens.credentials(workspace_id(path), dialect.required_keys(), optional=dialect.optional_keys(),
                                     split_token=dialect.from_token)
    if not url or not credentials:
        raise NotConnected(f"crmdesk keeps no credentials for “{name}” on this computer. Connect to it first "
                           "(Connect to a server…, with its address and credentials).")
    return TargetAccess(dialect.name, url, meta.get(INSECURE_META) == "1", credentials)


def run_copy(paths: Paths, source: Path, target: Path, tokens: TokenStore, work: CopyWork, *,
             copy: bool) -> CopyPlan | CopyOutcome:
    """On the pool: plan the copy from ``source`` to ``target`` (``copy``: run it). Every file and
    connection is opened and closed in this thread."""
    from crmdesk.workspace_copy import opened_copy  # the network stack: loaded when first used

    access = target_access(tokens, target)
    with opened_copy(paths, source, access.dialect, access.url, access.credentials,
                     allow_insecure_http=access.insecure, progress=work.progress, cancel=work.cancel,
                     said=work.said) as opened:
        return opened.run() if copy else opened.plan()


def describe_failure(error: Exception) -> str | None:
    """The words for a copy that stopped on the environment's fault; None for our own bug."""
    if isinstance(error, (NotConnected, CopyFailed, MissingCredential, UnknownDialect)):
        return str(error)
    if isinstance(error, InsecureConnectionRefused):
        return error.message
    if isinstance(error, AuthError):
        return (f"The target's server did not accept the credentials kept for it: {error.message}. "
                "Connect to it again (Connect to a server…).")
    if isinstance(error, NetworkError):
        return f"Could not reach the target's server: {error.message}"
    if isinstance(error, RemoteError):
        return f"The target's server answered with an error: {error.message}"
    if isinstance(error, StoreError):
        return error.message
    return None


def progress_words(phase: str, done: int, total: int | None,
                   plural_name: Callable[[str], str | None]) -> str | None:
    """A progress report in words: the sync's ("Receiving people — 10 of 12"), or the copy's own
    phase with its count ("Copying People — 20 of 55"); None for a report of nothing."""
    if phase == "push":
        return f"Sending to the server — {done:,} of {total:,}" if total else None  # (0: nothing to send)
    words = activity_words(phase, done, -1 if total is None else total, plural_name)
    if words is not None:
        return words
    return phase if total is None else f"{phase} — {done:,} of {total:,}"


class CopyWork:
    """What a run on the pool shares with the dialog: its cancel flag, its latest progress and its
    messages. Plain Python under a lock, never a QObject: the dialog's timer collects them."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[str, int, int | None] | None = None
        self._said: list[str] = []

    def begin(self) -> None:
        self.cancel.clear()
        self.take()

    def progress(self, phase: str, done: int, total: int | None) -> None:
        with self._lock:
            self._progress = (phase, done, total)

    def said(self, text: str) -> None:
        with self._lock:
            self._said.append(text)

    def take(self) -> tuple[tuple[str, int, int | None] | None, list[str]]:
        with self._lock:
            taken = self._progress, self._said
            self._progress, self._said = None, []
        return taken

    def stop(self) -> None:
        self.cancel.set()
