"""Write what the plan copies into the target's workspace file, as offline edits its sync sends.

Every item gets a local id derived from what it copies (``derived_id``), and the source's copy
map says what was copied: so a copy stopped at any point (a crash, Cancel) goes on without
making anything twice — an item the map names is skipped, and one the target file holds under
its derived id was made before the map heard of it. Records go first, object by object in the
order their references need (companies before the people working there); references to
records made later (a company's team) follow as updates once every record exists.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from crmdesk.model import LOCAL_ID_PREFIX, AttributeType, Task, ValidationError, is_local_id
from crmdesk.model.rich_text import markdown_plain_text
from crmdesk.model.schema import DEFAULT_CONFIG
from crmdesk.model.values import elements
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.sync.copy.convert import ValueConverter
from crmdesk.sync.copy.kinds import (
    COMMENT,
    ENTRY,
    KIND_NAMES,
    LINK,
    NOTE,
    RECORD,
    REFERENCES,
    TASK,
    TASK_DONE,
    counted_kind,
)
from crmdesk.sync.copy.plan import AttributeMap, CopyPlan, ObjectMap, workspace_key
from crmdesk.sync.status import Cancelled
from crmdesk.sync.step import Progress, no_progress

#: Records written to the target per transaction (and map rows to the source).
BATCH = 200
_NAMESPACE = uuid.UUID("5b0f4a8e-6c0e-4d3e-9f4e-2f1c6a7d9b10")


def derived_id(copy_key: str, kind: str, source_id: str) -> str:
    """The local id the copy gives the item in the target's file: the same every run of this copy.
    ``copy_key`` names the source and the target (``CopyWriter.copy_key``): two workspaces copied
    into one target number their records alike (atomic's ``contacts/12``), their copies must not."""
    return f"{LOCAL_ID_PREFIX}{uuid.uuid5(_NAMESPACE, chr(31).join((copy_key, kind, source_id)))}"


@dataclass(slots=True)
class CopyResult:
    """What one run wrote: ``made`` and ``before`` (copied by an earlier run) by kind; ``left_out``:
    items not copied, by reason; ``dropped``: values left out of copied items, by reason."""

    made: Counter[str] = field(default_factory=Counter)
    before: Counter[str] = field(default_factory=Counter)
    left_out: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        made = [counted_kind(self.made[k], k) for k in KIND_NAMES if k in self.made or k == RECORD]
        out = ["copied: " + ", ".join(made)]
        if self.before:
            out.append("already copied before: " + ", ".join(counted_kind(self.before[k], k) for k in KIND_NAMES
                                                             if self.before[k]))
        out.extend(f"not copied: {n:,} — {reason}" for reason, n in sorted(self.left_out.items()))
        out.extend(f"values left out: {n:,} — {reason}" for reason, n in sorted(self.dropped.items()))
        return out


def object_order(plan: CopyPlan) -> list[ObjectMap]:
    """Copied objects, each after the ones its references name where it can be (a cycle, such as a
    company's team and a person's company, is broken where no required reference is)."""
    order: list[ObjectMap] = []
    pending = [om for om in plan.objects if om.target is not None]
    while pending:
        left = {p.source.slug for p in pending}
        ready = next((om for om in pending if not _refers_to(om, required_only=False) & left), None)
        ready = ready or next((om for om in pending if not _refers_to(om, required_only=True) & left), pending[0])
        order.append(ready)
        pending.remove(ready)
    return order


def _refers_to(om: ObjectMap, *, required_only: bool) -> set[str]:
    """The other objects whose records ``om``'s copied references name (only required ones)."""
    return {am.source.target_object or "" for am in om.attributes
            if am.target is not None and am.source.type == AttributeType.RECORD_REFERENCE
            and (am.target.required or not required_only)} - {om.source.slug}


class CopyWriter:
    def __init__(self, source: Store, target: Store, plan: CopyPlan, *, cancel: threading.Event | None = None,
                 progress: Progress = no_progress) -> None:
        self.source = source
        self.target = target
        self.plan = plan
        self.key = plan.target_key
        self.copy_key = chr(31).join((workspace_key(source), plan.target_key))
        self.cancel = cancel
        self.progress = progress
        self.result = CopyResult()
        self.records = source.copy_map.targets(self.key, RECORD)
        #: Per object: the references its creates could not carry (set by the references pass).
        self.deferred: dict[str, set[str]] = {}
        self.convert = ValueConverter(plan.members, self.resolve, StoreDisplayContext(source, UTC),
                                      target.schema.value_limits())

    # -- what is where ----------------------------------------------------------------------

    def resolve(self, source_id: str) -> str | None:
        """The target's id of a copied record (local until sent, the server's after), or None."""
        mapped = self.records.get(source_id)
        if mapped is None:
            return None
        row = self.target.record_by_id(mapped)
        return row.id if row is not None else None

    def _made_before(self, kind: str, made_id: str, parent: str | None = None) -> bool:
        """Whether the target's file holds the item ``made_id`` (sent since, or not yet): written by
        a run that stopped before the map heard of it. Counted as copied before when it does."""
        found = self._held(kind, made_id, parent)
        if found:
            self.result.before[kind] += 1
        return found

    def _held(self, kind: str, made_id: str, parent: str | None) -> bool:
        if self.target.id_map.server_id(made_id) is not None:
            return True
        if kind == RECORD:
            return self.target.records.get(made_id) is not None
        if kind == ENTRY:
            return self.target.entries.get(made_id) is not None
        if kind == NOTE:
            return self.target.notes.get(made_id) is not None
        if kind == TASK:
            return self.target.tasks.get(made_id) is not None
        return parent is not None and any(e.id == made_id for e in self.target.timeline.for_record(parent, 10_000))

    def _forget_discarded(self) -> None:
        """Copies never sent that the target's file no longer holds (the user discarded them in
        Pending changes there) leave the map, so this run makes them again. The caller owns the
        transaction."""
        for kind, steps in ((RECORD, (REFERENCES,)), (ENTRY, ()), (NOTE, ()), (TASK, (TASK_DONE,))):
            gone = [source_id for source_id, made in self.source.copy_map.targets(self.key, kind).items()
                    if is_local_id(made) and not self._held(kind, made, None)]
            for forgotten in (kind, *steps):
                self.source.copy_map.forget(self.key, forgotten, gone)

    def _check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()

    def _remember(self, kind: str, pairs: list[tuple[str, str]]) -> None:
        if pairs:
            with self.source.write():
                self.source.copy_map.add(self.key, kind, pairs)
            pairs.clear()

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> CopyResult:
        with self.source.write():
            self.source.copy_map.rebase(self.key, self.target.id_map.server_id)
            self._forget_discarded()
        self.records = self.source.copy_map.targets(self.key, RECORD)
        ordered = object_order(self.plan)
        for position, om in enumerate(ordered):
            self._copy_records(om, {o.source.slug for o in ordered[: position]})
        for om in ordered:
            self._copy_references(om)
        self._copy_entries()
        self._copy_notes()
        self._copy_tasks()
        return self.result

    def _rows(self, object_slug: str) -> Iterable[list[Any]]:
        rowids = list(reversed(self.source.records.query_ids(object_slug)))  # oldest first
        for start in range(0, len(rowids), BATCH):
            self._check()
            yield self.source.records.rows(rowids[start: start + BATCH])

    def _values(self, owner: str, maps: Iterable[AttributeMap], values: dict[str, Any],
                skip: Callable[[AttributeMap], bool] = lambda _: False,
                problems: list[tuple[AttributeMap, str]] | None = None) -> dict[str, Any]:
        """The target's values; what is left out is counted in ``dropped`` (or, given
        ``problems``, listed there for the caller to count)."""
        out: dict[str, Any] = {}
        for am in maps:
            if am.target is None or skip(am):
                continue
            value, problem = self.convert.convert(am, values.get(am.source.slug))
            if problem is not None and problems is not None:
                problems.append((am, problem))
            elif problem is not None:
                self.result.dropped[f"{owner} {am.source.title}: {problem}"] += 1
            if value is not None:
                out[am.target.slug] = value
        return out

    def _copy_records(self, om: ObjectMap, earlier: set[str]) -> None:
        assert om.target is not None
        target_obj = om.target
        name = om.source.plural_name

        def later_reference(am: AttributeMap) -> bool:
            # Sent with the create only where the record referred to is made already.
            return (am.source.type == AttributeType.RECORD_REFERENCE and am.target is not None
                    and am.target.type == AttributeType.RECORD_REFERENCE and not am.target.required
                    and am.source.target_object not in earlier)

        self.deferred[om.source.slug] = {am.source.slug for am in om.attributes if later_reference(am)}
        required = [a for a in target_obj.attributes if a.required and DEFAULT_CONFIG not in a.config]
        done = 0
        for rows in self._rows(om.source.slug):
            values_list, ids, pairs = [], [], []
            for row in rows:
                if is_local_id(row.id):
                    continue
                if row.id in self.records:
                    self.result.before[RECORD] += 1
                    continue
                made = derived_id(self.copy_key, RECORD, row.id)
                if self._made_before(RECORD, made):
                    pairs.append((row.id, made))
                    continue
                values = self._values(name, om.attributes, row.values, later_reference)
                lacking = [a.title for a in required if a.slug not in values]
                if lacking:
                    self.result.left_out[f"{name} with no {lacking[0]}, which {target_obj.plural_name} require"] += 1
                    continue
                values_list.append(values)
                ids.append(made)
                pairs.append((row.id, made))
            if values_list:
                self.target.edits.create_records(target_obj.slug, values_list, checked=True, ids=ids)
                self.result.made[RECORD] += len(ids)
            self.records.update(pairs)
            self._remember(RECORD, pairs)
            done += len(rows)
            self.progress(f"Copying {name}", done, om.records)

    def _copy_references(self, om: ObjectMap) -> None:
        """Every copied record's references, set once all records are made (those a create could
        not carry yet). A record whose references were all set is named in the map and not redone;
        one naming a record not copied yet (made offline, left out) is tried again by later runs."""
        refs = [am for am in om.attributes if am.target is not None and am.source.type == AttributeType.RECORD_REFERENCE
                and am.target.type == AttributeType.RECORD_REFERENCE]
        links = [am for am in om.attributes if am.link_role]
        if not refs and not links:
            return
        done_before = self.source.copy_map.targets(self.key, REFERENCES)
        pairs: list[tuple[str, str]] = []
        for rows in self._rows(om.source.slug):
            for row in rows:
                if row.id in done_before or row.id not in self.records:
                    continue
                target_id = self.resolve(row.id)
                if target_id is None:
                    continue
                problems: list[tuple[AttributeMap, str]] = []
                changes = self._values(om.source.plural_name, refs, row.values, problems=problems)
                for am, problem in problems:  # the others were counted when the create was written
                    if am.source.slug in self.deferred.get(om.source.slug, ()):
                        self.result.dropped[f"{om.source.plural_name} {am.source.title}: {problem}"] += 1
                complete = not problems
                if changes:
                    try:
                        self.target.edits.update_record(target_id, changes)
                    except ValidationError as error:
                        self.result.dropped[f"{om.source.plural_name}: {error}"] += 1
                for am in links:
                    complete &= self._link(om.source.plural_name, target_id, am, row.values.get(am.source.slug))
                if complete:
                    pairs.append((row.id, target_id))
            self._remember(REFERENCES, pairs)

    def _link(self, owner: str, target_id: str, am: AttributeMap, value: Any) -> bool:
        """The reference as links with ``am.link_role``, joined to the roles a link has already
        (a company's team and a person's company are one link, seen from either end). False when
        a record it names is not copied (yet)."""
        complete = True
        for element in elements(value):
            other = self.resolve(str(element))
            if other is None:
                self.result.dropped[f"{owner} {am.source.title}: it refers to a record that is not copied"] += 1
                complete = False
                continue
            if other == target_id:
                continue
            link = self.target.links.get(target_id, other)
            if link is None:
                self.target.edits.link_records(target_id, other, [am.link_role])
                self.result.made[LINK] += 1
            elif am.link_role.casefold() not in {role.casefold() for role in link.roles}:
                self.target.edits.set_link_roles(target_id, other, [*link.roles, am.link_role])
        return complete

    def _copy_entries(self) -> None:
        done_before = self.source.copy_map.targets(self.key, ENTRY)
        for lm in self.plan.lists:
            if lm.target is None:
                continue
            pairs: list[tuple[str, str]] = []
            held = self.source.entries.held(lm.source.id)
            for count, (entry_id, (record_id, values)) in enumerate(sorted(held.items()), 1):
                if is_local_id(entry_id):
                    continue
                if entry_id in done_before:
                    self.result.before[ENTRY] += 1
                    continue
                made = derived_id(self.copy_key, ENTRY, entry_id)
                if not self._made_before(ENTRY, made):
                    record = self.resolve(record_id)
                    if record is None:
                        self.result.left_out[f"entries of {lm.source.name} whose record is not copied"] += 1
                        continue
                    converted = self._values(f"list {lm.source.name}", lm.attributes, values)
                    self.target.edits.add_entry(lm.target.id, record, converted, local_id=made)
                    self.result.made[ENTRY] += 1
                pairs.append((entry_id, made))
                if len(pairs) >= BATCH:
                    self._remember(ENTRY, pairs)
                    self._check()
                self.progress(f"Copying {lm.source.name}", count, len(held))
            self._remember(ENTRY, pairs)

    def _copy_notes(self) -> None:
        kind = {"notes": NOTE, "comments": COMMENT}.get(self.plan.notes_as)
        if kind is None:
            return
        done_before = self.source.copy_map.targets(self.key, kind)
        notes = sorted(self.source.notes.by_id().values(), key=lambda n: (n.created_at or "", n.id))
        pairs: list[tuple[str, str]] = []
        for count, note in enumerate(notes, 1):
            if is_local_id(note.id):
                continue
            if note.id in done_before:
                self.result.before[kind] += 1
                continue
            parent = self.resolve(note.record_id)
            if parent is None:
                self.result.left_out["notes on records that are not copied"] += 1
                continue
            made = derived_id(self.copy_key, kind, note.id)
            if not self._made_before(kind, made, parent):
                if kind == NOTE:
                    self.target.edits.create_note(parent, note.title, note.content, local_id=made)
                else:
                    text = "\n\n".join(part for part in (note.title.strip(), markdown_plain_text(note.content).strip())
                                       if part)
                    if not text:
                        self.result.left_out["empty notes (a comment needs text)"] += 1
                        continue
                    self.target.edits.add_comment(parent, text, local_id=made)
                self.result.made[kind] += 1
            pairs.append((note.id, made))
            if len(pairs) >= BATCH:
                self._remember(kind, pairs)
                self._check()
            self.progress("Copying notes", count, len(notes))
        self._remember(kind, pairs)

    def _mark_done(self, made: str) -> None:
        """A done task's copy marked done (where the target's file holds it)."""
        copied = self.target.tasks.get(made) or self.target.tasks.get(self.target.id_map.server_id(made) or "")
        if copied is not None and not copied.done:
            self.target.edits.update_task(copied.id, done=True)

    def _copy_tasks(self) -> None:
        """Each task, then (a second write) done where it is done here. The map names a task once it
        is made and again (``TASK_DONE``) once marked done, so a run cut short between the two marks
        it done next time, and a task reopened on the target after its copy is left open."""
        if not self.plan.tasks_copied:
            return
        made_before = self.source.copy_map.targets(self.key, TASK)
        marked_before = self.source.copy_map.targets(self.key, TASK_DONE)
        tasks = sorted(self.source.tasks.by_id().values(), key=lambda t: (t.created_at or "", t.id))
        pairs: list[tuple[str, str]] = []
        marked: list[tuple[str, str]] = []
        for count, task in enumerate(tasks, 1):
            if is_local_id(task.id):
                continue
            made = made_before.get(task.id)
            if made is not None:
                self.result.before[TASK] += 1
            else:
                made = derived_id(self.copy_key, TASK, task.id)
                if not self._made_before(TASK, made) and not self._create_task(task, made):
                    continue
                pairs.append((task.id, made))
            if task.done and task.id not in marked_before:
                self._mark_done(made)
                marked.append((task.id, made))
            if len(pairs) + len(marked) >= BATCH:
                self._remember(TASK, pairs)
                self._remember(TASK_DONE, marked)
                self._check()
            self.progress("Copying tasks", count, len(tasks))
        self._remember(TASK, pairs)
        self._remember(TASK_DONE, marked)

    def _create_task(self, task: Task, made: str) -> bool:
        """The task's copy in the target's file, under the id ``made``; False when refused."""
        records = [found for r in task.record_ids if (found := self.resolve(r)) is not None]
        assignees = [found for a in task.assignee_ids if (found := self.plan.members.get(a)) is not None]
        if len(records) < len(task.record_ids):
            self.result.dropped["tasks: links to records that are not copied"] += 1
        if len(assignees) < len(task.assignee_ids):
            self.result.dropped["tasks: assignees with no account there"] += 1
        try:
            self.target.edits.create_task(task.content, deadline=task.deadline, record_ids=records,
                                          assignee_ids=assignees, local_id=made)
        except ValidationError as error:
            self.result.left_out[f"tasks: {error}"] += 1
            return False
        self.result.made[TASK] += 1
        return True
