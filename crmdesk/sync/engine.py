"""One full sync: pull the schema and records (merging with queued edits), push the
outbox, pull lists, notes, tasks and notifications. No Qt here."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from crmdesk.model import MutationState
from crmdesk.remote import (
    AuthError,
    Backend,
    Capabilities,
    NetworkError,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    RemoteError,
    RequestCancelled,
    ServerError,
    TruncatedAnswer,
)
from crmdesk.store import Store, StoreError
from crmdesk.store.clock import older_than, utc_now
from crmdesk.sync.changes import ChangeSet
from crmdesk.sync.pull import DEFAULT_SWEEP_INTERVAL, Puller
from crmdesk.sync.push import Pusher
from crmdesk.sync.status import Cancelled, SyncReport, SyncStatus

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
COLLECTIONS_SCOPE = "collections"


def _no_progress(phase: str, done: int, total: int | None) -> None:
    return None


class SyncEngine:
    """Runs syncs for one workspace with its own store connection and backend."""

    def __init__(
        self,
        store: Store,
        backend: Backend,
        *,
        progress: Progress = _no_progress,
        cancel: threading.Event | None = None,
        sweep_interval: timedelta = DEFAULT_SWEEP_INTERVAL,
        collections_interval: timedelta = timedelta(0),
    ) -> None:
        self.store = store
        self.backend = backend
        self.progress = progress
        self.cancel = cancel or threading.Event()
        # Cancel and Quit also end the transport's waits before a retry (Retry-After, backoff).
        backend.interrupt_waits_on(self.cancel)
        self.sweep_interval = sweep_interval
        self.collections_interval = collections_interval
        self._capabilities: Capabilities | None = None

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    @property
    def capabilities(self) -> Capabilities:
        if self._capabilities is None:
            self._capabilities = self.backend.probe_capabilities()
        return self._capabilities

    def _remember_limits(self, caps: Capabilities) -> None:
        """Keep what the server cannot hold in the workspace file: edits are checked against
        it when typed, offline too (``store.edits``)."""
        if self.store.schema.value_limits() != caps.value_limits:
            with self.store.write():
                self.store.schema.set_value_limits(caps.value_limits)

    def _collections_due(self) -> bool:
        last = self.store.sync_state.get(COLLECTIONS_SCOPE).last_pull_at
        return last is None or older_than(last, self.collections_interval, utc_now())

    def _pull_collections(self, puller: Puller, caps: Capabilities) -> None:
        """Lists' entries, notes, tasks and notifications: no "changed since" on Aria, so each
        pull re-reads them whole — on a schedule, not on every sync."""
        started = utc_now()
        if caps.lists:
            puller.pull_entries()
        if caps.notes:
            puller.pull_notes()
        if caps.tasks:
            puller.pull_tasks()
        if caps.notifications:
            puller.pull_notifications()
        state = self.store.sync_state.get(COLLECTIONS_SCOPE)
        state.last_pull_at = started
        with self.store.write():
            self.store.sync_state.put(state)

    def sync(self, *, force_collections: bool = False) -> SyncReport:
        """One sync. Entries, notes, tasks and notifications come along when
        ``collections_interval`` has passed since they last did, or when forced."""
        report = SyncReport()
        changes = report.changes
        puller: Puller | None = None
        pusher: Pusher | None = None
        try:
            caps = self.capabilities
            self._remember_limits(caps)
            puller = Puller(self.store, self.backend, caps, changes, self.check_cancel, self.progress,
                            sweep_interval=self.sweep_interval)
            puller.pull_schema()
            for obj in list(self.store.schema.objects().values()):
                self.check_cancel()
                puller.pull_records(obj)
            pusher = Pusher(self.store, self.backend, caps, changes, self.check_cancel, self.progress)
            pusher.push()
            if force_collections or self._collections_due():
                self._pull_collections(puller, caps)
            with self.store.write():
                self.store.schema.set_meta("last_sync_at", utc_now())
            report.status = SyncStatus.SYNCED
        except (Cancelled, RequestCancelled):
            report.status, report.message = SyncStatus.CANCELLED, "Sync was cancelled; nothing was lost."
        except AuthError as error:
            report.status, report.message = SyncStatus.AUTH_NEEDED, error.message
        except PermissionDenied as error:
            report.status, report.message = SyncStatus.AUTH_NEEDED, error.message
        except NetworkError as error:
            report.status, report.message = SyncStatus.OFFLINE, error.message
        except (ServerError, RateLimited) as error:
            report.status, report.message = SyncStatus.OFFLINE, f"The server is not answering properly: {error.message}"
        except TruncatedAnswer as error:
            # The connection broke inside an answer, again and again: the network's doing, not a
            # foreign server's; the next sync asks again.
            log.warning("answers keep arriving cut short: %s", error.message)
            report.status, report.message = SyncStatus.OFFLINE, error.message
        except ProtocolError as error:
            log.exception("protocol error during sync")
            report.status, report.message = SyncStatus.ERROR, error.message
        except RemoteError as error:
            log.exception("unexpected remote error during sync")
            report.status, report.message = SyncStatus.ERROR, error.message
        except StoreError as error:
            report.status, report.message = SyncStatus.ERROR, error.message
        finally:
            report.pulled = puller.pulled if puller else 0
            if pusher is not None:
                report.pushed = pusher.result.pushed
            report.pending = self.store.outbox.count(MutationState.PENDING) + self.store.outbox.count(
                MutationState.IN_FLIGHT
            )
            report.rejected = self.store.outbox.count(MutationState.REJECTED)
            report.conflicts = self.store.conflicts.count()
        return report

    def pull_timeline(self, record_id: str) -> None:
        """The timeline of one record, fetched when the user opens it."""
        Puller(self.store, self.backend, self.capabilities, ChangeSet(), self.check_cancel,
               self.progress).pull_timeline(record_id)
