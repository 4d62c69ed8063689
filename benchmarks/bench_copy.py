"""``copy.aria_to_aria_2k``: a workspace copy (File ▸ Copy workspace to…, ``crmdesk copy``) of the
2,000-record demo Aria workspace to another, empty Aria server, as a user meets it.

Aria, not Attio, is the target: crmdesk's Attio client keeps under Attio's 25 writes a second on
its own (``RATE_LIMITS``, 22 a second), so a copy to it takes ~45 ms a write on both sides and the
figure would measure that wait (three pairs measured so: 126.5 vs 123.6 s, 1.02×).

The figure: ``WorkspaceCopy.run()`` into an empty ``crmdesk sandbox --dialect aria`` in a child
process —
the target's sync, the six category options and two lists (five list attributes) made there, the
plan made again, 2,000 records, 500 list entries, 200 notes and 100 tasks written to the target's
file, its sync sending them (creates one at a time, the companies' team updates four at a time),
the pull after it, and the check of what arrived. The source was synced beforehand; each run
copies from a fresh copy of its file, into a fresh data folder.

The baseline does the same writes minus the app, into another empty Aria sandbox: the same schema
made (``make_missing_schema`` with its own plan, made untimed), then straight through the Aria
backend (``crmdesk.remote``: its wire encoding, HTTP and idempotency keys, no workspace file, no plan, no sync, no
check) the same creates one at a time in the same order with the values the copy wrote
(references rewritten to the ids as they come back), the team updates four at a time, the
entries, notes and tasks. Both are timed alternately, ``PAIRS`` pairs; medians.

``python -m benchmarks.bench_copy`` runs it alone and prints the figure.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, Report
from benchmarks.sync_support import sandbox_process
from crmdesk.model import AttributeType
from crmdesk.paths import Paths
from crmdesk.remote import Backend
from crmdesk.remote.dialects import open_backend
from crmdesk.store import Store
from crmdesk.sync.copy import WorkspaceCopy
from crmdesk.sync.copy.kinds import RECORD
from crmdesk.sync.copy.plan import CopyPlan, make_plan
from crmdesk.sync.copy.schema import make_missing_schema
from crmdesk.sync.copy.write import object_order
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store

TARGET = "aria"
RECORDS = 2_000
PAIRS = 3
UPDATE_CONCURRENCY = 4


@dataclass
class _Work:
    """What the copy sent, as the baseline sends it: records per object in the copy's order
    (source id, values without references to records made later, those references), entries by
    list name, notes, tasks (assignees by e-mail)."""

    records: list[tuple[str, list[tuple[str, dict[str, Any], dict[str, Any]]]]] = field(default_factory=list)
    entries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    tasks: list[tuple[str, str | None, bool, list[str], list[str]]] = field(default_factory=list)
    #: The copy's target's option ids → titles, member ids → e-mails: the baseline's server has its own.
    option_titles: dict[str, str] = field(default_factory=dict)
    member_emails: dict[str, str] = field(default_factory=dict)


def _synced_source(folder: Path) -> Path:
    with sandbox_process(RECORDS, dialect="aria") as aria:
        backend = open_backend("aria", aria.url, aria.admin_token)
        try:
            with open_workspace_store(Paths.resolve(str(folder)), backend, "aria", aria.url) as store:
                assert SyncEngine(store, backend).sync(force_collections=True).complete
                return Path(store.path)
        finally:
            backend.close()


def _fresh_copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / source.name
    shutil.copy(source, path)
    return path


def _app(source_file: Path, folder: Path) -> tuple[float, _Work]:
    with sandbox_process(0, dialect=TARGET) as target_server:
        backend = open_backend(TARGET, target_server.url, target_server.admin_token)
        try:
            with Store.open(source_file) as source, \
                    open_workspace_store(Paths.resolve(str(folder)), backend, TARGET, target_server.url) as target:
                copy = WorkspaceCopy(source, target, backend, "bench")
                start = time.perf_counter()
                outcome = copy.run()
                elapsed = time.perf_counter() - start
                assert outcome.complete, outcome.verification.lines
                return elapsed, _what_was_sent(source, target, outcome.plan)
        finally:
            backend.close()


def _what_was_sent(source: Store, target: Store, plan: CopyPlan) -> _Work:
    work = _Work()
    ids = source.copy_map.targets(plan.target_key, RECORD)
    made_before: set[str] = set()
    for om in object_order(plan):
        assert om.target is not None
        later = {a.slug for a in om.target.attributes if a.type == AttributeType.RECORD_REFERENCE
                 and a.target_object not in made_before}
        rows = []
        for row in reversed(source.records.rows(source.records.query_ids(om.source.slug))):
            values = dict(target.records.get(ids[row.id]).values)  # type: ignore[union-attr]
            rows.append((ids[row.id], {k: v for k, v in values.items() if k not in later},
                         {k: v for k, v in values.items() if k in later}))
        work.records.append((om.target.slug, rows))
        made_before.add(om.target.slug)
    lists = target.schema.lists()
    for list_id, entry_list in lists.items():
        for _, (record_id, values) in sorted(target.entries.held(list_id).items()):
            work.entries.append((entry_list.name, record_id, values))
    work.notes = [(n.record_id, n.title, n.content) for n in target.notes.by_id().values()]
    emails = {m.actor_id: m.email for m in target.schema.members()}
    work.member_emails = emails
    owners = [*target.schema.objects().values(), *lists.values()]
    work.option_titles = {o.id: o.title for owner in owners for a in owner.attributes for o in a.options}
    work.tasks = [(t.content, t.deadline, t.done, t.record_ids, [emails[a] for a in t.assignee_ids])
                  for t in target.tasks.by_id().values()]
    return work


def _baseline(source_file: Path, folder: Path, work: _Work) -> float:
    with sandbox_process(0, dialect=TARGET) as target_server:
        backend = open_backend(TARGET, target_server.url, target_server.admin_token)
        try:
            with Store.open(source_file) as source, \
                    open_workspace_store(Paths.resolve(str(folder)), backend, TARGET, target_server.url) as target:
                engine = SyncEngine(target, backend)
                engine.sync(force_collections=True)
                plan = make_plan(source, target, engine.capabilities, "baseline", "baseline")
            start = time.perf_counter()
            make_missing_schema(plan, backend)
            _send(backend, work)
            return time.perf_counter() - start
        finally:
            backend.close()


def _send(backend: Backend, work: _Work) -> None:
    new_ids: dict[str, str] = {}
    members = {m.email: m.actor_id for m in backend.members()}
    owners = [*backend.objects(), *backend.lists()]
    options = {o.title: o.id for owner in owners for a in owner.attributes for o in a.options}
    # Ids are UUIDs: a string names at most one of a record, an option or a member.
    other_ids = {**{old: options[title] for old, title in work.option_titles.items() if title in options},
                 **{old: members[email] for old, email in work.member_emails.items() if email in members}}

    def remap(values: dict[str, Any]) -> dict[str, Any]:
        def one(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            return new_ids.get(value) or other_ids.get(value, value)
        return {k: [one(v) for v in value] if isinstance(value, list) else one(value) for k, value in values.items()}

    updates: list[Callable[[], Any]] = []
    for slug, rows in work.records:
        for old_id, values, later in rows:
            new_ids[old_id] = backend.create_record(slug, remap(values), f"bench-{old_id}").id
            if later:
                updates.append(lambda slug=slug, old_id=old_id, later=later: backend.update_record(
                    slug, new_ids[old_id], remap(later)))
    with ThreadPoolExecutor(UPDATE_CONCURRENCY) as pool:
        for future in [pool.submit(update) for update in updates]:
            future.result()
    lists = {lst.name: lst.id for lst in backend.lists()}
    for name, record_id, values in work.entries:
        backend.add_entry(lists[name], new_ids[record_id], remap(values))
    for record_id, title, content in work.notes:
        slug = next(s for s, rows in work.records if any(r[0] == record_id for r in rows))
        backend.create_note(slug, new_ids[record_id], title, content)
    for content, deadline, done, record_ids, assignees in work.tasks:
        task = backend.create_task(content, deadline=deadline, record_ids=[new_ids[r] for r in record_ids],
                                   assignee_ids=[members[a] for a in assignees])
        if done:
            backend.update_task(task.id, done=True)


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = _synced_source(root / "source")
        copies: list[float] = []
        bare: list[float] = []
        for attempt in range(PAIRS):
            seconds, work = _app(_fresh_copy(source, root / f"app-src-{attempt}"), root / f"app-{attempt}")
            copies.append(seconds)
            bare.append(_baseline(_fresh_copy(source, root / f"bare-src-{attempt}"), root / f"bare-{attempt}", work))
            print(f"copy {seconds:.2f} s, baseline {bare[-1]:.2f} s", flush=True)
    report.add(Figure("copy.aria_to_aria_2k", statistics.median(copies), "s", statistics.median(bare),
                      "the same writes straight through the backend", "",
                      f"{RECORDS:,} records, their list entries, notes and tasks, options and lists made: "
                      f"WorkspaceCopy.run() (target sync, plan, schema, write, send, pull, check) vs the same "
                      f"schema calls and creates/updates/entries/notes/tasks through the backend alone; median of "
                      f"{PAIRS} alternating pairs (copy {', '.join(f'{c:.1f}' for c in copies)} s; baseline "
                      f"{', '.join(f'{b:.1f}' for b in bare)} s)"))


if __name__ == "__main__":
    run(Report())
