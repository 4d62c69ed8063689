"""Opening a workspace copy (``crmdesk.sync.copy``): the source's file, the target's server, and
the target's workspace file (made on first contact, as ``crmdesk sync`` makes it). Shared by
``crmdesk copy`` and File ▸ Copy workspace to…, which runs it on a thread of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.store import Store
from crmdesk.sync.copy import CopyFailed, WorkspaceCopy
from crmdesk.sync.copy.plan import Overrides
from crmdesk.sync.step import Progress, no_progress
from crmdesk.workspaces import open_workspace_store


@contextmanager
def opened_copy(paths: Paths, source_path: Path, dialect: str, url: str, credentials: Mapping[str, str] | str, *,
                allow_insecure_http: bool = False, overrides: Overrides | None = None,
                progress: Progress = no_progress, cancel: threading.Event | None = None,
                said: Callable[[str], None] = lambda _: None) -> Iterator[WorkspaceCopy]:
    """A ``WorkspaceCopy`` from the workspace file ``source_path`` to the server at ``url``; every
    file and connection it opened is closed after. Raises what ``open_backend``, ``Store.open``
    and the server raise, and ``CopyFailed`` for a copy of a workspace onto itself."""
    backend = open_backend(dialect, url, credentials, allow_insecure_http=allow_insecure_http)
    try:
        with Store.open(source_path, create=False) as source, \
                open_workspace_store(paths, backend, dialect, url) as target:
            if Path(target.path).resolve() == Path(source_path).resolve():
                raise CopyFailed("That is this workspace's own server: a workspace cannot be copied onto itself.")
            workspace = target.schema.workspace()
            name = f"{workspace.name} ({url})" if workspace is not None and workspace.name else url
            yield WorkspaceCopy(source, target, backend, name, overrides=overrides, progress=progress,
                                cancel=cancel, said=said)
    finally:
        backend.close()
