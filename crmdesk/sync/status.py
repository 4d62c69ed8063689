"""Where sync stands, and what one run did."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from crmdesk.store.changes import ChangeSet


class SyncStatus(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    SYNCED = "synced"
    OFFLINE = "offline"
    AUTH_NEEDED = "auth_needed"
    ERROR = "error"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class SyncReport:
    status: SyncStatus = SyncStatus.SYNCED
    message: str = ""
    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0
    pending: int = 0
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def complete(self) -> bool:
        """Everything pushed and pulled: what ``crmdesk sync`` exits 0 for."""
        return self.status is SyncStatus.SYNCED and self.pending == 0 and self.rejected == 0 and self.conflicts == 0

    def summary(self) -> str:
        text = (
            f"pulled {self.pulled}, pushed {self.pushed}, conflicts {self.conflicts}, "
            f"rejected {self.rejected}, still pending {self.pending}"
        )
        return f"{self.status.value}: {text}" + (f" — {self.message}" if self.message else "")


class Cancelled(Exception):
    """Raised at a request boundary when the user cancelled; everything stays consistent."""
