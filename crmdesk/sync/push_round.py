"""A push round: fetch the records the outbox updates, merge them as a pull would, push.

On a server without "changed since" a pull is a scan of every record; an edit must not wait
behind one. So a push checks only what it is about to change: each record with a queued update
is fetched by id (``Backend.get_record``, ``write_concurrency`` at a time) and merged with its
queued edits by the pull's own code (``apply.RecordApplier``): a field only the server changed
is taken, the same field changed on both sides becomes a conflict, a value the server already
holds leaves the queue. Then the outbox goes out (``push.Pusher``). Creates and deletes need no
fetch; an update whose record the server no longer has is a "deleted on the server" conflict,
as the pusher makes it when a PATCH finds nothing.

A record whose fetch fails (5xx, the network, a broken answer) is not sent this round: its
edits stay queued as they are, the others go, and the round then fails with that error (the
worker retries it with backoff). Within a sync round (``run(keep_failure=True)``) such a failure,
or the server's uncounted 5xx on a change, is kept in ``failure`` instead: the pull still runs
(one edit the server refuses must not stop the cache from learning what changed there), and
the round raises it at its end. Failures that end everything (``_FATAL``) and a cancel are
raised at once.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, Record, is_local_id
from crmdesk.remote import AuthError, NotFound, PermissionDenied, RemoteError, RequestCancelled
from crmdesk.store.binding import check_store_workspace
from crmdesk.sync.apply import RecordApplier
from crmdesk.sync.push import Pusher
from crmdesk.sync.step import SyncStep

log = logging.getLogger(__name__)

#: Errors that end the round at once: nothing else this round can succeed (or it was cancelled).
_FATAL = (AuthError, PermissionDenied, RequestCancelled)


@dataclass(eq=False)
class PushRound(SyncStep):
    """Pushes for one sync round (several times, when a scan is interrupted by edits)."""

    pushed: int = field(default=0, init=False)
    #: The first non-fatal failure a ``run(keep_failure=True)`` kept, for the round to raise.
    failure: RemoteError | None = field(default=None, init=False)
    #: Mutations whose server failure this round has counted: once per round, however many
    #: times a scan's pushes between pages try them again.
    _counted: set[int] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.applier = RecordApplier(self.store)

    def check_binding(self) -> None:
        """Before anything is sent: a server that answers as another workspace gets nothing
        (one GET /workspace; the schema step checks the same when a round pulls the schema)."""
        check_store_workspace(self.store, self.backend.workspace())

    def has_work(self) -> bool:
        return self.store.outbox.unsent() > 0

    def run(self, *, keep_failure: bool = False) -> set[str]:
        """Fetch, merge, push. Returns the ids of the records fetched or sent: their cache rows are
        newer than any page a scan fetched before this push. ``keep_failure``: a failure that does
        not end the round (``_FATAL``) is kept in ``failure`` rather than raised."""
        touched: set[str] = set()
        try:
            self._run(touched)
        except _FATAL:
            raise
        except RemoteError as error:
            if not keep_failure:
                raise
            log.info("the push failed (%s); the round goes on and reports it at its end", error.message)
            self.failure = self.failure or error
        return touched

    def _run(self, touched: set[str]) -> None:
        """``run``'s work; ``touched`` gathers the records fetched or sent, a failure or not."""
        pusher = Pusher(self.store, self.backend, self.caps, self.check_cancel, self.progress, counted=self._counted)
        queue = self.store.outbox.pending()
        fetched, gone, held, failure = self._fetch(self._targets(queue))
        touched.update(r.id for r in fetched)
        touched.update(gone)
        if fetched:
            by_object: dict[str, list[Record]] = {}
            for record in fetched:
                by_object.setdefault(record.object_slug, []).append(record)
            with self.store.write():
                for slug, records in by_object.items():
                    obj = self.store.schema.get_object(slug)
                    if obj is not None:
                        self.applier.apply(obj, records)
        queued = self.store.outbox.unsent_for(gone, entity=EntityKind.RECORD) if gone else {}
        for record_id in gone:
            group = [m for m in queued.get(record_id, [])
                     if m.op is MutationOp.UPDATE and m.state is MutationState.PENDING]
            if group:
                pusher.deleted_on_server(group)
        try:
            pusher.push(queue, hold=held)
        finally:
            self.pushed += pusher.result.pushed
            touched.update(pusher.touched_records)
        if failure is not None:
            raise failure

    def _targets(self, queue: list[Mutation]) -> dict[str, str]:
        """Record id → object slug of each server record with a queued update in ``queue`` (a
        record with a queued delete needs no check: the delete wins, and a delete of what is gone
        is done)."""
        targets: dict[str, str] = {}
        deleted: set[str] = set()
        for mutation in queue:
            if mutation.entity is not EntityKind.RECORD or is_local_id(mutation.target_id):
                continue
            if mutation.op is MutationOp.DELETE:
                deleted.add(mutation.target_id)
            elif mutation.op is MutationOp.UPDATE and mutation.state is MutationState.PENDING:
                targets[mutation.target_id] = mutation.scope
        return {rid: slug for rid, slug in targets.items()
                if rid not in deleted and self.store.schema.get_object(slug) is not None}

    def _fetch(self, targets: dict[str, str]) -> tuple[list[Record], list[str], set[str], RemoteError | None]:
        """(records fetched, ids the server no longer has, ids not fetched, the first failure)."""
        if not targets:
            return [], [], set(), None
        self.check_cancel()

        def get(item: tuple[str, str]) -> Record | Exception:
            record_id, slug = item
            try:
                return self.backend.get_record(slug, record_id)
            except RemoteError as error:
                return error

        items = list(targets.items())
        workers = max(1, min(self.caps.write_concurrency, len(items)))
        if workers == 1:
            answers = [get(item) for item in items]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crmdesk-fetch") as pool:
                answers = list(pool.map(get, items))
        fetched: list[Record] = []
        gone: list[str] = []
        held: set[str] = set()
        failure: RemoteError | None = None
        for (record_id, _slug), answer in zip(items, answers, strict=True):
            if isinstance(answer, Record):
                fetched.append(answer)
            elif isinstance(answer, NotFound):
                gone.append(record_id)
            elif isinstance(answer, _FATAL):
                raise answer
            else:
                assert isinstance(answer, RemoteError)
                held.add(record_id)
                failure = failure or answer
        return fetched, gone, held, failure
