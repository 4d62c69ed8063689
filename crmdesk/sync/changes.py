"""What a sync changed: the store's change notices (``crmdesk.store.changes``)."""

from crmdesk.store.changes import ChangeSet

__all__ = ["ChangeSet"]
