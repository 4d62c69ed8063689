"""Push the outbox to the server in order, one mutation (or run of typing) at a time.

Every outcome is written down before a request that could depend on it: applied (row
removed, ids remapped), rejected (kept with the server's message), conflict (kept in the
conflicts table) — so a crash or a cancel between requests loses nothing. Runs of updates
of different records travel ``write_concurrency`` at a time, the next run sent while the
one before is written down; a record never has two updates on the wire at once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from crmdesk.model import (
    AttributeDef,
    EntityKind,
    Entry,
    Mutation,
    MutationOp,
    MutationState,
    Note,
    ObjectDef,
    Record,
    Task,
    is_local_id,
)
from crmdesk.model.rich_text import same_text
from crmdesk.model.values import values_equal
from crmdesk.remote import (
    NoteParent,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RemoteValidationError,
    ServerError,
    ServerRejected,
)
from crmdesk.store.clock import older_than
from crmdesk.sync.apply import deleted_on_server_conflict
from crmdesk.sync.merge import coalesce, merge_record
from crmdesk.sync.push_collab import CLOCK_SLACK, Made, RecordPagePushes
from crmdesk.sync.references import drop_references
from crmdesk.sync.refusals import FAILED_ALONE, base_of, hold_refused, not_kept, refused_fields, settle_fields
from crmdesk.sync.step import SyncStep
from crmdesk.sync.waiting import needs

log = logging.getLogger(__name__)

#: Errors that say "this change will never be accepted as it is".
REJECTIONS = (RemoteValidationError, ServerRejected, PermissionDenied)
#: How many consecutive independent record updates are sent as one parallel batch.
PARALLEL_BATCH = 32
#: Server failures (5xx, after the transport's own retries) on one mutation before it is
#: shown as rejected. Creates count their sends too, so they get about half as many syncs.
MAX_SERVER_FAILURES = 5


@dataclass(frozen=True, slots=True)
class _SentRun:
    """A run of record updates handed to the pool, in queue order, and the records they target."""

    groups: list[list[Mutation]]
    merged: list[dict[str, Any]]
    futures: list[Future[Record]]
    targets: frozenset[str]


@dataclass(slots=True)
class PushResult:
    pushed: int = 0
    rejected: int = 0
    conflicts: int = 0
    waiting: int = 0


@dataclass(eq=False)
class Pusher(SyncStep, RecordPagePushes):
    #: Mutations whose server failure has been counted already: a failure counts once per
    #: push, or once per sync round when its push round hands every push the round's one set
    #: (a scan's pushes between pages retry a change that failed without counting it again).
    counted: set[int] = field(default_factory=set)
    result: PushResult = field(default_factory=PushResult, init=False)
    #: Every record target queued when the push began (held ones aside), and each record a
    #: create made: a scan running meanwhile must not lay a page it fetched before over them.
    touched_records: set[str] = field(default_factory=set, init=False)

    def push(self, queue: Sequence[Mutation] | None = None, hold: Collection[str] = ()) -> PushResult:
        """Send the outbox in order: ``queue``, the pending mutations as the caller just read them
        (each group is re-read before it goes), else as the outbox has them now. ``hold``: records
        whose changes wait, untouched, for a later push (the push round could not fetch them to
        check what the server holds)."""
        sending = [m for m in (self.store.outbox.pending() if queue is None else queue)
                   if not (m.entity is EntityKind.RECORD and m.target_id in hold)]
        self.touched_records.update(m.target_id for m in sending if m.entity is EntityKind.RECORD)
        groups = coalesce(self._drop_local_only(sending))
        total = len(groups)
        index = 0
        # A run of updates is sent while the run before it is written down, so the requests
        # never wait for the store: ``sent`` is that earlier run, its answers still to record.
        sent: _SentRun | None = None
        with ThreadPoolExecutor(max_workers=max(1, self.caps.write_concurrency),
                                thread_name_prefix="crmdesk-push") as pool:
            while index < total:
                self._cancel_point(sent)
                self.progress("push", index, total)
                run = self._parallel_run(groups, index, busy=sent.targets if sent else frozenset())
                if len(run) > 1:
                    following = self._send_together(run, pool)
                    self._settle(sent, following)
                    sent = following
                    index += len(run)
                    continue
                self._settle(sent)
                sent = None
                # Re-read: an earlier create in this push may have rewritten ids in this group.
                group = self._fresh(groups[index])
                if group:
                    self._push_group(group)
                index += 1
            self._settle(sent)
        self.progress("push", total, total)
        return self.result

    def _cancel_point(self, sent: _SentRun | None) -> None:
        """``check_cancel``; a cancel still writes down the answers of the run in flight, so what
        the server took is recorded when the user stops the sync."""
        try:
            self.check_cancel()
        except BaseException:
            self._settle(sent)
            raise

    def _settle(self, sent: _SentRun | None, following: _SentRun | None = None) -> None:
        """Write down ``sent``'s outcomes. When one of them stops the push (the network, a server
        failing again and again), the run already ``following`` it is written down too before
        the error is raised: every answer that came back is recorded, none is sent twice."""
        if sent is None:
            return
        failure = self._write_down(sent)
        if failure is None:
            return
        if following is not None:
            self._write_down(following)
        raise failure

    def _fresh(self, stale: list[Mutation]) -> list[Mutation]:
        return [m for m in (self.store.outbox.get(s.op_id) for s in stale if s.op_id is not None) if m]

    # -- updates in parallel --------------------------------------------------------------

    @staticmethod
    def _independent_update(group: list[Mutation]) -> bool:
        first = group[0]
        return (
            first.entity is EntityKind.RECORD
            and first.op is MutationOp.UPDATE
            and first.state is MutationState.PENDING
            and not any(needs(m) for m in group)
        )

    def _parallel_run(self, groups: list[list[Mutation]], start: int,
                      busy: Collection[str] = frozenset()) -> list[list[Mutation]]:
        """Consecutive record updates of different, already-created records: they depend on
        nothing else in the queue, so they may travel together. None of them may target a
        record in ``busy`` (the run still in flight): a second change must not overtake the first."""
        if self.caps.write_concurrency <= 1:
            return groups[start : start + 1]
        run: list[list[Mutation]] = []
        targets: set[str] = set()
        for group in groups[start : start + PARALLEL_BATCH]:
            target = group[0].target_id
            if not self._independent_update(group) or target in targets or target in busy:
                break
            targets.add(target)
            run.append(group)
        return run or groups[start : start + 1]

    def _send_together(self, run: list[list[Mutation]], pool: ThreadPoolExecutor) -> _SentRun:
        """Hand a run's PATCHes to the pool (``write_concurrency`` travel at once); their
        outcomes are written down by ``_write_down``."""
        queued = self.store.outbox.get_many(m.op_id for stale in run for m in stale if m.op_id is not None)
        fresh = ([queued[m.op_id] for m in stale if m.op_id in queued] for stale in run)
        groups = [g for g in fresh if g]
        merged = [{k: v for m in g for k, v in m.changes.items()} for g in groups]
        futures = [
            pool.submit(self.backend.update_record, g[0].scope, g[0].target_id, changes)
            for g, changes in zip(groups, merged, strict=True)
        ]
        return _SentRun(groups, merged, futures, frozenset(stale[0].target_id for stale in run))

    def _write_down(self, sent: _SentRun) -> BaseException | None:
        """Wait for a run's answers and write every outcome down in one transaction (an update
        is idempotent, so a crash before that write only re-sends). Returns what must stop the
        push, if anything did; else sends the updates refused as a whole field by field."""
        groups, merged, futures = sent.groups, sent.merged, sent.futures
        applied: list[tuple[list[Mutation], Record, dict[str, str]]] = []
        apart: list[tuple[list[Mutation], dict[str, Any], Exception]] = []
        deferred: BaseException | None = None
        for group, changes, future in zip(groups, merged, futures, strict=True):
            try:
                record = future.result()
                applied.append((group, record, not_kept(record, changes, base_of(group))))
            except NotFound:
                self.deleted_on_server(group)
            except (*REJECTIONS, ServerError) as error:
                if len(changes) > 1 and not isinstance(error, PermissionDenied):
                    apart.append((group, changes, error))  # find the field it is about, after this batch
                elif isinstance(error, ServerError):
                    if not self._count_server_failure(group, error):
                        deferred = deferred or error
                else:
                    self._reject(group, error.message)
            except Exception as error:  # network and the like: stop after recording the rest
                deferred = deferred or error
        with self.store.write():
            for group, record, refused in applied:
                self._store_updated(group, record, refused)
        if deferred is not None:
            return deferred
        for group, changes, refusal in apart:
            self._update_fields_apart(group, changes, refusal)
        return None

    # -- bookkeeping ----------------------------------------------------------------------

    def _drop_local_only(self, queue: list[Mutation]) -> list[Mutation]:
        """A thing made and deleted offline never needs to reach the server, nor do the links of
        a record made and deleted offline."""
        # A link's target is the other record (or an issue key): its create or delete is not
        # the record's.
        own = [m for m in queue if m.entity not in (EntityKind.LINK, EntityKind.ISSUE_LINK)]
        deleted = {m.target_id for m in own if m.op is MutationOp.DELETE and is_local_id(m.target_id)}
        if not deleted:
            return queue
        created_pending = {
            m.target_id for m in own
            if m.op is MutationOp.CREATE and m.target_id in deleted and m.state is MutationState.PENDING
        }
        keep = []
        with self.store.write():
            for mutation in queue:
                if _links_one_of(mutation, created_pending) or (
                        mutation.entity not in (EntityKind.LINK, EntityKind.ISSUE_LINK)
                        and mutation.target_id in created_pending):
                    assert mutation.op_id is not None
                    self.store.outbox.remove(mutation.op_id)
                else:
                    keep.append(mutation)
        return keep

    def _remove(self, group: list[Mutation]) -> None:
        for mutation in group:
            assert mutation.op_id is not None
            self.store.outbox.remove(mutation.op_id)
        self.result.pushed += len(group)

    def _reject(self, group: list[Mutation], message: str) -> None:
        with self.store.write():
            for mutation in group:
                assert mutation.op_id is not None
                self.store.outbox.set_state(mutation.op_id, MutationState.REJECTED, message)
        self.result.rejected += len(group)
        log.info("server refused %s %s: %s", group[0].op.value, group[0].entity.value, message)

    # -- dispatch ---------------------------------------------------------------------------

    def _push_group(self, group: list[Mutation]) -> None:
        first = group[0]
        merged: dict[str, Any] = {}
        for mutation in group:
            merged.update(mutation.changes)
        if any(needs(mutation) for mutation in group):
            # Waits for a create that has not reached the server yet (or was refused).
            self.result.waiting += len(group)
            return
        handler = {
            EntityKind.RECORD: self._push_record,
            EntityKind.NOTE: self._push_note,
            EntityKind.TASK: self._push_task,
            EntityKind.ENTRY: self._push_entry,
            EntityKind.LIST: self._push_list,
            EntityKind.NOTIFICATION: self._push_notification_read,
            EntityKind.COMMENT: self._push_comment,
            EntityKind.LINK: self._push_link,
            EntityKind.ISSUE_LINK: self._push_issue_link,
        }.get(first.entity)
        if handler is None:
            self._reject(group, f"crmdesk cannot send {first.entity.value} changes yet")
            return
        try:
            handler(group, merged)
        except REJECTIONS as error:
            self._reject(group, error.message)
        except NotFound as error:
            # Handlers turn a missing target into what it means (gone, conflict); one that
            # escapes is something this change needs that the server no longer has (a
            # note's record, say). Re-sending cannot help; aborting would block the queue.
            self._reject(group, f"{error.message} — it may have been deleted on the server.")
        except ServerError as error:
            if not self._count_server_failure(group, error):
                raise

    def _count_server_failure(self, group: list[Mutation], error: ServerError) -> bool:
        """The server answered, and failed on this change (the transport already retried).
        Aria answers a value it refuses with an empty 500: after a few syncs in a row it is
        a rejection, kept with the message, so it cannot block the queue forever. True when
        the change is now rejected; False when it should simply be tried again later."""
        first = group[0]
        assert first.op_id is not None
        if first.op_id in self.counted:
            return False
        self.counted.add(first.op_id)
        with self.store.write():
            failures = self.store.outbox.note_failure(first.op_id, error.message)
        if failures >= MAX_SERVER_FAILURES:
            self._reject(group, f"The server failed on this change {failures} times: {error.message}")
            return True
        return False

    # -- records ------------------------------------------------------------------------------

    def _push_record(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        if first.op is MutationOp.CREATE:
            self._create_record(first)
        elif first.op is MutationOp.UPDATE:
            self._update_record(group, merged)
        else:
            self.backend.delete_record(first.scope, first.target_id)
            with self.store.write():
                self._remove(group)
                # The server drops references to it from other records without touching them.
                drop_references(self.store, first.target_id)
                # Kept while the delete could still be discarded; the server has it now.
                self.store.history.delete_for_record(first.target_id)

    def _create_record(self, mutation: Mutation) -> None:
        sent = mutation  # the create as sent: without the fields the server refused by name

        def send() -> Record:
            nonlocal sent
            try:
                return self.backend.create_record(sent.scope, sent.changes, sent.mutation_id)
            except REJECTIONS as error:
                refused = refused_fields(error, sent.changes)
                if not refused or len(refused) == len(sent.changes):
                    raise
                sent = self._create_without(sent, refused)
                return self.backend.create_record(sent.scope, sent.changes, sent.mutation_id)

        # With idempotent creates the server makes one record however often it is sent.
        look_up = None if self.caps.idempotent_create else (lambda: self._find_created(mutation))
        record = self._look_up_else_send(mutation, "a create", look_up, send)
        if record is not None:
            self._adopt_created(sent, record)

    def _look_up_else_send(
        self, mutation: Mutation, what: str, look_up: Callable[[], Made | None] | None, send: Callable[[], Made],
    ) -> Made | None:
        """A create that cannot safely be sent twice: when it was sent before and never heard
        back (in flight), what it made is looked up first (``look_up``; None: never looked up);
        else it is marked in flight and sent (``send``; OutcomeUnknown leaves it in flight, so
        the next push looks it up first). None when the look-up failed: it waits."""
        assert mutation.op_id is not None
        made = None
        if mutation.state is MutationState.IN_FLIGHT and look_up is not None:
            try:
                made = look_up()
            except (ServerError, ProtocolError, *REJECTIONS) as error:
                # Not knowing is no reason to send it twice, nor to give up on it: it waits for
                # a later sync (uncounted), and the rest of the queue goes on.
                log.warning("could not look up %s of unknown outcome (%s); it waits", what, error.message)
                self.result.waiting += 1
                return None
        if made is None:
            with self.store.write():
                self.store.outbox.set_state(mutation.op_id, MutationState.IN_FLIGHT)
            made = send()
        return made

    def _create_without(self, mutation: Mutation, refused: dict[str, str]) -> Mutation:
        """The record is created without the fields refused by name; each waits as a rejected
        change of the new record (its id follows the create), so nothing typed is lost."""
        assert mutation.op_id is not None
        rest = {slug: value for slug, value in mutation.changes.items() if slug not in refused}
        with self.store.write():
            self.store.outbox.update_changes(mutation.op_id, rest)
            new_key = self.store.outbox.renew_mutation_id(mutation.op_id)
            # The new record has no value there yet: the refused fields replaced nothing.
            hold_refused(self.store, mutation, refused, mutation.changes, {}, mutation.created_at)
        self._count_refused(len(refused))
        return replace(mutation, changes=rest, mutation_id=new_key)

    def _find_created(self, mutation: Mutation) -> Record | None:
        """The server's record a create of unknown outcome made, if it made one.

        Asked by one attribute the server can filter on (a unique one first, then the title,
        then any other sent value); a candidate must hold every sent value, must not be the
        record another create of this queue became (two identical creates stay two records),
        and must not be older than the create itself (a colleague's twin is not ours). With no
        attribute to ask by, it is sent again: a duplicate is better than a lost record."""
        obj = self.store.schema.get_object(mutation.scope)
        if obj is None:
            return None
        attr = self._lookup_key(obj, mutation.changes)
        if attr is None:
            log.info("a create of unknown outcome has no value %s can look up: sending it again",
                     self.caps.dialect)
            return None
        value = mutation.changes[attr.slug]
        probe = value[0] if isinstance(value, list) else value
        taken = set(self.store.id_map.all().values())
        for found in self.backend.find_records_by(mutation.scope, attr.slug, probe):
            made_before = found.created_at is not None and older_than(found.created_at, CLOCK_SLACK,
                                                                      mutation.created_at)
            if found.id in taken or made_before:
                continue
            if all(values_equal(found.values.get(slug), sent) for slug, sent in mutation.changes.items()):
                log.info("a create of unknown outcome had reached the server as %s", found.id)
                return found
        return None

    def _lookup_key(self, obj: ObjectDef, changes: dict[str, Any]) -> AttributeDef | None:
        usable = [a for a in obj.attributes
                  if changes.get(a.slug) not in (None, [], "") and a.type not in self.caps.unfilterable_types]
        title = obj.title_attribute
        usable.sort(key=lambda a: (not a.unique, title is None or a.slug != title.slug))
        return usable[0] if usable else None

    def _adopt_created(self, mutation: Mutation, record: Record) -> None:
        assert mutation.op_id is not None
        local_id = mutation.target_id
        obj = self.store.schema.get_object(mutation.scope)
        dropped = not_kept(record, mutation.changes)
        with self.store.write():
            if dropped:
                # Created, but without these: each waits as a rejected change of the new record.
                settle_fields(self.store, [replace(mutation, op=MutationOp.UPDATE, base={})], dropped)
                self._count_refused(len(dropped))
            else:
                self.store.outbox.remove(mutation.op_id)
            if self.store.records.get(record.id) is not None:
                # A create of unknown outcome had landed and an earlier pull already cached
                # the server's copy: the local row takes its place (references follow it).
                self.store.records.delete(record.id)
            self.store.rewrite_local_id(local_id, record.id, EntityKind.RECORD.value)
            if obj is not None:
                later = self.store.outbox.for_target(record.id, entity=EntityKind.RECORD)
                outcome = merge_record(record.values, [m for m in later if m.state is not MutationState.REJECTED])
                current = self.store.records.get(record.id)
                record.created_at = record.created_at or (current.created_at if current else None)
                record.values = outcome.values
                self.store.records.put(obj, record)
        self.result.pushed += 1
        self.touched_records.add(record.id)

    def _update_record(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        try:
            record = self.backend.update_record(first.scope, first.target_id, merged)
        except NotFound:
            self.deleted_on_server(group)
            return
        except (*REJECTIONS, ServerError) as error:
            if len(merged) == 1 or isinstance(error, PermissionDenied):
                raise  # the one field is the refused one, or none may change: the whole change waits
            self._update_fields_apart(group, merged, error)
            return
        with self.store.write():
            self._store_updated(group, record, not_kept(record, merged, base_of(group)))

    def _update_fields_apart(self, group: list[Mutation], merged: dict[str, Any], error: Exception) -> None:
        """The server (or the adapter) refused an update of several fields: send what it did not
        refuse, so one bad value holds back nothing else. Fields the refusal names wait at once;
        without names, each field is sent alone to find the ones refused."""
        first = group[0]
        refused: dict[str, str] = {}
        failed: dict[str, str] = {}
        attempts = self._narrower(merged, error, refused, failed)
        record: Record | None = None
        while attempts:
            self.check_cancel()
            changes = attempts.pop(0)
            try:
                answer = self.backend.update_record(first.scope, first.target_id, changes)
            except NotFound:
                self.deleted_on_server(group)
                return
            except (*REJECTIONS, ServerError) as refusal:
                attempts += self._narrower(changes, refusal, refused, failed)
            else:
                record = answer
                refused.update(not_kept(answer, changes, base_of(group)))
        if failed and record is None:
            self._failed_apart(group, refused, failed)
            return
        # It took other changes of this record just now: these values are what it fails on.
        refused.update({slug: f"{message.rstrip('.')}. {FAILED_ALONE}" for slug, message in failed.items()})
        if record is None:
            self._reject_fields(group, refused)
            return
        with self.store.write():
            self._store_updated(group, record, refused)

    def _failed_apart(self, group: list[Mutation], refused: dict[str, str], failed: dict[str, str]) -> None:
        """The server took none of the fields and failed (5xx) on some: that says nothing
        about those values, so they stay queued and the failure is counted like any other;
        fields refused by name wait as rejected changes."""
        failure = ServerError(next(iter(failed.values())))
        if refused:
            with self.store.write():
                still = settle_fields(self.store, group, refused, still_to_send=failed)
            self._count_refused(len(refused))
            group = [still] if still is not None else []
        if group and not self._count_server_failure(group, failure):
            raise failure

    @staticmethod
    def _narrower(
        changes: dict[str, Any], error: Exception, refused: dict[str, str], failed: dict[str, str]
    ) -> list[dict[str, Any]]:
        """After ``error`` for ``changes``: note what is known to be refused (or failing), and
        return the smaller updates to try next — the fields not named, or each field alone."""
        if len(changes) == 1:
            [slug] = changes
            if isinstance(error, ServerError):
                failed[slug] = error.message
            else:
                refused[slug] = refused_fields(error, changes).get(slug, getattr(error, "message", str(error)))
            return []
        if isinstance(error, PermissionDenied):
            # Not allowed to change this record: sending its fields one by one cannot help.
            refused.update(dict.fromkeys(changes, error.message))
            return []
        named = refused_fields(error, changes)
        if named and not isinstance(error, ServerError):
            refused.update(named)
            rest = {slug: value for slug, value in changes.items() if slug not in named}
            return [rest] if rest else []
        return [{slug: value} for slug, value in sorted(changes.items())]

    def _reject_fields(self, group: list[Mutation], refused: dict[str, str]) -> None:
        """Nothing of the update went: each field waits with its own reason."""
        with self.store.write():
            settle_fields(self.store, group, refused)
        self._count_refused(len(refused))

    def _count_refused(self, fields: int) -> None:
        """``fields`` refused fields now wait as rejected changes: counted in the push's result."""
        self.result.rejected += fields

    def _store_updated(self, group: list[Mutation], record: Record, refused: dict[str, str] | None = None) -> None:
        """The server took the update (but the ``refused`` fields): drop it from the queue, keep
        what the server answered (with any later queued edits of the record laid on top); each
        refused field waits as its own rejected change. Inside the caller's write."""
        first = group[0]
        if refused:
            settle_fields(self.store, group, refused)
            self.result.pushed += len(group)
            self._count_refused(len(refused))
            log.info("the server took %s/%s but %s", first.scope, first.target_id, ", ".join(sorted(refused)))
        else:
            self._remove(group)
        obj = self.store.schema.get_object(first.scope)
        if obj is not None:
            later = [m for m in self.store.outbox.for_target(record.id, entity=EntityKind.RECORD)
                     if m.state is not MutationState.REJECTED]
            record.values = merge_record(record.values, later).values
            if record.created_at is None:  # most servers answer it: then the cache need not be read
                current = self.store.records.get(record.id)
                record.created_at = current.created_at if current is not None else None
            # Usually the server holds exactly what the cache already shows: then only its
            # time is new, and the value index need not be rebuilt. A refused field goes back to
            # the server's value, which nobody changed there: not a server change in the history.
            self.store.records.put_server_page(obj, [record], unrecorded=refused or ())

    def deleted_on_server(self, group: list[Mutation]) -> None:
        """Edited here, deleted there: a conflict the user settles (recreate, or let it go)."""
        first = group[0]
        with self.store.write():
            deleted_on_server_conflict(self.store, first.entity, first.target_id, first.scope, group)
        self.result.conflicts += 1

    # -- notes, tasks, entries ----------------------------------------------------------------

    def _push_simple(
        self,
        group: list[Mutation],
        create: Callable[[], Note | Task | Entry],
        update: Callable[[], object],
        delete: Callable[[], object],
        find_existing: Callable[[], Note | Task | None] | None = None,
    ) -> None:
        """The shared shape of note, task and entry pushes: the server id of a create is
        adopted everywhere; an update of something gone is a conflict; a delete of
        something gone is done. A create that can be looked up (``find_existing``) is marked
        in flight before it is sent, and looked up — not re-sent — if its answer was lost."""
        first = group[0]
        if first.op is MutationOp.CREATE:
            assert first.op_id is not None
            created: Note | Task | Entry | None = None
            if first.state is MutationState.IN_FLIGHT and find_existing is not None:
                created = find_existing()
            if created is None:
                if find_existing is not None:
                    with self.store.write():
                        self.store.outbox.set_state(first.op_id, MutationState.IN_FLIGHT)
                created = create()
            with self.store.write():
                self._remove(group)
                self.store.rewrite_local_id(first.target_id, created.id, first.entity.value)
                self._adopt_authorship(created)
            return
        if first.op is MutationOp.UPDATE:
            try:
                update()
            except NotFound:
                self.deleted_on_server(group)
                return
        else:
            with contextlib.suppress(NotFound):
                delete()
        with self.store.write():
            self._remove(group)

    def _adopt_authorship(self, created: Note | Task | Entry) -> None:
        """Inside the caller's write: a note or task made here takes the server's author and
        times (the timeline names who wrote it and orders it by the server's clock); what
        the user typed stays as it is in the cache."""
        if isinstance(created, Note):
            note = self.store.notes.get(created.id)
            if note is not None:
                self.store.notes.put(replace(
                    note, created_at=created.created_at or note.created_at,
                    updated_at=created.updated_at or note.updated_at, created_by=created.created_by or note.created_by,
                ))
        elif isinstance(created, Task):
            task = self.store.tasks.get(created.id)
            if task is not None:
                self.store.tasks.put(replace(
                    task, created_at=created.created_at or task.created_at,
                    created_by=created.created_by or task.created_by,
                ))

    def _push_note(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        if first.op is MutationOp.UPDATE and not self.caps.notes_editable:
            raise ServerRejected(self.caps.reason("notes_editable") or "")

        # The record the note hangs off (its scope: rewritten with every id when the record was
        # made offline), read once: nothing here writes records before the note is sent.
        record = self.store.records.get(first.scope) if first.scope else None

        def create() -> Note:
            if record is None:
                raise ServerRejected("The record this note belongs to no longer exists.")
            return self.backend.create_note(
                record.object_slug, first.scope, merged.get("title", ""), merged.get("content", "")
            )

        def find_existing() -> Note | None:
            if record is None:
                return None
            known = self.store.notes.ids()
            for note in self.backend.notes_for(record.object_slug, first.scope):
                # Compared as text: a server that stores another format (Aria's TipTap) spells
                # the markdown it gives back its own way ("*x*" comes back "_x_").
                if (note.id not in known and note.title == merged.get("title", "")
                        and same_text(note.content, merged.get("content", ""))):
                    return note
            return None

        parent = NoteParent(record.object_slug, record.id) if record is not None else None
        self._push_simple(
            group,
            create,
            lambda: self.backend.update_note(first.target_id, parent=parent, title=merged.get("title"),
                                             content=merged.get("content"), base_content=base_of(group).get("content")),
            lambda: self.backend.delete_note(first.target_id, parent=parent),
            find_existing,
        )

    def _push_task(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        links = {key: merged[key] for key in ("record_ids", "assignee_ids") if key in merged}
        if first.op is MutationOp.UPDATE and links and not self.caps.task_links_writable:
            raise ServerRejected(self.caps.reason("task_links_writable") or "")
        self._push_simple(
            group,
            lambda: self.backend.create_task(
                merged["content"], deadline=merged.get("deadline"), record_ids=merged.get("record_ids") or [],
                assignee_ids=merged.get("assignee_ids") or [],
            ),
            lambda: self.backend.update_task(
                first.target_id, content=merged.get("content"), deadline=merged.get("deadline"),
                done=merged.get("done"), **links,
            ),
            lambda: self.backend.delete_task(first.target_id),
            lambda: self._find_task(merged),
        )

    def _find_task(self, merged: dict[str, Any]) -> Task | None:
        """A task the server has that this cache does not, with the same text and links."""
        known = self.store.tasks.ids()
        wanted_links = sorted(merged.get("record_ids") or [])
        for page in self.backend.iter_tasks(include_completed=True):
            for task in page:
                same = task.content == merged["content"] and sorted(task.record_ids) == wanted_links
                if same and task.id not in known:
                    return task
        return None

    def _push_entry(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        list_id = first.scope
        self._push_simple(
            group,
            lambda: self.backend.add_entry(
                list_id, merged["record_id"], {k: v for k, v in merged.items() if k != "record_id"}
            ),
            lambda: self.backend.update_entry(list_id, first.target_id, merged),
            lambda: self.backend.remove_entry(list_id, first.target_id),
        )

    def _push_notification_read(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        with contextlib.suppress(NotFound):  # gone on the server: nothing left to mark
            self.backend.mark_notification_read(group[0].target_id)
        with self.store.write():
            self._remove(group)

    # -- lists ---------------------------------------------------------------------------------

    def _push_list(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        first = group[0]
        if first.op is MutationOp.CREATE:
            self._create_list(first)
            return
        if first.op is MutationOp.UPDATE:
            try:
                self.backend.update_list(first.target_id, name=merged.get("name"), private=merged.get("private"))
            except NotFound:
                # Renamed here, deleted there: nothing left to rename; the list goes here too.
                with self.store.write():
                    self._remove(group)
                    self._forget_list(first.target_id)
                return
        else:
            self.backend.delete_list(first.target_id)  # a list already gone counts as deleted
        with self.store.write():
            self._remove(group)

    def _create_list(self, mutation: Mutation) -> None:
        assert mutation.op_id is not None
        changes = mutation.changes
        name, parent, private = str(changes["name"]), str(changes["parent_object"]), bool(changes.get("private"))
        created = None
        if mutation.state is MutationState.IN_FLIGHT:
            # Sent before without an answer: it may exist. Adopt a list of that name and object
            # that this cache does not know yet, rather than making a second one.
            known = set(self.store.schema.lists())
            created = next((lst for lst in self.backend.lists()
                            if lst.id not in known and lst.name == name and lst.parent_object == parent), None)
        if created is None:
            with self.store.write():
                self.store.outbox.set_state(mutation.op_id, MutationState.IN_FLIGHT)
            created = self.backend.create_list(name, parent, private)
        local_id = mutation.target_id
        with self.store.write():
            self.store.outbox.remove(mutation.op_id)
            current = self.store.schema.get_list(local_id)
            if self.store.schema.get_list(created.id) is not None and current is not None:
                self.store.schema.delete_list(created.id)  # a pull cached it already: the local row takes over
            # The list row, its attributes, its entries and queued entry changes follow the new id.
            self.store.rewrite_local_id(local_id, created.id, EntityKind.LIST.value)
            if current is not None:
                self.store.schema.save_list(
                    replace(created, name=current.name, private=current.private,
                            attributes=created.attributes or current.attributes),
                    self.store.schema.list_position(created.id),
                )
        self.result.pushed += 1

    def _forget_list(self, list_id: str) -> None:
        """Inside the caller's write: a list the server no longer has, gone from the cache."""
        self.store.entries.delete_list(list_id)
        self.store.outbox.remove_scoped(EntityKind.ENTRY, list_id)
        self.store.schema.delete_list(list_id)


def _links_one_of(mutation: Mutation, records: set[str]) -> bool:
    """Whether ``mutation`` links (or unlinks) one of ``records`` to something."""
    if mutation.entity not in (EntityKind.LINK, EntityKind.ISSUE_LINK):
        return False
    return mutation.scope in records or mutation.changes.get("other") in records
