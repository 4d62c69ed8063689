"""Errors from the local database, each saying which file and what to do."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: something about the local database file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message


class DatabaseCorrupt(StoreError):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        super().__init__(
            path,
            f"The workspace file {path} is damaged and cannot be read{f' ({detail})' if detail else ''}. "
            "crmdesk has not changed it. Move it somewhere safe (it may still hold unsynced edits "
            "that support can recover), then reconnect the workspace to download it again.",
        )


class DatabaseLocked(StoreError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"The workspace file {path} is in use by another program (another crmdesk window?). "
            "Close it and try again.",
        )


class DiskFull(StoreError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            f"The disk holding {path} is full, so the last change was not saved. "
            "Free some space and try again; nothing saved before was lost.",
        )


class NewerDatabase(StoreError):
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
    def __init__(self, path: Path | str, version: int, detail: str, backup: Path | None) -> None:
        where = f" A copy from before the upgrade is at {backup}." if backup else ""
        super().__init__(
            path,
            f"Upgrading the workspace file {path} to schema version {version} failed ({detail}). "
            f"The file was left as it was before this step.{where}",
        )


class NotFound(StoreError):
    """A row the caller expected (a record, a list) is not in the cache."""

    def __init__(self, what: str) -> None:
        super().__init__("", f"{what} is not in the local cache")
