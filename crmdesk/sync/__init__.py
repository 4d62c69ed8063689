"""Sync: push the outbox, pull server changes, merge field by field. The engine has no Qt;
``worker.py`` runs it on a QThread."""

from crmdesk.store.changes import ChangeSet
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import SyncReport, SyncStatus

__all__ = ["ChangeSet", "SyncEngine", "SyncReport", "SyncStatus"]
