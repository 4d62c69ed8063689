"""A workspace copy from an Aria workspace to the other dialects' servers, each holding what it can:
Attio makes what it lacks (options, lists with their attributes) and keeps every reference as its
own ids; Atlas keeps references as links between the records and notes as comments. Real sandboxes
over loopback, real workspace files; the servers are read back through their own APIs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crmdesk.paths import Paths
from crmdesk.remote import Backend
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.copy import WorkspaceCopy
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store
from tests.atlas_support import credentials as atlas_credentials


@pytest.fixture(scope="module")
def aria() -> Iterator[SandboxServer]:
    server = SandboxServer(dialect="aria", records=60, seed=5).start()
    yield server
    server.stop()


@pytest.fixture
def source(tmp_path: Path, aria: SandboxServer) -> Iterator[Store]:
    backend = open_backend("aria", aria.url, aria.admin_token)
    try:
        with open_workspace_store(Paths.resolve(str(tmp_path)), backend, "aria", aria.url) as store:
            assert SyncEngine(store, backend).sync(force_collections=True).complete
            yield store
    finally:
        backend.close()


@contextmanager
def _copy(tmp_path: Path, source: Store, dialect: str, target: SandboxServer, token: Any) -> Iterator[
        tuple[WorkspaceCopy, Backend]]:
    backend = open_backend(dialect, target.url, token)
    try:
        with open_workspace_store(Paths.resolve(str(tmp_path)), backend, dialect, target.url) as store:
            yield WorkspaceCopy(source, store, backend, f"the {dialect} sandbox"), backend
    finally:
        backend.close()


def _records(backend: Backend, slug: str) -> list[Any]:
    return [record for page in backend.iter_record_pages(slug) for record in page.records]


def _titles(store: Store, slug: str) -> dict[str, str]:
    return {row.id: row.title for row in store.records.rows(store.records.query_ids(slug))}


def test_an_attio_server_gets_the_options_lists_references_and_assignees_it_lacked(
        tmp_path: Path, source: Store) -> None:
    attio = SandboxServer(dialect="attio", records=0).start()
    try:
        with _copy(tmp_path, source, "attio", attio, attio.admin_token) as (copy, backend):
            plan = copy.plan()
            assert "  list Sales pipeline (to be made): 15 entries" in plan.lines()
            outcome = copy.run()
            assert outcome.complete, [*outcome.written.lines(), *outcome.verification.lines]

            categories = next(a for a in backend.get_object("companies").attributes if a.slug == "categories")
            made = {o.title for o in categories.options}
            assert {"SaaS", "Enterprise", "SMB", "Fintech", "Healthcare", "Retail"} <= made
            lists = {lst.name: lst for lst in backend.lists()}
            for mine in source.schema.lists().values():
                there = lists[mine.name]
                assert [a.title for a in there.attributes] == [a.title for a in mine.attributes]
                entries = [e for page in backend.iter_entries(there.id) for e in page]
                assert len(entries) == len(source.entries.held(mine.id)), mine.name

            companies = _titles(source, "companies")
            server_companies = {r.id: r.values["name"] for r in _records(backend, "companies")}
            deals = source.records.rows(source.records.query_ids("deals"))
            expected = Counter((d.title, companies[d.values["company"]]) for d in deals)
            assert Counter((r.values["name"], server_companies[r.values["company"]])
                           for r in _records(backend, "deals")) == expected

            emails = {m.actor_id: m.email for m in source.schema.members()}
            server_emails = {m.actor_id: m.email for m in backend.members()}
            tasks = Counter((t.content, tuple(sorted(emails[a] for a in t.assignee_ids)))
                            for t in source.tasks.by_id().values())
            assert Counter((t.content, tuple(sorted(server_emails[a] for a in t.assignee_ids)))
                           for page in backend.iter_tasks() for t in page) == tasks
            assert sum(len(page) for page in backend.iter_notes()) == len(source.notes.by_id())

            again = copy.run()
            assert not again.written.made and again.written.before["record"] == 60
            assert len(backend.record_ids("people")) == len(source.records.ids("people"))
    finally:
        attio.stop()


def test_an_atlas_server_keeps_references_as_links_and_notes_as_comments(tmp_path: Path, source: Store) -> None:
    atlas = SandboxServer(dialect="atlas", records=0).start()
    try:
        with _copy(tmp_path, source, "atlas", atlas, atlas_credentials(atlas.admin_token)) as (copy, backend):
            lines = copy.plan().lines()
            assert "  People → Contacts: 33 records" in lines
            assert "    Company → links with the role “Company”" in lines
            assert "  notes: 6 as comments (plain text)" in lines
            assert "  owners and assignees are left out: the target does not list its members" in lines
            outcome = copy.run()
            assert outcome.complete, [*outcome.written.lines(), *outcome.verification.lines]

            ids = source.copy_map.targets(copy.plan().target_key, "record")
            people = source.records.rows(source.records.query_ids("people"))
            for person in people:
                company = person.values.get("company")
                if company is None:
                    continue
                links = {link.other_id: link.roles for link in backend.record_links("contact", ids[person.id])}
                assert "Company" in links[ids[company]], person.title

            written = atlas.core.db.all("SELECT entity_id, comment FROM atlas_comments")
            notes = source.notes.by_id().values()
            assert Counter(row["entity_id"] for row in written) == Counter(ids[n.record_id] for n in notes)
            assert all(any(row["comment"].startswith(n.title) for row in written) for n in notes)
    finally:
        atlas.stop()
