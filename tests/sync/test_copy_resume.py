"""A workspace copy that stops part-way goes on without making anything twice: after Cancel,
after a crash that lost the id map's last write, and in a later run that copies only what the
source gained since. Real sandboxes over loopback, real workspace files; the target server is
counted through its own backend.

The target backends are made without the client's own rate limits (the sandboxes enforce none):
Atomic's 175-requests-a-minute window would otherwise make a second run wait out the minute."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

import crmdesk.sync.copy.write
from crmdesk.model import is_local_id
from crmdesk.paths import Paths
from crmdesk.remote import Backend
from crmdesk.remote.atomic import connect_atomic
from crmdesk.remote.attio.adapter import connect_attio
from crmdesk.remote.dialects import open_backend
from crmdesk.remote.ratelimit import RateLimits
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.copy import CopyPlan, WorkspaceCopy
from crmdesk.sync.copy.kinds import NOTE, RECORD, TASK, TASK_DONE
from crmdesk.sync.copy.schema import make_missing_schema
from crmdesk.sync.copy.write import CopyWriter
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import Cancelled
from crmdesk.sync.step import Progress, no_progress
from crmdesk.workspaces import open_workspace_store

NO_LIMITS = {"rate_limits": RateLimits()}


@dataclass
class Side:
    server: SandboxServer
    backend: Backend
    store: Store


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Side]:
    """An Aria sandbox of 80 records and its workspace file, synced (lists, notes and tasks too)."""
    server = SandboxServer(dialect="aria", records=80, seed=7).start()
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        with open_workspace_store(Paths.resolve(str(tmp_path)), backend, "aria", server.url) as store:
            assert SyncEngine(store, backend).sync(force_collections=True).complete
            yield Side(server, backend, store)
    finally:
        backend.close()
        server.stop()


@contextmanager
def empty_target(tmp_path: Path, dialect: str) -> Iterator[Side]:
    """A sandbox of ``dialect`` with no records, and a workspace file for it (not synced yet)."""
    server = SandboxServer(dialect=dialect, records=0).start()
    connect: Callable[..., object] = {"atomic": connect_atomic, "attio": connect_attio}[dialect]
    backend = cast(Backend, connect(server.url, server.admin_token, allow_insecure_http=True, config=NO_LIMITS))
    try:
        with open_workspace_store(Paths.resolve(str(tmp_path)), backend, dialect, server.url) as store:
            yield Side(server, backend, store)
    finally:
        backend.close()
        server.stop()


def _copy(source: Side, target: Side, *, progress: Progress = no_progress,
          cancel: threading.Event | None = None) -> WorkspaceCopy:
    return WorkspaceCopy(source.store, target.store, target.backend, "the target sandbox", progress=progress,
                         cancel=cancel)


def _source_counts(source: Store, plan: CopyPlan) -> dict[str, int]:
    return {om.source.slug: sum(1 for i in source.records.ids(om.source.slug) if not is_local_id(i))
            for om in plan.objects if om.target is not None}


def _server_counts(backend: Backend, plan: CopyPlan) -> dict[str, int]:
    return {om.source.slug: len(backend.record_ids(om.target.slug)) for om in plan.objects if om.target is not None}


def _server_collections(backend: Backend) -> tuple[int, int]:
    """(notes, tasks) the server holds."""
    return (sum(len(page) for page in backend.iter_notes()), sum(len(page) for page in backend.iter_tasks()))


def _entry_counts(source: Store, backend: Backend, plan: CopyPlan) -> tuple[dict[str, int], dict[str, int]]:
    """Entries of each copied list: (in the source, on the server)."""
    lists = [(lm.source, lm.target) for lm in plan.lists if lm.target is not None]
    return ({mine.name: len(source.entries.held(mine.id)) for mine, _ in lists},
            {mine.name: sum(len(page) for page in backend.iter_entries(there.id)) for mine, there in lists})


def _assert_map_complete(source: Store, target: Side, plan: CopyPlan) -> None:
    """Every record, note and task of the source is named in the map by an id the server holds."""
    records = source.copy_map.targets(plan.target_key, RECORD)
    for om in plan.objects:
        assert om.target is not None
        there = target.backend.record_ids(om.target.slug)
        for source_id in source.records.ids(om.source.slug):
            assert records[source_id] in there, (om.source.slug, source_id)
    for kind, held in ((NOTE, source.notes.ids()), (TASK, source.tasks.ids())):
        mapped = source.copy_map.targets(plan.target_key, kind)
        assert set(mapped) == held, kind
        assert not any(is_local_id(i) for i in mapped.values()), kind


def test_a_cancelled_copy_goes_on_where_it_stopped(tmp_path: Path, source: Side,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crmdesk.sync.copy.write, "BATCH", 10)
    records_phases = {f"Copying {o.plural_name}" for o in source.store.schema.objects().values()}
    cancel = threading.Event()
    seen: list[tuple[str, int]] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase in records_phases:
            seen.append((phase, done))
            cancel.set()

    with empty_target(tmp_path, "attio") as target:
        with pytest.raises(Cancelled):
            _copy(source, target, progress=progress, cancel=cancel).run()
        # one batch of the first object was written (into the target's file), and no more
        assert seen == [("Copying Companies", 10)]
        plan = _copy(source, target).plan()
        assert source.store.copy_map.counts(plan.target_key) == {RECORD: 10}
        assert sum(_server_counts(target.backend, plan).values()) == 0

        outcome = _copy(source, target).run()
        assert outcome.complete, [*outcome.written.lines(), *outcome.verification.lines]
        total = sum(_source_counts(source.store, outcome.plan).values())
        assert outcome.written.before[RECORD] == 10
        assert outcome.written.made[RECORD] == total - 10
        assert _server_counts(target.backend, outcome.plan) == _source_counts(source.store, outcome.plan)
        assert _server_collections(target.backend) == (len(source.store.notes.ids()), len(source.store.tasks.ids()))
        here, there = _entry_counts(source.store, target.backend, outcome.plan)
        assert there == here and len(here) == len(outcome.plan.lists) > 0
        _assert_map_complete(source.store, target, outcome.plan)


def _write_only(copy: WorkspaceCopy) -> CopyPlan:
    """What ``copy.run`` does up to the writer, and the writer: the target's file holds the copy,
    its server not yet."""
    plan = copy.plan()
    if plan.schema_to_make:
        make_missing_schema(plan, copy.backend)
        copy.sync_target()
        plan = copy.plan(synced=True)
    CopyWriter(copy.source, copy.target, plan).run()
    return plan


@pytest.mark.parametrize("sent_before_the_rerun", [True, False], ids=["sent", "unsent"])
@pytest.mark.parametrize("dialect", ["atomic", "attio"])
def test_a_crash_that_lost_the_map_write_makes_nothing_twice(tmp_path: Path, source: Side, dialect: str,
                                                             sent_before_the_rerun: bool) -> None:
    """The target's file holds what the writer made; the source's map lost it (the crash came
    between the two writes). The next run finds each item by the id derived from its source id:
    on the server already (``sent``), or still waiting in the target's outbox (``unsent``)."""
    with empty_target(tmp_path, dialect) as target:
        copy = _copy(source, target)
        plan = _write_only(copy)
        copied = source.store.copy_map.counts(plan.target_key)
        assert copied[RECORD] == sum(_source_counts(source.store, plan).values())
        with source.store.write():
            source.store.conn.execute("DELETE FROM copy_map")
        assert source.store.copy_map.counts(plan.target_key) == {}

        if sent_before_the_rerun:
            again = copy.run()
            assert again.complete, [*again.written.lines(), *again.verification.lines]
            written = again.written
        else:
            written = CopyWriter(source.store, target.store, plan).run()
            sent = copy.run()
            assert sent.complete, [*sent.written.lines(), *sent.verification.lines]
            assert not sent.written.made
        assert not written.made, written.lines()
        # What was found under its derived id is reported as copied before (the user sees why
        # nothing was made), as many of each kind as the map holds again.
        assert {kind: written.before[kind] for kind in (RECORD, NOTE, TASK)} == {
            kind: copied[kind] for kind in (RECORD, NOTE, TASK)}
        assert source.store.copy_map.counts(plan.target_key) == copied
        assert _server_counts(target.backend, plan) == _source_counts(source.store, plan)
        assert _server_collections(target.backend) == (len(source.store.notes.ids()), len(source.store.tasks.ids()))
        here, there = _entry_counts(source.store, target.backend, plan)
        assert there == here and len(here) == (len(plan.lists) if dialect == "attio" else 0)
        _assert_map_complete(source.store, target, plan)


