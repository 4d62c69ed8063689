"""Pull: schema first, then records per object (incremental where the dialect can, a full
scan otherwise), lists and entries, notes, tasks and notifications — merging each record
with the local edits still queued for it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Protocol, TypeVar

from crmdesk.model import (
    EntityKind,
    ListDef,
    Mutation,
    MutationOp,
    MutationState,
    Note,
    ObjectDef,
    Record,
    Task,
    is_local_id,
)
from crmdesk.model.errors import ValidationError
from crmdesk.model.values import validate_value
from crmdesk.remote import Backend, Capabilities, NotFound
from crmdesk.store import Store
from crmdesk.store.binding import check_store_workspace
from crmdesk.store.clock import minus, older_than, utc_now
from crmdesk.sync.apply import RecordApplier, deleted_on_server_conflict
from crmdesk.sync.prefetch import prefetched, stamped
from crmdesk.sync.references import drop_references
from crmdesk.sync.step import Progress, SyncStep, never_cancelled, no_progress

log = logging.getLogger(__name__)

#: Ask for a little more than strictly changed: a record committed just before our last
#: pull but with an earlier timestamp is still caught. Re-pulling a few is harmless.
CURSOR_OVERLAP = timedelta(seconds=30)
DEFAULT_SWEEP_INTERVAL = timedelta(minutes=30)
#: In a records scope's details: decode every record at the next full scan (the schema changed).
DECODE_ALL = "decode_all"
#: Pulled records written in one transaction: a few pages (each commit costs milliseconds
#: whatever its size), few enough that an edit made meanwhile waits only a moment for the lock
#: (the GUI writes on its own connection and waits for the batch being written).
WRITE_BATCH = 500


class _Identified(Protocol):
    """A note or a task, as a page of them is stored: by id."""

    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Identified)


class Puller(SyncStep):
    def __init__(
        self,
        store: Store,
        backend: Backend,
        capabilities: Capabilities,
        check_cancel: Callable[[], None] = never_cancelled,
        progress: Progress = no_progress,
        *,
        sweep_interval: timedelta = DEFAULT_SWEEP_INTERVAL,
        now: Callable[[], str] = utc_now,
        push_requested: threading.Event | None = None,
        push_between_pages: Callable[[], set[str]] | None = None,
    ) -> None:
        super().__init__(store, backend, capabilities, check_cancel, progress)
        self.sweep_interval = sweep_interval
        self.now = now
        self.pulled = 0
        self.applier = RecordApplier(store)
        #: Set (from any thread) when the user edited something: ``push_between_pages`` runs at the
        #: next page boundary of a records pull, and returns the record ids it fetched or sent.
        self.push_requested = push_requested
        self.push_between_pages = push_between_pages
        #: Pushes run between pages so far, and for each record one touched, after which of them.
        self._pushes = 0
        self._pushed_at: dict[str, int] = {}

    # -- schema -------------------------------------------------------------------------

    def pull_schema(self) -> None:
        self.progress("schema", 0, None)
        workspace = self.backend.workspace()
        # Before anything is read or sent: a server that answers as another workspace gets nothing.
        check_store_workspace(self.store, workspace)
        members = self.backend.members()
        objects, gone = self._objects_confirmed(self.backend.objects())
        lists = self.backend.lists() if self.caps.lists else []
        self.check_cancel()
        schema = self.store.schema
        with self.store.write():
            schema.save_workspace(workspace)
            # The cache lists members by name, the server in its own order: compare as sets, or
            # every sync would rewrite them and tell every view the members changed.
            if set(members) != set(schema.members()):
                schema.replace_members(members)
            changed_objects = []
            for position, obj in enumerate(objects):
                old = schema.get_object(obj.slug)
                if old != obj:
                    schema.save_object(obj, position)
                    changed_objects.append((old, schema.get_object(obj.slug)))
                    if old is not None:
                        self._decode_all_next_scan(obj.slug)
            for slug in gone:
                self._forget_object(slug)
            self._save_lists(lists)
        for old, new in changed_objects:
            if old is not None and new is not None and _index_affected(old, new):
                self._reindex(new)
        if changed_objects or gone:
            self._recheck_queued()

    def _decode_all_next_scan(self, slug: str) -> None:
        """The object's schema changed: its next full scan decodes every record again, unchanged
        or not (a value of an attribute this cache did not know yet was left out when the record
        was read, and the record's server time does not change with the schema). Inside the
        caller's write."""
        state = self.store.sync_state.get(f"records:{slug}")
        state.details = {**(state.details or {}), DECODE_ALL: True}
        self.store.sync_state.put(state)

    def _objects_confirmed(self, listed: list[ObjectDef]) -> tuple[list[ObjectDef], set[str]]:
        """The server's objects, and the cached ones it really no longer has.

        One answer that leaves an object out is not believed: a proxy, a half-migrated server or
        a bug would otherwise empty the cache. The list is asked for again, then each object
        still missing is asked for by its slug; only a "not found" there makes it gone. An
        object the server still answers for keeps its place and its records."""
        cached = list(self.store.schema.objects())
        if not set(cached) - {o.slug for o in listed}:
            return listed, set()
        log.info("the server's object list left out %s: asking again",
                    ", ".join(sorted(set(cached) - {o.slug for o in listed})))
        listed = self.backend.objects()
        objects = list(listed)
        gone: set[str] = set()
        for position, slug in enumerate(cached):
            if any(o.slug == slug for o in objects):
                continue
            self.check_cancel()
            try:
                obj = self.backend.get_object(slug)
            except NotFound:
                gone.add(slug)
                continue
            log.warning("the server's object list leaves out “%s”, which it still has: kept", slug)
            objects.insert(min(position, len(objects)), obj)
        return objects, gone

    def _forget_object(self, slug: str) -> None:
        """An object the server confirmed gone: its records leave the cache and its sync position
        is forgotten (if it comes back, it is read from the start). Queued edits of its records
        stay, refused with the reason, holding what the user typed. Inside the caller's write."""
        for record_id in self.store.records.ids(slug):
            self.store.records.delete(record_id)
        self.store.schema.delete_object(slug)
        self.store.sync_state.forget(f"records:{slug}")

    def _save_lists(self, lists: list[ListDef]) -> None:
        """The server's lists, with the user's queued list changes laid on top: a list made
        offline (local id) or with a change queued stays, a queued rename keeps its name, a
        queued delete keeps it away. Inside the caller's write."""
        schema = self.store.schema
        queued: dict[str, list[Mutation]] = {}
        for mutation in self.store.outbox.pending():
            if mutation.entity is EntityKind.LIST:
                queued.setdefault(mutation.target_id, []).append(mutation)
        position = 0
        for list_def in lists:
            mutations = queued.get(list_def.id, [])
            if any(m.op is MutationOp.DELETE for m in mutations):
                continue
            wanted = list_def
            for mutation in mutations:
                if mutation.op is MutationOp.UPDATE:
                    wanted = replace(wanted, name=mutation.changes.get("name", wanted.name),
                                     private=mutation.changes.get("private", wanted.private))
            held = schema.get_list(wanted.id)
            if held != wanted or schema.list_position(wanted.id) != position:
                schema.save_list(wanted, position)
                if held is not None and _index_affected(held, wanted):
                    # Entries are written again only when they change: the index follows here.
                    self.store.entries.reindex(wanted)
            position += 1
        on_server = {lst.id for lst in lists}
        for list_id in set(schema.lists()) - on_server:
            if is_local_id(list_id) or list_id in queued:
                if schema.list_position(list_id) != position:  # after the server's lists
                    schema.save_list(schema.lists()[list_id], position)
                position += 1
                continue
            self.store.entries.delete_list(list_id)
            schema.delete_list(list_id)

    def _reindex(self, obj: ObjectDef) -> None:
        """Option titles or types changed: rebuild this object's value index and search text."""
        rowids = self.store.records.query_ids(obj.slug)
        for start in range(0, len(rowids), 1000):
            self.check_cancel()
            # One short transaction per chunk: the GUI's edits must not wait behind a long rebuild.
            with self.store.write(durable=False):
                rows = self.store.records.rows(rowids[start : start + 1000])
                self.store.records.put_many(
                    obj,
                    [Record(r.id, obj.slug, r.values, r.created_at, r.updated_at, r.created_by) for r in rows],
                )

    def _recheck_queued(self) -> None:
        """Queued edits that the new schema no longer accepts become visible rejections."""
        with self.store.write():
            for mutation in self.store.outbox.pending():
                if mutation.entity is not EntityKind.RECORD:
                    continue
                obj = self.store.schema.get_object(mutation.scope)
                if mutation.op is MutationOp.DELETE:
                    if obj is None and mutation.op_id is not None:  # went with its object: done
                        self.store.outbox.remove(mutation.op_id)
                    continue
                problem = None
                if obj is None:
                    problem = (f"The object “{mutation.scope}” was removed on the server; "
                               "this change is kept here with what you typed.")
                else:
                    for slug, value in mutation.changes.items():
                        attr = obj.attribute(slug)
                        if attr is None:
                            problem = f"The attribute “{slug}” was removed on the server."
                            break
                        try:
                            validate_value(attr, value)
                        except ValidationError as error:
                            problem = f"After a change on the server: {error}"
                            break
                if problem and mutation.op_id is not None:
                    self.store.outbox.set_state(mutation.op_id, MutationState.REJECTED, problem)

    # -- records ------------------------------------------------------------------------

    def pull_records(self, obj: ObjectDef) -> None:
        scope = f"records:{obj.slug}"
        state = self.store.sync_state.get(scope)
        incremental = self.caps.changed_since(obj.slug) and state.cursor is not None
        since = minus(state.cursor, CURSOR_OVERLAP) if incremental and state.cursor else None
        started = self.now()
        decode_all = bool((state.details or {}).get(DECODE_ALL))
        # A full scan names the server time the cache holds for each record: the unchanged ones
        # are counted as seen without being decoded or written.
        known = None if since is not None or decode_all else self.store.records.server_times(obj.slug)
        seen: set[str] = set()
        deleted: set[str] = set()
        newest = state.cursor
        done = 0
        pages = self.backend.iter_record_pages(obj.slug, changed_since=since, page_size=self.caps.max_page_size,
                                               known_updated_at=known)
        # Each page carries how many pushes had finished when its fetch began (``stamped`` runs in
        # the prefetch thread, just before each fetch).
        # Each record kept with how many pushes had finished when its page's fetch began.
        batch: list[tuple[int, Record]] = []
        for pushes_before, page in prefetched(stamped(pages, lambda: self._pushes)):
            self.check_cancel()
            batch += [(pushes_before, record) for record in page.records]
            for record in page.records:
                seen.add(record.id)
                if record.updated_at and (newest is None or record.updated_at > newest):
                    newest = record.updated_at
            deleted.update(page.deleted)
            if page.unchanged:
                assert known is not None
                seen.update(page.unchanged)
                latest = max(known[rid] for rid in page.unchanged)
                newest = latest if newest is None or latest > newest else newest
            done += len(page.records) + len(page.unchanged)
            self.pulled += len(page.records) + len(page.unchanged)
            if len(batch) >= WRITE_BATCH or self._push_asked():
                self._apply(obj, batch)
                batch = []
            self.progress(f"records:{obj.slug}", done, page.total)
            self.push_if_asked()
        self._apply(obj, batch)
        # What a push made or changed during this pull (a create among them) is on the server,
        # whether or not a page fetched before it showed it.
        seen.update(self._pushed_at)
        sweep_ids: set[str] | None = None
        if not incremental:
            sweep_ids = seen  # a full scan saw every record there is
        elif self.caps.needs_delete_sweep and older_than(state.last_sweep_at, self.sweep_interval, self.now()):
            self.check_cancel()
            sweep_ids = self.backend.record_ids(obj.slug)
        if sweep_ids is not None:
            self._sweep(obj, sweep_ids)
            state.last_sweep_at = started
        elif deleted - seen:
            # A server with tombstones names what was deleted; one seen again was re-created.
            gone = deleted - seen
            cached = self.store.records.where_are(gone)
            self._drop(obj, [rid for rid in gone if rid in cached])
        if since is None and state.details:
            state.details.pop(DECODE_ALL, None)  # every record was decoded with the current schema
        state.cursor = newest
        state.last_pull_at = started
        with self.store.write():
            self.store.sync_state.put(state)

    def _apply(self, obj: ObjectDef, batch: list[tuple[int, Record]]) -> None:
        """Store pulled records in one transaction. A pulled page can be fetched again: no fsync for
        it. Outbox changes made by the merge ride along; losing them to a power cut only re-sends
        an update."""
        # A record a push fetched or sent after its page's fetch began is newer in the cache than
        # on the page: the page's copy is not laid over it. Judged here, when the batch is
        # written, so a push between the page and the write counts too.
        records = [record for pushes_before, record in batch if self._pushed_at.get(record.id, 0) <= pushes_before]
        if records:
            with self.store.write(durable=False):
                self.applier.apply(obj, records)

    def _push_asked(self) -> bool:
        return self.push_requested is not None and self.push_requested.is_set()

    def push_if_asked(self) -> None:
        """Between two pages (or phases): when the user edited something, push it now rather than
        after the pull (``push_between_pages`` is the engine's push round; it returns the records
        it fetched or sent)."""
        if self.push_requested is None or self.push_between_pages is None or not self.push_requested.is_set():
            return
        touched = self.push_between_pages()  # clears the request before it reads the outbox
        self._pushes += 1
        for record_id in touched:
            self._pushed_at[record_id] = self._pushes

    def _sweep(self, obj: ObjectDef, server_ids: set[str]) -> None:
        """Records the server no longer has: drop them, unless the user has edits queued."""
        # A set difference first: on a 100,000-record object the sweep finds a handful, if any.
        self._drop(obj, [rid for rid in self.store.records.ids(obj.slug) - server_ids if not is_local_id(rid)])

    def _drop(self, obj: ObjectDef, gone: list[str]) -> None:
        """Records deleted on the server: out of the cache, except that queued edits of one
        become a conflict (the user decides) and a queued delete stays to be sent."""
        if not gone:
            return
        with self.store.write():
            # As it is now, not as the scan began; the records' own edits (a queued link to one
            # is not an edit of it).
            queued = self.store.outbox.unsent_for(gone, entity=EntityKind.RECORD)
            for record_id in gone:
                mutations = [m for m in queued.get(record_id, []) if m.op is MutationOp.UPDATE and m.changes]
                if mutations:
                    deleted_on_server_conflict(self.store, EntityKind.RECORD, record_id, obj.slug, mutations)
                    continue
                if any(m.op is MutationOp.DELETE for m in queued.get(record_id, [])):
                    continue
                self.store.records.delete(record_id)
                drop_references(self.store, record_id)

    # -- lists, notes, tasks, notifications ------------------------------------------------

    def _queued_targets(self) -> set[str]:
        return {m.target_id for m in self.store.outbox.pending()}

    def pull_entries(self) -> None:
        queued = self._queued_targets()
        for list_def in self.store.schema.lists().values():
            self.check_cancel()
            if is_local_id(list_def.id):
                continue  # made offline: the server has no entries for it yet
            seen: set[str] = set()
            # Only what differs is written: an unchanged list tells the views nothing.
            held = self.store.entries.held(list_def.id)
            try:
                for entries in self.backend.iter_entries(list_def.id, page_size=self.caps.max_page_size):
                    self.check_cancel()
                    with self.store.write():
                        for entry in entries:
                            seen.add(entry.id)
                            if entry.id not in queued and held.get(entry.id) != (entry.record_id, entry.values):
                                self.store.entries.put(list_def, entry)
            except NotFound:
                continue  # deleted on the server while a change of it waits here: the push settles it
            with self.store.write():
                for entry_id in self.store.entries.ids(list_def.id) - seen:
                    if not is_local_id(entry_id) and entry_id not in queued:
                        self.store.entries.delete(entry_id)

    def pull_notes(self) -> None:
        """Every note, re-read whole: only the ones that differ from the cache are written, and
        the views are told only when something did."""
        queued = self._queued_targets()
        cached = self.store.notes.by_id()

        def put(note: Note) -> None:
            if cached.get(note.id) != note:
                self.store.notes.put(note)

        seen = self._pull_pages(self.backend.iter_notes(page_size=self.caps.max_page_size), put, queued, "notes")
        self._forget(set(cached), seen, queued, self.store.notes.delete)

    def pull_tasks(self) -> None:
        """Every task, re-read whole: only the ones that differ from the cache are written."""
        queued = self._queued_targets()
        cached = self.store.tasks.by_id()

        def put(task: Task) -> None:
            self.store.tasks.put_if_changed(task, cached.get(task.id))

        seen = self._pull_pages(self.backend.iter_tasks(include_completed=True, page_size=self.caps.max_page_size),
                                put, queued, "tasks")
        self._forget(set(cached), seen, queued, self.store.tasks.delete)

    def _pull_pages(
        self, pages: Iterable[list[Item]], put: Callable[[Item], None], queued: set[str], phase: str
    ) -> set[str]:
        seen: set[str] = set()
        for page in pages:
            self.check_cancel()
            with self.store.write():
                for item in page:
                    seen.add(item.id)
                    if item.id not in queued:
                        put(item)
            self.progress(phase, len(seen), None)  # "notes: 1,200", not the phase's opening 0
        return seen

    def _forget(self, local: set[str], seen: set[str], queued: set[str], delete: Callable[[str], bool]) -> None:
        """Delete what the server no longer has (never a local or queued one)."""
        with self.store.write():
            for item_id in local - seen:
                if not is_local_id(item_id) and item_id not in queued:
                    delete(item_id)

    def pull_notifications(self) -> None:
        notifications = self.backend.notifications()
        # Read here but not yet told to the server: stay read.
        read_here = {m.target_id for m in self.store.outbox.pending() if m.entity is EntityKind.NOTIFICATION}
        for notification in notifications:
            if notification.id in read_here:
                notification.read = True
        with self.store.write():
            self.store.notifications.replace_all(notifications)

    def pull_timeline(self, record_id: str) -> None:
        if not (self.caps.timeline or (self.caps.comments and self.caps.comments_listed)):
            # The server keeps none, or cannot list the comments written here (they stay in the
            # cache as sent): the record page shows the cache's notes, tasks and comments.
            return
        row = self.store.records.get(record_id)
        if row is None or is_local_id(record_id):
            return  # deleted meanwhile, or not on the server yet: it has nothing to tell
        page = self.backend.timeline(row.object_slug, record_id)
        with self.store.write():
            self.store.timeline.replace_for_record(record_id, page.events, complete=page.next_cursor is None)


    def pull_links(self, record_id: str) -> None:
        """The record's links as the server has them (links queued here stay as the user made
        them). The other ends are cached even when their records are not: the page shows them."""
        if not self.caps.record_links or is_local_id(record_id):
            return  # no links on this server, or the record is not on the server yet
        row = self.store.records.get(record_id)
        if row is None:
            return  # deleted meanwhile
        try:
            links = self.backend.record_links(row.object_slug, record_id)
        except NotFound:
            return  # deleted on the server: the next pull of its object drops it, links and all
        with self.store.write(durable=False):
            self.store.links.replace_for_record(record_id, links, own_object=row.object_slug)


def _index_affected(old: ObjectDef | ListDef, new: ObjectDef | ListDef) -> bool:
    """Whether the stored index of values needs rebuilding after a schema change."""
    before = {a.slug: (a.type, a.options, a.multiselect) for a in old.attributes}
    after = {a.slug: (a.type, a.options, a.multiselect) for a in new.attributes}
    return any(slug in before and before[slug] != value for slug, value in after.items())
