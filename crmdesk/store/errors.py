"""Errors from the local database, each saying which file and what to do.

Each is one kind (``kind``) of trouble the environment caused, with a message for the user
that names the file and the way forward; the window and the command line show the message as
it is (one line on stderr, or a message box). Our own bugs stay ordinary exceptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar


def _the_file(path: Path | str) -> str:
    """“The workspace file /x/y.sqlite”; without a path (a command that met the error deep in
    a read), “The workspace file”."""
    return f"The workspace file {path}" if _named(path) else "The workspace file"


def _the_disk(path: Path | str) -> str:
    return f"The disk holding {path}" if _named(path) else "The disk"


def _named(path: Path | str) -> bool:
    return str(path) not in ("", ".")


class StoreError(Exception):
    """Base class: something about the local database file."""

    #: Which trouble this is, for code that acts on it ("corrupt", "read_only", ...).
    kind: ClassVar[str] = "store"

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message


class DatabaseCorrupt(StoreError):
    kind = "corrupt"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        super().__init__(
            path,
            f"{_the_file(path)} is damaged and cannot be read{f' ({detail})' if detail else ''}. "
            "crmdesk has not changed it. Move it somewhere safe (it may still hold unsynced edits "
            "that support can recover), then reconnect the workspace to download it again.",
        )


class ReadOnlyDatabase(StoreError):
    """The file exists and can be read, but this user may not write it (permissions, a read-only
    disk or mount, an immutable flag). crmdesk refuses it rather than opening it read-only: every
    view edits, and the sync writes what the server sends."""

    kind = "read_only"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        super().__init__(
            path,
            f"{_the_file(path)} is read-only{f' ({detail})' if detail else ''}: crmdesk needs to "
            "write to it (your edits and what the server sends are kept there). Give your user write "
            "permission on it, or copy it to a writable folder and start crmdesk with --data-dir there. "
            "crmdesk has not changed it.",
        )


class FolderNotWritable(StoreError):
    """crmdesk cannot create files in a folder it keeps things in: a workspace file's (SQLite
    writes its journal beside it), or the data dir's. ``path`` is the folder."""

    kind = "folder_read_only"

    def __init__(self, folder: Path | str, detail: str = "") -> None:
        super().__init__(
            folder,
            f"The folder {folder} does not let crmdesk create files{f' ({detail})' if detail else ''}: crmdesk "
            "keeps the workspace files there, each with a journal beside it. Give your user write permission "
            "on that folder, or start crmdesk with --data-dir pointing to a writable one. Nothing was changed.",
        )


class CannotOpenDatabase(StoreError):
    """The file cannot be opened at all: a folder where the file should be, no permission to
    read it, or an error the system gave. (A file that is not a database is ``DatabaseCorrupt``.)"""

    kind = "unopenable"

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(
            path,
            f"{_the_file(path)} cannot be opened: {reason}. crmdesk has not changed it.",
        )


class DiskError(StoreError):
    kind = "disk_error"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        super().__init__(
            path,
            f"{_the_disk(path)} reported an error{f' ({detail})' if detail else ''}, so the last "
            "change was not saved. Check the disk (or the network share) and try again; nothing saved "
            "before was lost.",
        )


class DatabaseLocked(StoreError):
    kind = "locked"

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"{_the_file(path)} is in use by another program (another crmdesk window?). "
            "Close it and try again.",
        )


class DiskFull(StoreError):
    kind = "disk_full"

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"{_the_disk(path)} is full, so the last change was not saved. "
            "Free some space and try again; nothing saved before was lost.",
        )


class NewerDatabase(StoreError):
    kind = "newer"

    def __init__(self, path: Path | str, found: int, known: int) -> None:
        super().__init__(
            path,
            f"The workspace file {path} was written by a newer crmdesk (schema version {found}; "
            f"this version understands up to {known}). Update crmdesk to open it. "
            "The file has not been changed.",
        )
        self.found = found
        self.known = known


class MigrationFailed(StoreError):
    kind = "migration_failed"

    def __init__(self, path: Path | str, version: int, detail: str, backup: Path | None) -> None:
        where = f" A copy from before the upgrade is at {backup}." if backup else ""
        super().__init__(
            path,
            f"Upgrading the workspace file {path} to schema version {version} failed ({detail}). "
            f"The file was left as it was before this step.{where}",
        )


class NotFound(StoreError):
    """A row the caller expected (a record, a list) is not in the cache."""

    kind = "not_found"

    def __init__(self, what: str) -> None:
        super().__init__("", f"{what} is not in the local cache")


class EmptyDatabase(StoreError):
    """A workspace file of 0 bytes: whatever it held is gone. SQLite would silently start a new,
    empty workspace in it, so crmdesk refuses instead."""

    kind = "empty"

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"The workspace file {path} is empty (0 bytes): what it held is gone, perhaps after a failed "
            "copy or a full disk. crmdesk has not started it afresh. Restore it from a backup, or delete "
            "it and reconnect the workspace to download it again (edits that never reached the server "
            "cannot come back).",
        )


class MissingDatabase(StoreError):
    """A workspace crmdesk knew has no file any more (moved or deleted while it was away)."""

    kind = "missing"

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"The workspace file {path} is missing: it was moved or deleted. crmdesk has not made a new "
            "one in its place. Put it back, or reconnect the workspace to download it again.",
        )