def test_a_second_run_copies_only_the_new_person_with_its_company(tmp_path: Path, source: Side) -> None:
    with empty_target(tmp_path, "atomic") as target:
        first = _copy(source, target).run()
        assert first.complete, [*first.written.lines(), *first.verification.lines]
        people = first.plan.object_map("people")
        assert people is not None and people.target is not None
        copied_first = source.store.copy_map.targets(first.plan.target_key, RECORD)
        company_there = next(am.target.slug for am in people.attributes
                             if am.source.slug == "company" and am.target is not None)

        company = sorted(source.store.records.ids("companies"))[3]
        name = f"Newcomer {uuid.uuid4().hex[:6]}"
        made = source.backend.create_record(
            "people", {"name": {"first_name": name, "last_name": "", "full_name": name}, "company": company},
            idempotency_key=uuid.uuid4().hex)
        assert SyncEngine(source.store, source.backend).sync().complete

        second = _copy(source, target).run()
        assert second.complete, [*second.written.lines(), *second.verification.lines]
        assert dict(second.written.made) == {RECORD: 1}
        assert second.written.before[RECORD] == sum(_source_counts(source.store, first.plan).values()) - 1
        assert _server_counts(target.backend, second.plan) == _source_counts(source.store, second.plan)

        records = source.store.copy_map.targets(second.plan.target_key, RECORD)
        copied = target.backend.get_record(people.target.slug, records[made.id])
        assert copied.values[company_there] == records[company] == copied_first[company]
        assert target.backend.get_record("companies", records[company]).values["name"] == (
            source.store.records.get(company).values["name"])  # type: ignore[union-attr]


