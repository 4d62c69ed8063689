"""The local SQLite cache: one file per workspace, with the outbox of unsynced edits."""

from crmdesk.store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DiskFull,
    EmptyDatabase,
    MigrationFailed,
    MissingDatabase,
    NewerDatabase,
    NotFound,
    StoreError,
)
from crmdesk.store.links import IssueLinkRow, LinkRow
from crmdesk.store.records import RecordRow
from crmdesk.store.search import SearchHit
from crmdesk.store.store import Store

__all__ = [
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DiskFull",
    "EmptyDatabase",
    "IssueLinkRow",
    "LinkRow",
    "MigrationFailed",
    "MissingDatabase",
    "NewerDatabase",
    "NotFound",
    "RecordRow",
    "SearchHit",
    "Store",
    "StoreError",
]
