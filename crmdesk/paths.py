"""Where crmdesk keeps things, in one place.

Defaults come from platformdirs; ``--data-dir`` or ``CRMDESK_DATA_DIR`` put
everything under one folder instead, so tests and end-to-end runs never touch a
real profile.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "crmdesk"
DATA_DIR_ENV = "CRMDESK_DATA_DIR"
_WORKSPACE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True, slots=True)
class Paths:
    data_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> Paths:
        chosen = data_dir or os.environ.get(DATA_DIR_ENV)
        if chosen:
            root = Path(chosen).expanduser().resolve()
            return cls(data_dir=root, log_dir=root / "logs")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @property
    def workspaces_dir(self) -> Path:
        return self.data_dir / "workspaces"

    def workspace_db(self, workspace_id: str) -> Path:
        if not _WORKSPACE_ID.match(workspace_id):
            raise ValueError(f"not a usable workspace id: {workspace_id!r}")
        return self.workspaces_dir / f"{workspace_id}.sqlite"

    @property
    def log_file(self) -> Path:
        """The current log file (``crmdesk.logs`` rotates it to ``crmdesk.log.1`` …)."""
        return self.log_dir / "crmdesk.log"

    def ensure(self) -> None:
        """Create the data folders; a ``StoreError`` (``FolderNotWritable``) saying which and what
        to do when one cannot be made. (The log folder is ``crmdesk.logs``' business: crmdesk
        runs without a log file rather than not at all.)"""
        for folder in (self.data_dir, self.workspaces_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as error:
                from crmdesk.store.errors import FolderNotWritable

                # The folder that refused is the one the new folder was to be made in.
                made = Path(error.filename) if error.filename else folder
                where = made if made.exists() else made.parent
                raise FolderNotWritable(where, error.strerror or type(error).__name__) from error