def test_a_deal_with_no_company_is_left_out_of_a_target_that_requires_one(tmp_path: Path, source: Side) -> None:
    name = f"Orphan deal {uuid.uuid4().hex[:6]}"
    orphan = source.backend.create_record("deals", {"name": name}, idempotency_key=uuid.uuid4().hex)
    assert SyncEngine(source.store, source.backend).sync().complete
    deals = source.store.records.rows(source.store.records.query_ids("deals"))
    without = [d.id for d in deals if not d.values.get("company")]
    assert orphan.id in without

    with empty_target(tmp_path, "atomic") as target:
        outcome = _copy(source, target).run()
        assert outcome.complete, [*outcome.written.lines(), *outcome.verification.lines]
        assert f"not copied: {len(without):,} — Deals with no Company, which Deals require" in outcome.written.lines()
        expected = _source_counts(source.store, outcome.plan)
        expected["deals"] -= len(without)
        assert _server_counts(target.backend, outcome.plan) == expected
        records = source.store.copy_map.targets(outcome.plan.target_key, RECORD)
        assert not set(without) & set(records)
        assert outcome.written.made[RECORD] == sum(expected.values())


def test_a_done_task_whose_copy_was_cut_short_before_it_was_marked_done_is_done_after_the_next_run(
        tmp_path: Path, source: Side, monkeypatch: pytest.MonkeyPatch) -> None:
    done = [t for t in source.store.tasks.by_id().values() if t.done]
    if not done:  # the demo's tasks are open: close one on the source's server, as a user would
        opened = next(iter(source.store.tasks.by_id().values()))
        source.backend.update_task(opened.id, done=True)
        assert SyncEngine(source.store, source.backend).sync(force_collections=True).complete
        done = [t for t in source.store.tasks.by_id().values() if t.done]
    with empty_target(tmp_path / "target", "attio") as target:
        # The crash: each task's create is written to the target's file, and the copy dies before
        # the write marking a done one done.
        def crash(writer: CopyWriter, made: str) -> None:
            raise RuntimeError("the power went out")

        monkeypatch.setattr(CopyWriter, "_mark_done", crash)
        with pytest.raises(RuntimeError, match="power"):
            _copy(source, target).run()
        monkeypatch.undo()
        key = _copy(source, target).plan().target_key
        assert TASK_DONE not in source.store.copy_map.counts(key)

        again = _copy(source, target).run()
        assert again.complete
        mapped = source.store.copy_map.targets(key, TASK)
        held = {t.id: t.done for page in target.backend.iter_tasks() for t in page}
        assert [held[mapped[t.id]] for t in done] == [True] * len(done)
        assert len(held) == len(source.store.tasks.by_id())  # none made twice

        # Reopened on the target after its copy: a later run leaves it open.
        reopened = mapped[done[0].id]
        target.backend.update_task(reopened, done=False)
        assert _copy(source, target).run().complete
        assert {t.id: t.done for page in target.backend.iter_tasks() for t in page}[reopened] is False


