"""Links pushed to and pulled from a server that has them (the atlas sandbox over loopback HTTP):
links between records with roles, issue keys, and comments on a server that cannot list them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Slot

pytest.importorskip("crmdesk.sandbox.atlas")
pytest.importorskip("crmdesk.remote.atlas")

from crmdesk.model import COMMENT_KIND, MutationState, is_local_id
from crmdesk.remote.atlas import AtlasBackend
from crmdesk.sandbox.atlas import AtlasApp
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.store.links import IssueLinkRow, LinkRow
from crmdesk.sync import SyncEngine
from crmdesk.sync.pull import Puller
from crmdesk.sync.push_collab import COMMENT_OUTCOME_UNKNOWN
from crmdesk.sync.worker import SyncController
from crmdesk.ui.pending_actions import discard
from tests.atlas_support import backend as backend  # (a fixture)
from tests.atlas_support import connect, serve
from tests.atlas_support import facade as facade  # (a fixture)

LINKS = "/links"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from serve(records=30, seed=4)


@pytest.fixture
def store(tmp_path: Path, backend: AtlasBackend) -> Iterator[Store]:
    with Store.open(tmp_path / "ws.sqlite") as opened:
        assert SyncEngine(opened, backend).sync().status.value == "synced"
        yield opened


@pytest.fixture
def engine(store: Store, backend: AtlasBackend) -> SyncEngine:
    return SyncEngine(store, backend)


class Heard(list[ChangeSet]):
    def __call__(self, changes: ChangeSet) -> None:
        self.append(changes)

    def links(self) -> set[str]:
        return set().union(*(changes.links for changes in self))


def unlinked_pair(store: Store, facade: AtlasApp) -> tuple[str, str]:
    """A contact and a company the server has not linked."""
    for one in sorted(store.records.ids("contact")):
        for other in sorted(store.records.ids("company")):
            if facade.store.roles(one, other) is None:
                return one, other
    raise AssertionError("every pair is linked")


def linked_pair(store: Store, facade: AtlasApp) -> tuple[str, str]:
    """A contact and a company the server has linked, as the cache holds them after a pull of links."""
    for contact in sorted(store.records.ids("contact")):
        for company in sorted(store.records.ids("company")):
            if facade.store.roles(contact, company) is not None:
                return contact, company
    raise AssertionError("no contact is linked to a company")


def link_to_a_deleted_record(store: Store, facade: AtlasApp) -> tuple[str, str]:
    """``unlinked_pair`` linked here (not yet sent), the company then deleted on the server."""
    contact, company = unlinked_pair(store, facade)
    store.edits.link_records(contact, company, ["Employee"])
    facade.store.delete(company)
    return contact, company


def pulled_pair(store: Store, engine: SyncEngine, facade: AtlasApp, *roles: list[str],
                from_company: bool = False) -> tuple[str, str]:
    """``linked_pair`` once the contact's links are pulled into the cache (as opening it does), then
    the link's roles set here to each of ``roles`` in turn (from the company's end if ``from_company``)."""
    contact, company = linked_pair(store, facade)
    engine.pull_links(contact)
    for each in roles:
        store.edits.set_link_roles(*((company, contact) if from_company else (contact, company)), each)
    return contact, company


def offline_contact_linked(store: Store, name: str, issue_key: str, *, from_contact: bool) -> tuple[str, str]:
    """A contact made here and not yet sent, linked as an employee to the first company (the link made
    from the contact's end if ``from_contact``, else from the company's), then to ``issue_key``:
    (the company, the contact's local id)."""
    company = sorted(store.records.ids("company"))[0]
    local = store.edits.create_record("contact", {"contact-name": name}).target_id
    store.edits.link_records(*((local, company) if from_contact else (company, local)), ["Employee"])
    store.edits.link_issue(local, issue_key)
    return company, local


def requests_to(facade: AtlasApp, part: str) -> int:
    return sum(count for path, count in facade.requests_by_path.items() if part in path)


def writes(facade: AtlasApp) -> int:
    """Requests that change something on the server (a token's POST aside)."""
    return sum(count for path, count in facade.requests_by_path.items()
               if path.split()[0] in ("POST", "PUT", "DELETE") and "/oauth/" not in path)


# -- pushing links ---------------------------------------------------------------------------------------


def test_a_link_made_here_reaches_the_server_and_is_seen_from_both_ends(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = unlinked_pair(store, facade)
    store.edits.link_records(contact, company, [" Employee", "Decision maker", "Employee"])
    heard = Heard()
    store.add_change_listener(heard)

    report = engine.push()

    assert (report.status.value, report.pushed, report.pending) == ("synced", 1, 0)
    assert facade.store.roles(company, contact) == ["Employee", "Decision maker"]
    # The cache holds the server's answer, no longer marked unsent, and the record pages heard of it.
    [row] = [r for r in store.links.for_record(company) if r.other_id == contact]
    assert (row.other_object, row.roles, row.unsent) == ("contact", ("Employee", "Decision maker"), False)
    assert {contact, company} <= heard.links()


def test_a_link_whose_answer_was_lost_is_sent_again_and_takes_the_users_roles(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = unlinked_pair(store, facade)
    created = store.edits.link_records(contact, company, ["Employee"])
    assert created.op_id is not None
    with store.write():
        store.outbox.set_state(created.op_id, MutationState.IN_FLIGHT)  # sent; the answer was lost
    facade.store.set_link(contact, company, ["Employee"])  # it had arrived
    store.edits.set_link_roles(contact, company, ["Employee", "Champion"])

    report = engine.push()

    assert (report.pushed, report.rejected, report.pending) == (2, 0, 0)
    assert facade.store.roles(company, contact) == ["Employee", "Champion"]
    assert store.links.get(company, contact) == LinkRow(contact, "contact", ("Employee", "Champion"), False)


def test_roles_changed_from_the_other_end_are_the_links_roles_on_the_server(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = pulled_pair(store, engine, facade, ["Decision maker"], ["Decision maker", "Champion"],
                                   from_company=True)
    before = requests_to(facade, "PUT ")

    assert engine.push().pushed == 2

    assert requests_to(facade, "PUT ") == before + 1  # the run of role changes went as one request
    assert facade.store.roles(contact, company) == ["Decision maker", "Champion"]
    row = store.links.get(contact, company)
    assert row is not None and (row.roles, row.unsent) == (("Decision maker", "Champion"), False)


def test_roles_changed_here_of_a_link_unlinked_on_the_server_link_the_records_again(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = pulled_pair(store, engine, facade, ["Employee", "Champion"])
    facade.store.unlink(contact, company)  # a colleague unlinked them meanwhile

    report = engine.push()

    assert (report.pushed, report.rejected) == (1, 0)
    assert facade.store.roles(company, contact) == ["Employee", "Champion"]


def test_an_unlink_reaches_the_server_and_one_already_done_there_counts_as_done(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = pulled_pair(store, engine, facade)
    others = [row.other_id for row in store.links.for_record(contact) if row.other_id != company]
    assert others, "the contact has another link"
    store.edits.unlink_records(company, contact)
    store.edits.unlink_records(contact, others[0])
    facade.store.unlink(contact, others[0])  # already unlinked there

    report = engine.push()

    assert (report.pushed, report.rejected, report.pending) == (2, 0, 0)
    assert facade.store.roles(contact, company) is None and facade.store.roles(contact, others[0]) is None
    assert {row.other_id for row in store.links.for_record(contact)} & {company, others[0]} == set()


def test_a_link_with_a_record_deleted_on_the_server_is_refused_with_the_reason(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = link_to_a_deleted_record(store, facade)

    report = engine.push()

    assert report.rejected == 1
    [refused] = store.outbox.pending((MutationState.REJECTED,))
    one, other = store.records.get(contact), store.records.get(company)
    assert one is not None and other is not None
    assert (refused.error or "").startswith(
        f"The link between “{one.title}” and “{other.title}” cannot be sent: one of them is no longer on the server")
    # Refused, not waiting: the record page marks it so, with the server's reason.
    [row] = [r for r in store.links.for_record(contact) if r.other_id == company]
    assert (row.unsent, row.refused) == (False, refused.error)


def test_a_link_of_a_record_made_offline_goes_once_the_record_is_on_the_server(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    company, _local = offline_contact_linked(store, "Offline Olga", "ops-7", from_contact=False)

    report = engine.push()

    assert (report.pushed, report.pending, report.rejected) == (3, 0, 0)
    [server_id] = [row.id for row in store.records.rows(store.records.query_ids("contact"))
                   if row.title == "Offline Olga"]
    assert not is_local_id(server_id)
    assert facade.store.roles(company, server_id) == ["Employee"]
    assert facade.store.issues(server_id) == ["OPS-7"]
    assert [(r.other_id, r.unsent) for r in store.links.for_record(server_id)] == [(company, False)]


def test_a_link_made_and_unlinked_offline_never_reaches_the_server(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = unlinked_pair(store, facade)
    store.edits.link_records(contact, company, ["Employee"])
    store.edits.set_link_roles(contact, company, ["Founder"])
    store.edits.unlink_records(company, contact)
    before = requests_to(facade, LINKS)

    assert store.outbox.count() == 0
    assert engine.push().pushed == 0
    assert requests_to(facade, LINKS) == before and facade.store.roles(contact, company) is None


def test_a_scan_page_holding_both_ends_of_queued_links_leaves_their_records_to_the_server(
    store: Store, engine: SyncEngine, facade: AtlasApp, backend: AtlasBackend
) -> None:
    """A queued link's target is the other record's id: the scan must not take a link made, re-roled
    or unlinked here for an edit, or a delete, of that record."""
    contact, company = pulled_pair(store, engine, facade)
    [unlinked, *_] = [row.other_id for row in store.links.for_record(contact) if row.other_id != company]
    one, other = unlinked_pair(store, facade)
    store.edits.link_records(one, other, ["Employee"])  # a create, aimed at ``other``
    store.edits.set_link_roles(company, contact, ["Decision maker", "Champion"])  # aimed at ``contact``
    store.edits.unlink_records(contact, unlinked)  # aimed at ``unlinked``
    queued_before = [(m.op, m.scope, m.target_id, m.changes) for m in store.outbox.all()]
    # A colleague renames every record at either end meanwhile.
    renamed: dict[str, tuple[str, str]] = {}
    for record_id in {contact, company, unlinked, one, other}:
        row = store.records.get(record_id)
        obj = store.schema.get_object(row.object_slug) if row is not None else None
        assert obj is not None and obj.title_attribute is not None
        renamed[record_id] = (obj.title_attribute.slug, f"Renamed {record_id[-6:]}")
        backend.update_record(obj.slug, record_id, dict([renamed[record_id]]))

    puller = Puller(store, backend, engine.capabilities)
    for obj in list(store.schema.objects().values()):
        puller.pull_records(obj)

    for record_id, (title, name) in renamed.items():
        row = store.records.get(record_id)
        assert row is not None, record_id  # an unlink is no delete of the record
        assert row.values[title] == name, record_id  # the rename was pulled
        assert not {"object", "other", "other_object", "roles"} & set(row.values), record_id
    assert store.conflicts.count() == 0
    assert [(m.op, m.scope, m.target_id, m.changes) for m in store.outbox.all()] == queued_before

    report = engine.push()

    assert (report.pushed, report.rejected, report.pending) == (3, 0, 0)
    assert facade.store.roles(one, other) == ["Employee"]
    assert facade.store.roles(contact, company) == ["Decision maker", "Champion"]
    assert facade.store.roles(contact, unlinked) is None


def test_discarding_a_refused_link_leaves_the_other_records_edits_alone(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = link_to_a_deleted_record(store, facade)
    assert engine.push().rejected == 1
    [refused] = store.outbox.pending((MutationState.REJECTED,))
    colleague = sorted(store.records.ids("contact"))[-1]
    store.edits.link_records(colleague, company, ["Founder"])  # another link to the same record
    store.edits.update_record(company, {"company-description": "Gone, it seems"})

    assert refused.op_id is not None
    discard(store, refused.op_id)

    assert store.links.get(contact, company) is None
    assert [(m.entity.value, m.scope, m.target_id) for m in store.outbox.all()] == [
        ("link", colleague, company), ("record", "company", company)]


# -- issue keys -----------------------------------------------------------------------------------------


def test_issue_keys_linked_and_unlinked_here_reach_the_server(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    company = sorted(store.records.ids("company"))[-1]
    already = facade.store.issues(company)
    store.edits.link_issue(company, "crm-41")
    store.edits.link_issue(company, "CRM-42")

    assert engine.push().pushed == 2
    assert facade.store.issues(company) == [*already, "CRM-41", "CRM-42"]
    assert store.issue_links.for_record(company) == [IssueLinkRow("CRM-41"), IssueLinkRow("CRM-42")]

    store.edits.unlink_issue(company, "CRM-41")
    assert store.issue_links.for_record(company) == [IssueLinkRow("CRM-42")]
    assert engine.push().pushed == 1
    assert facade.store.issues(company) == [*already, "CRM-42"]


# -- pulling links -----------------------------------------------------------------------------------------


def test_opening_a_record_reads_its_links_those_of_records_not_cached_too(
    store: Store, engine: SyncEngine, facade: AtlasApp, backend: AtlasBackend
) -> None:
    contact, company = linked_pair(store, facade)
    with store.write():
        store.records.delete(company)  # as if the cache did not hold it
    facade.store.set_link(contact, company, ["Decision maker"])

    engine.pull_links(contact)

    rows = {row.other_id: row for row in store.links.for_record(contact)}
    server = {link.other_id: link.roles for link in backend.record_links("contact", contact)}
    assert len(server) >= 2 and server[company] == ("Decision maker",)
    assert {other: row.roles for other, row in rows.items()} == server
    assert rows[company].other_object == "company" and not rows[company].unsent


def test_links_changed_here_stay_as_the_user_made_them_until_sent(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact, company = pulled_pair(store, engine, facade, ["Founder"])
    facade.store.set_link(contact, company, ["Employee", "Colleague's role"])

    engine.pull_links(contact)

    row = store.links.get(contact, company)
    assert row is not None and (row.roles, row.unsent) == (("Founder",), True)


def test_a_record_made_offline_asks_the_server_nothing(store: Store, engine: SyncEngine, facade: AtlasApp) -> None:
    local = store.edits.create_record("contact", {"contact-name": "Offline Olga"}).target_id
    before = requests_to(facade, LINKS)
    engine.pull_links(local)
    assert requests_to(facade, LINKS) == before


# -- comments on a server that cannot list them ------------------------------------------------------------


def test_a_comment_whose_answer_was_lost_is_refused_not_sent_twice(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    assert not engine.capabilities.comments_listed
    contact = sorted(store.records.ids("contact"))[0]
    comment = store.edits.add_comment(contact, "Called about the renewal")
    assert comment.op_id is not None
    with store.write():
        store.outbox.set_state(comment.op_id, MutationState.IN_FLIGHT)  # sent before; the answer was lost
    asked = requests_to(facade, "/comments")

    report = engine.push()

    assert report.rejected == 1
    refused = store.outbox.get(comment.op_id)
    assert refused is not None and refused.error == COMMENT_OUTCOME_UNKNOWN
    assert requests_to(facade, "/comments") == asked  # not sent again (and there is nothing to look in)
    assert facade.store.comments(contact) == []


def test_comments_written_here_stay_in_the_timeline_and_it_asks_the_server_nothing(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    contact = sorted(store.records.ids("contact"))[0]
    store.edits.add_comment(contact, "Sent from here")
    assert engine.push().pushed == 1
    assert engine.capabilities.timeline is False  # (probed before counting what the timeline asks)
    asked = dict(facade.requests_by_path)

    engine.pull_timeline(contact)

    assert facade.requests_by_path == asked
    events = store.timeline.for_record(contact)
    assert [(e.kind, e.description) for e in events] == [(COMMENT_KIND, "Sent from here")]
    assert not is_local_id(events[0].id)
    assert [c["comment"] for c in facade.store.comments(contact)] == ["Sent from here"]



def test_the_links_of_a_record_made_and_deleted_offline_are_never_sent(
    store: Store, engine: SyncEngine, facade: AtlasApp
) -> None:
    _company, local = offline_contact_linked(store, "Never Nina", "OPS-8", from_contact=True)
    store.edits.delete_record(local)

    report = engine.push()

    assert (report.pushed, report.pending, report.rejected) == (0, 0, 0)
    assert store.outbox.count() == 0
    assert writes(facade) == 0


# -- the window's sync worker ---------------------------------------------------------------------------


class Changes(QObject):
    """The worker's change notices, received on the GUI thread as the window receives them."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[ChangeSet] = []

    @Slot(object)
    def on_changed(self, changes: object) -> None:
        assert isinstance(changes, ChangeSet)
        self.heard.append(changes)

    def links(self) -> set[str]:
        return set().union(*(changes.links for changes in self.heard))


def test_opening_a_record_in_the_window_fetches_its_links(
    qtbot: Any, tmp_path: Path, server: SandboxServer, facade: AtlasApp
) -> None:
    path = tmp_path / "window.sqlite"
    with Store.open(path) as store:
        client = connect(server)
        try:
            assert SyncEngine(store, client).sync().status.value == "synced"
        finally:
            client.close()
        contact, company = linked_pair(store, facade)
        assert store.links.for_record(contact) == []  # a sync reads no links: opening the record does
    controller = SyncController(path, lambda: connect(server), interval_ms=3_600_000)
    changes = Changes()
    controller.worker.changed.connect(changes.on_changed)
    finished: list[object] = []
    controller.worker.finished.connect(finished.append)
    try:
        controller.start()
        qtbot.waitUntil(lambda: len(finished) >= 1, timeout=15_000)
        controller.request_open_record.emit(contact)
        qtbot.waitUntil(lambda: contact in changes.links(), timeout=15_000)
    finally:
        assert controller.stop()
    with Store.open(path) as store:
        assert company in {row.other_id for row in store.links.for_record(contact)}
        assert contact in {row.other_id for row in store.links.for_record(company)}
