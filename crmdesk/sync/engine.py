"""One sync round, with no Qt.

``sync()``: the schema, then a push round (the records the outbox updates fetched by id and
merged, then the outbox), then records — incremental where the dialect has "changed since",
otherwise a full scan when one is due (``scan_interval``) or forced — and lists, notes, tasks and
notifications when due. A push that fails (short of a failure that ends everything) does not
stop the pull: the round reads on and fails with it at its end. ``push()``: a push round alone,
what a local edit sets off: nothing in front of it reads more than the records it changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from crmdesk.model import MutationState, ObjectDef
from crmdesk.remote import (
    AuthError,
    Backend,
    Capabilities,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    RemoteError,
    RequestCancelled,
    ServerError,
    TruncatedAnswer,
)
from crmdesk.remote.capabilities_json import capabilities_to_json, kept_capabilities
from crmdesk.store import Store, StoreError
from crmdesk.store.clock import older_than, utc_now
from crmdesk.store.web_address import WEB_URL_META, merged_templates
from crmdesk.sync.pull import DECODE_ALL, DEFAULT_SWEEP_INTERVAL, Puller
from crmdesk.sync.push_round import PushRound
from crmdesk.sync.status import Cancelled, SyncReport, SyncStatus
from crmdesk.sync.step import Progress, no_progress

log = logging.getLogger(__name__)


class GoneWhileSyncing(RemoteError):
    """Objects the round found in the schema were deleted on the server before their records
    were read (``titles``); the round reads everything else and ends with this."""

    def __init__(self, titles: list[str]) -> None:
        self.titles = titles
        super().__init__(f"{', '.join(titles)} went from the server during this sync; syncing again.")

COLLECTIONS_SCOPE = "collections"


@dataclass(slots=True)
class _Round:
    """What one round has done so far, for its report (also when it ends in an error)."""

    report: SyncReport
    puller: Puller | None = None
    pushes: PushRound | None = None


class SyncEngine:
    """Runs syncs for one workspace with its own store connection and backend.

    ``scan_interval`` and ``collections_interval``: how long a full scan of records (on a server
    without "changed since") and a re-read of lists, notes, tasks and notifications stay good.
    Both default to zero — every ``sync()`` is complete, as ``crmdesk sync`` and tests want; the
    window's worker passes its slow cadence. ``push_requested`` is set from any thread when the
    user edits: a scan then pushes at its next page boundary. ``now`` is the clock of every
    schedule (tests inject one)."""

    def __init__(
        self,
        store: Store,
        backend: Backend,
        *,
        progress: Progress = no_progress,
        cancel: threading.Event | None = None,
        sweep_interval: timedelta = DEFAULT_SWEEP_INTERVAL,
        collections_interval: timedelta = timedelta(0),
        scan_interval: timedelta = timedelta(0),
        push_requested: threading.Event | None = None,
        now: Callable[[], str] = utc_now,
    ) -> None:
        self.store = store
        self.backend = backend
        self.progress = progress
        self.cancel = cancel or threading.Event()
        # Cancel and Quit also end the transport's waits before a retry (Retry-After, backoff).
        backend.interrupt_waits_on(self.cancel)
        self.sweep_interval = sweep_interval
        self.collections_interval = collections_interval
        self.scan_interval = scan_interval
        self.push_requested = push_requested or threading.Event()
        self.now = now
        self._capabilities: Capabilities | None = None
        #: The server answered as this store's workspace (the schema step, or a push's own check):
        #: a push needs no GET /workspace of its own after that. Each sync checks again.
        self._bound = False

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    @property
    def capabilities(self) -> Capabilities:
        """The server's capabilities, probed once per engine and kept in the workspace file."""
        if self._capabilities is None:
            self._capabilities = self.backend.probe_capabilities()
            self._remember(self._capabilities)
        return self._capabilities

    def known_capabilities(self) -> Capabilities:
        """Without asking the server: this engine's probe, else the last one the workspace file
        keeps, else the dialect's defaults."""
        if self._capabilities is not None:
            return self._capabilities
        return kept_capabilities(self.store.schema.capabilities_text(), self.backend.capabilities)

    def _remember(self, caps: Capabilities) -> None:
        """Keep the capabilities in the workspace file: the admin dialogs read them offline, and
        edits are checked against ``value_limits`` when typed, offline too (``store.edits``)."""
        data = capabilities_to_json(caps)
        if self.store.schema.capabilities_json() != data:
            with self.store.write():
                self.store.schema.set_capabilities_json(data)

    def _remember_web_address(self) -> None:
        """Keep each object's template of a record's address in the server's web app (asked after
        the records are read: a dialect may learn them from them) where the palette finds them
        (``store.web_address``): merged with the kept ones, so an object this round did not tell
        keeps its own; written only when that changes something."""
        learned = self.backend.record_web_url_templates()
        if merged_templates(self.store.schema.get_meta(WEB_URL_META), learned) is None:
            return  # the usual round: nothing new, and no write lock taken for it
        with self.store.write():  # merged again with what is kept now, inside the write
            merged = merged_templates(self.store.schema.get_meta(WEB_URL_META), learned)
            if merged is not None:
                self.store.schema.set_meta(WEB_URL_META, merged)

    def _due(self, last: str | None, interval: timedelta) -> bool:
        """Whether something done at ``last`` is to be done again (never done, a zero interval, or
        a clock that went back past it: due)."""
        now = self.now()
        return interval <= timedelta(0) or last is None or last > now or older_than(last, interval, now)

    def _collections_due(self) -> bool:
        return self._due(self.store.sync_state.get(COLLECTIONS_SCOPE).last_pull_at, self.collections_interval)

    def _records_due(self, obj: ObjectDef, caps: Capabilities) -> bool:
        """Where "changed since" works, every round asks for what changed (a few cheap requests);
        without it a pull is a scan of every record, run only when ``scan_interval`` has passed."""
        if caps.changed_since(obj.slug):
            return True
        state = self.store.sync_state.get(f"records:{obj.slug}")
        if (state.details or {}).get(DECODE_ALL):
            return True  # the schema changed (a new attribute, say): its values are read at once
        return self._due(state.last_pull_at, self.scan_interval)

    def _pull_collections(self, puller: Puller, caps: Capabilities) -> None:
        """Lists' entries, notes, tasks and notifications, each re-read whole (the caller runs
        this on the collections' schedule, or when forced)."""
        started = self.now()
        phases = [(caps.lists, "entries", puller.pull_entries), (caps.notes, "notes", puller.pull_notes),
                  (caps.tasks, "tasks", puller.pull_tasks),
                  (caps.notifications, "notifications", puller.pull_notifications)]
        for offered, phase, pull in phases:
            if offered:
                self.progress(phase, 0, None)  # the status bar: "Receiving notes"
                pull()
                # Between phases, not inside one: each phase reads what is queued as it begins.
                puller.push_if_asked()
        state = self.store.sync_state.get(COLLECTIONS_SCOPE)
        state.last_pull_at = started
        with self.store.write():
            self.store.sync_state.put(state)

    def _push(self, pushes: PushRound, *, keep_failure: bool = False) -> set[str]:
        # Cleared before the outbox is read: an edit made from here on asks again.
        self.push_requested.clear()
        return pushes.run(keep_failure=keep_failure)

    def sync(self, *, force_collections: bool = False, force_scan: bool = False) -> SyncReport:
        """One round: schema, push, records (a full scan when due or forced), collections when
        due or forced. A push that fails without ending the round (the server's 5xx on one edit,
        a record it cannot fetch) holds back no pull: the round reads on, then fails with it."""

        def run(state: _Round) -> None:
            caps = self.capabilities
            pushes = state.pushes = PushRound(self.store, self.backend, caps, self.check_cancel, self.progress)
            puller = state.puller = Puller(
                self.store, self.backend, caps, self.check_cancel, self.progress,
                sweep_interval=self.sweep_interval, now=self.now, push_requested=self.push_requested,
                push_between_pages=lambda: self._push(pushes, keep_failure=True),
            )
            # The schema step checks the workspace binding before anything is read or sent.
            self._bound = False
            puller.pull_schema()
            self._bound = True
            self._push(pushes, keep_failure=True)
            gone: list[str] = []
            for obj in list(self.store.schema.objects().values()):
                self.check_cancel()
                if force_scan or self._records_due(obj, caps):
                    try:
                        puller.pull_records(obj)
                    except NotFound:
                        if self._object_on_server(obj.slug):
                            raise  # something else is missing: a fault, reported as one
                        # Deleted on the server after this round read the schema (a colleague
                        # removed it): the other objects are read on; the next round reads the
                        # schema without it.
                        gone.append(obj.plural_name)
            self._remember_web_address()
            if force_collections or self._collections_due():
                self._pull_collections(puller, caps)
            if pushes.failure is not None:
                raise pushes.failure  # everything else was read: the round ends as the push did
            if gone:
                raise GoneWhileSyncing(gone)
            with self.store.write():
                self.store.schema.set_meta("last_sync_at", self.now())

        return self._run(run)

    def push(self) -> SyncReport:
        """A push round alone: the workspace binding checked (one GET, only if this engine has not
        seen it yet), the records the outbox updates fetched and merged, the outbox sent. Nothing
        to send: no request at all. The capabilities are the known ones (``known_capabilities``) —
        probing them would read record pages."""

        def run(state: _Round) -> None:
            caps = self.known_capabilities()
            pushes = state.pushes = PushRound(self.store, self.backend, caps, self.check_cancel, self.progress)
            if not pushes.has_work():
                self.push_requested.clear()
                return
            if not self._bound:
                pushes.check_binding()
                self._bound = True
            self._push(pushes)

        return self._run(run)

    def _object_on_server(self, slug: str) -> bool:
        try:
            self.backend.get_object(slug)
        except NotFound:
            return False
        return True

    def _run(self, body: Callable[[_Round], None]) -> SyncReport:
        """Run a round; errors become its status (the outbox is never touched by one)."""
        report = SyncReport()
        state = _Round(report)
        # What the round changed is what the store's notices say it committed (``report.changes``).
        self.store.add_change_listener(report.changes.update)
        try:
            body(state)
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
        except GoneWhileSyncing as error:
            # Not a fault of either side: the worker's next round (it retries soon) reads it right.
            log.info("%s", error.message)
            report.status, report.message = SyncStatus.ERROR, error.message
        except RemoteError as error:
            log.exception("unexpected remote error during sync")
            report.status, report.message = SyncStatus.ERROR, error.message
        except StoreError as error:
            report.status, report.message = SyncStatus.ERROR, error.message
        finally:
            self.store.remove_change_listener(report.changes.update)
            report.pulled = state.puller.pulled if state.puller else 0
            if state.pushes is not None:
                report.pushed = state.pushes.pushed
            report.pending = self.store.outbox.unsent()
            report.rejected = self.store.outbox.count(MutationState.REJECTED)
            report.conflicts = self.store.conflicts.count()
        return report

    def pull_timeline(self, record_id: str) -> None:
        """The timeline of one record, fetched when the user opens it."""
        Puller(self.store, self.backend, self.capabilities, self.check_cancel,
               self.progress).pull_timeline(record_id)

    def pull_links(self, record_id: str) -> None:
        """The links of one record, fetched when the user opens it (where the server has links)."""
        Puller(self.store, self.backend, self.capabilities, self.check_cancel,
               self.progress).pull_links(record_id)