def test_a_reference_to_a_record_copied_later_is_set_then_and_later_edits_here_are_no_differences(
        tmp_path: Path, source: Side) -> None:
    offline = source.store.edits.create_record("companies", {"name": "Offline Co"}).target_id
    person = sorted(i for i in source.store.records.ids("people") if not is_local_id(i))[0]
    source.store.edits.update_record(person, {"company": offline})
    with empty_target(tmp_path / "target", "attio") as target:
        first = _copy(source, target).run()
        assert first.complete, first.verification.lines
        key = first.plan.target_key
        copied_person = source.store.copy_map.targets(key, RECORD)[person]
        assert target.backend.get_record("people", copied_person).values.get("company") is None

        # The source sends its offline company (and the person's new company), and a colleague
        # renames a company copied already: the copy is not updated, and that is no difference.
        renamed = sorted(i for i in source.store.records.ids("companies") if i in source.store.copy_map.targets(
            key, RECORD))[0]
        source.backend.update_record("companies", renamed, {"name": "Renamed Since"})
        assert SyncEngine(source.store, source.backend).sync().complete
        company = source.store.record_by_id(offline)
        assert company is not None and not is_local_id(company.id)

        again = _copy(source, target).run()
        assert dict(again.written.made) == {RECORD: 1}
        assert again.complete, again.verification.lines
        assert again.verification.differing == 0
        copied_company = source.store.copy_map.targets(key, RECORD)[company.id]
        assert target.backend.get_record("people", copied_person).values["company"] == copied_company


def test_two_workspaces_copied_into_one_target_are_both_copied_whole(tmp_path: Path) -> None:
    """Atomic numbers its records per server (``contacts/1``…): two atomic workspaces share ids,
    and their copies into one target must not be taken for each other's."""
    sources = []
    try:
        for seed in (1, 2):
            server = SandboxServer(dialect="atomic", records=12, seed=seed).start()
            backend = cast(Backend, connect_atomic(server.url, server.admin_token, allow_insecure_http=True,
                                                   config=NO_LIMITS))
            store = open_workspace_store(Paths.resolve(str(tmp_path / f"s{seed}")), backend, "atomic", server.url)
            sources.append(Side(server, backend, store))
            assert SyncEngine(store, backend).sync(force_collections=True).complete
        assert set(sources[0].store.records.ids("people")) & set(sources[1].store.records.ids("people"))
        with empty_target(tmp_path / "target", "attio") as target:
            for side in sources:
                outcome = _copy(side, target).run()
                assert outcome.complete, outcome.written.lines()
                assert not outcome.written.before, outcome.written.lines()
            plan = _copy(sources[0], target).plan()
            expected = {slug: sum(_source_counts(side.store, plan)[slug] for side in sources)
                        for slug in _source_counts(sources[0].store, plan)}
            assert _server_counts(target.backend, plan) == expected
    finally:
        for side in sources:
            side.store.close()
            side.backend.close()
            side.server.stop()
