"""A workspace copy from start to end: the target's first sync, the plan, the schema the target
lacks, the records and the rest written into the target's file, its sync sending them, and the
check of what arrived. The window (in a thread of its own) and ``crmdesk copy`` both run it.

The target is a crmdesk workspace like any other: its file (made on first contact, as ``crmdesk
sync`` makes it) holds the copy as offline edits until its sync has sent them, so a copy cut
short by a lost connection is sent by the next run, or by opening the target in the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from crmdesk.remote import Backend, Capabilities
from crmdesk.store import Store
from crmdesk.sync.copy.plan import CopyPlan, Overrides, make_plan, workspace_key
from crmdesk.sync.copy.schema import make_missing_schema
from crmdesk.sync.copy.verify import Verification, verify
from crmdesk.sync.copy.write import CopyResult, CopyWriter
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import Cancelled, SyncReport, SyncStatus
from crmdesk.sync.step import Progress, no_progress
from crmdesk.sync.waiting import waiting_for_user

#: Sync rounds a copy runs to send what it wrote (each sends all it can; a round whose pushes
#: fail on the server's side leaves them for the next).
SEND_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    plan: CopyPlan
    written: CopyResult
    sent: SyncReport
    verification: Verification
    #: What the target's server refused, or what conflicts, waiting in the target's workspace file
    #: for its user (Pending changes, Conflicts there), one line each.
    waiting: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.sent.complete and self.verification.ok


class WorkspaceCopy:
    """``source``: the workspace file copied from (its copy map is written); ``target`` and
    ``backend``: the workspace file of the server copied to, and that server."""

    def __init__(self, source: Store, target: Store, backend: Backend, target_name: str, *,
                 overrides: Overrides | None = None, progress: Progress = no_progress,
                 cancel: threading.Event | None = None, said: Callable[[str], None] = lambda _: None) -> None:
        self.source = source
        self.target = target
        self.backend = backend
        self.target_name = target_name
        self.overrides = overrides or {}
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self.said = said
        self.engine = SyncEngine(target, backend, progress=progress, cancel=self.cancel)

    @property
    def capabilities(self) -> Capabilities:
        return self.engine.capabilities

    def sync_target(self) -> SyncReport:
        """One full round on the target (lists, notes and tasks too): raises ``CopyFailed`` when it
        fails (offline, the token refused…: its message says), ``Cancelled`` when cancelled."""
        report = self.engine.sync(force_collections=True)
        if report.status is SyncStatus.CANCELLED:
            raise Cancelled()
        if report.status is not SyncStatus.SYNCED:
            raise CopyFailed(f"The target's sync failed: {report.message or report.status.value}")
        return report

    def plan(self, *, synced: bool = False) -> CopyPlan:
        """What the copy would do; ``synced``: the target's file was brought up to date first."""
        if not synced and self.target.schema.get_meta("last_sync_at") is None:
            self.sync_target()
        return make_plan(self.source, self.target, self.capabilities, workspace_key(self.target), self.target_name,
                         self.overrides)

    def run(self) -> CopyOutcome:
        self.sync_target()
        plan = self.plan(synced=True)
        if plan.schema_to_make:
            made = make_missing_schema(plan, self.backend, cancel=self.cancel, said=self.said)
            self.said(f"made {made:,} schema item(s) on the target")
            self.sync_target()
            plan = self.plan(synced=True)
        written = CopyWriter(self.source, self.target, plan, cancel=self.cancel, progress=self.progress).run()
        sent = self.sync_target()
        for _ in range(SEND_ROUNDS - 1):
            if sent.pending == 0:
                break
            sent = self.sync_target()
        with self.source.write():
            self.source.copy_map.rebase(plan.target_key, self.target.id_map.server_id)
        return CopyOutcome(plan, written, sent, verify(self.source, self.target, plan),
                           tuple(waiting_for_user(self.target)))


class CopyFailed(Exception):
    """The copy stopped; what was written stays, and the next run goes on from there."""
