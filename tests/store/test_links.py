"""Links between records (with roles) and to issue keys, as the store keeps them: one link seen
from both ends, edits queued for the server, offline ids rewritten, the unsent marks, and the
change notices the record page reloads on (``store/links.py``, ``Edits.link_records`` …)."""

from __future__ import annotations

import pytest

from crmdesk.model import EntityKind, MutationOp, MutationState, RecordLink, ValidationError
from crmdesk.store import NotFound, Store
from crmdesk.store.links import IssueLinkRow, LinkRow, clean_roles

from ._links_support import Heard, put_crm


@pytest.fixture
def crm(store: Store) -> Store:
    return put_crm(store)


def links_of(store: Store, record_id: str) -> list[tuple[str, str, tuple[str, ...], bool]]:
    return [(row.other_id, row.other_object, row.roles, row.unsent) for row in store.links.for_record(record_id)]


def server_links(store: Store, record_id: str, own_object: str, *links: tuple[str, str, tuple[str, ...]]) -> None:
    """What a pull of the record's links stores."""
    with store.write():
        store.links.replace_for_record(
            record_id, [RecordLink(record_id, other, obj, roles) for other, obj, roles in links], own_object=own_object)


# -- linking records --------------------------------------------------------------------------------


def test_one_link_is_seen_from_both_ends_with_the_same_roles(crm: Store) -> None:
    heard = Heard()
    crm.add_change_listener(heard)
    mutation = crm.edits.link_records("p-ada", "c-acme", [" Employee ", "", "Decision maker", "Employee"])

    assert links_of(crm, "p-ada") == [("c-acme", "companies", ("Employee", "Decision maker"), True)]
    assert links_of(crm, "c-acme") == [("p-ada", "people", ("Employee", "Decision maker"), True)]
    assert (mutation.entity, mutation.op, mutation.scope, mutation.target_id) == (
        EntityKind.LINK, MutationOp.CREATE, "p-ada", "c-acme")
    assert mutation.changes == {"object": "people", "other": "c-acme", "other_object": "companies",
                                "roles": ["Employee", "Decision maker"]}
    assert [changes.links for changes in heard] == [{"p-ada", "c-acme"}]
    assert heard[0].outbox


def test_a_records_links_are_listed_by_the_other_records_title(crm: Store) -> None:
    crm.edits.link_records("c-acme", "p-bob", [])
    crm.edits.link_records("c-acme", "p-ada", ["Employee"])
    # A record the cache does not hold (a pull of the links names it) comes last.
    with crm.write():
        crm.links.put(RecordLink("c-acme", "p-unknown", "people", ("Founder",)), "companies")

    assert [row.other_id for row in crm.links.for_record("c-acme")] == ["p-ada", "p-bob", "p-unknown"]


@pytest.mark.parametrize(("record_id", "other_id", "roles", "message"), [
    ("p-ada", "p-ada", [], "Link: a record cannot be linked to itself"),
    ("p-ada", "c-gone", [], "Link: the record to link to is not in the local copy (sync, then try again)"),
    ("p-ada", "c-acme", ["x" * 201], f"Role: “{'x' * 40}…” is longer than 200 characters"),
])
def test_a_link_that_cannot_be_made_says_why(
    crm: Store, record_id: str, other_id: str, roles: list[str], message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        crm.edits.link_records(record_id, other_id, roles)
    assert str(raised.value) == message
    assert crm.outbox.count() == 0 and crm.links.for_record(record_id) == []


def test_records_already_linked_are_not_linked_twice_from_either_end(crm: Store) -> None:
    crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    with pytest.raises(ValidationError) as raised:
        crm.edits.link_records("c-acme", "p-ada", ["Founder"])
    assert raised.value.message == ("“Acme” and “Ada Lovelace” are already linked; change the link's roles "
                                    "instead")
    assert crm.outbox.count() == 1
    assert links_of(crm, "p-ada") == [("c-acme", "companies", ("Employee",), True)]


def test_a_missing_record_is_not_found(crm: Store) -> None:
    with pytest.raises(NotFound):
        crm.edits.link_records("p-gone", "c-acme", [])
    with pytest.raises(NotFound):
        crm.edits.set_link_roles("p-ada", "c-acme", ["x"])
    with pytest.raises(NotFound):
        crm.edits.unlink_records("p-ada", "c-acme")


# -- roles ------------------------------------------------------------------------------------------


def test_roles_changed_from_the_other_end_are_the_links_roles(crm: Store) -> None:
    server_links(crm, "p-ada", "people", ("c-acme", "companies", ("Employee",)))
    assert links_of(crm, "c-acme") == [("p-ada", "people", ("Employee",), False)]

    mutation = crm.edits.set_link_roles("c-acme", "p-ada", ["Decision maker", " Employee", "Decision maker"])

    assert mutation is not None
    assert (mutation.op, mutation.scope, mutation.target_id) == (MutationOp.UPDATE, "c-acme", "p-ada")
    assert mutation.changes["roles"] == ["Decision maker", "Employee"]
    assert mutation.changes["object"] == "companies" and mutation.changes["other_object"] == "people"
    assert mutation.base == {"roles": ["Employee"]}
    assert links_of(crm, "p-ada") == [("c-acme", "companies", ("Decision maker", "Employee"), True)]
    # The same roles again change nothing, and queue nothing.
    assert crm.edits.set_link_roles("p-ada", "c-acme", ["Decision maker", "Employee", ""]) is None
    assert crm.outbox.count() == 1


# -- unlinking --------------------------------------------------------------------------------------


def test_unlinking_a_link_never_sent_drops_what_was_queued_for_it(crm: Store) -> None:
    crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    crm.edits.set_link_roles("c-acme", "p-ada", ["Founder"])
    crm.edits.link_records("p-bob", "c-acme", [])  # another link: stays queued
    heard = Heard()
    crm.add_change_listener(heard)

    assert crm.edits.unlink_records("c-acme", "p-ada") is None

    assert [(m.scope, m.target_id) for m in crm.outbox.all()] == [("p-bob", "c-acme")]
    assert links_of(crm, "p-ada") == []
    assert links_of(crm, "c-acme") == [("p-bob", "people", (), True)]
    assert heard[-1].links == {"p-ada", "c-acme"}


def test_unlinking_a_link_the_server_has_queues_the_unlink_alone(crm: Store) -> None:
    server_links(crm, "p-ada", "people", ("c-acme", "companies", ("Employee",)))
    crm.edits.set_link_roles("p-ada", "c-acme", ["Founder"])

    mutation = crm.edits.unlink_records("c-acme", "p-ada")

    assert mutation is not None
    assert [(m.op, m.scope, m.target_id) for m in crm.outbox.all()] == [(MutationOp.DELETE, "c-acme", "p-ada")]
    assert mutation.changes["object"] == "companies" and mutation.changes["other"] == "p-ada"
    assert mutation.base == {"roles": ["Founder"]}
    assert links_of(crm, "p-ada") == [] and links_of(crm, "c-acme") == []


def test_relinked_and_unlinked_again_the_server_still_hears_the_unlink(crm: Store) -> None:
    server_links(crm, "p-ada", "people", ("c-acme", "companies", ("Employee",)))
    crm.edits.unlink_records("p-ada", "c-acme")
    crm.edits.link_records("p-ada", "c-acme", ["Founder"])

    crm.edits.unlink_records("p-ada", "c-acme")

    assert [m.op for m in crm.outbox.all()] == [MutationOp.DELETE]


def test_unlinking_a_link_whose_create_may_have_arrived_queues_the_unlink(crm: Store) -> None:
    created = crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    assert created.op_id is not None
    with crm.write():
        crm.outbox.set_state(created.op_id, MutationState.IN_FLIGHT)  # sent, no answer

    crm.edits.unlink_records("p-ada", "c-acme")

    assert [m.op for m in crm.outbox.all()] == [MutationOp.DELETE]


def test_a_deleted_records_links_go_with_it(crm: Store) -> None:
    crm.edits.link_records("p-ada", "c-acme", [])
    crm.edits.link_issue("p-ada", "SALES-1")
    server_links(crm, "c-zeta", "companies", ("p-ada", "people", ()))
    heard = Heard()
    crm.add_change_listener(heard)

    crm.edits.delete_record("p-ada")

    assert links_of(crm, "c-acme") == [] and links_of(crm, "c-zeta") == []
    assert crm.issue_links.for_record("p-ada") == []
    assert heard[-1].links == {"p-ada", "c-acme", "c-zeta"}


# -- what a pull stores ------------------------------------------------------------------------------


def test_a_pull_replaces_the_links_but_those_the_user_changed(crm: Store) -> None:
    server_links(crm, "c-acme", "companies", ("p-ada", "people", ("Employee",)), ("p-bob", "people", ()))
    crm.edits.set_link_roles("p-bob", "c-acme", ["Founder"])
    heard = Heard()
    crm.add_change_listener(heard)

    # The server now: Ada's roles changed, Bob unlinked (but the user's roles wait to be sent), and
    # a link with a record this cache does not hold.
    server_links(crm, "c-acme", "companies", ("p-ada", "people", ("Decision maker",)),
                 ("p-new", "people", ("Employee",)))

    assert links_of(crm, "c-acme") == [
        ("p-ada", "people", ("Decision maker",), False),
        ("p-bob", "people", ("Founder",), True),
        ("p-new", "people", ("Employee",), False),
    ]
    assert links_of(crm, "p-new") == [("c-acme", "companies", ("Employee",), False)]
    assert heard[-1].links == {"c-acme", "p-ada", "p-new"}
    # The same answer again: nothing changes, and no view is told to reload.
    heard.clear()
    server_links(crm, "c-acme", "companies", ("p-ada", "people", ("Decision maker",)),
                 ("p-new", "people", ("Employee",)))
    assert heard == []


def test_a_pull_drops_a_link_the_server_no_longer_has(crm: Store) -> None:
    server_links(crm, "p-ada", "people", ("c-acme", "companies", ()), ("c-zeta", "companies", ()))
    server_links(crm, "c-acme", "companies")
    assert links_of(crm, "p-ada") == [("c-zeta", "companies", (), False)]


# -- offline ids -------------------------------------------------------------------------------------


def test_a_link_of_an_offline_record_follows_its_server_id(crm: Store) -> None:
    local = crm.edits.create_record("people", {"name": "Offline Olga", "badge": "o"}).target_id
    # Linked from both sides of the local id: as scope and as the other end.
    crm.edits.link_records(local, "c-acme", ["Employee"])
    crm.edits.link_records("c-zeta", local, ["Founder"])
    crm.edits.link_issue(local, "ops-7")
    heard = Heard()
    crm.add_change_listener(heard)

    # "a-olga" sorts before "c-…", "local-…" after: each pair is stored in its new order.
    crm.rewrite_local_id(local, "a-olga", "record")

    assert links_of(crm, "a-olga") == [("c-acme", "companies", ("Employee",), True),
                                        ("c-zeta", "companies", ("Founder",), True)]
    assert links_of(crm, "c-acme") == [("a-olga", "people", ("Employee",), True)]
    assert links_of(crm, local) == []
    assert crm.issue_links.for_record("a-olga") == [IssueLinkRow("OPS-7", unsent=True)]
    queued = {(m.entity, m.scope, m.target_id, m.changes.get("other")) for m in crm.outbox.all()
              if m.entity is not EntityKind.RECORD}
    assert queued == {(EntityKind.LINK, "a-olga", "c-acme", "c-acme"),
                      (EntityKind.LINK, "c-zeta", "a-olga", "a-olga"),
                      (EntityKind.ISSUE_LINK, "a-olga", "OPS-7", None)}
    assert len(heard) == 1 and {"a-olga", "c-acme", "c-zeta"} <= heard[0].links
    assert crm.links.get("c-acme", "a-olga") == LinkRow("a-olga", "people", ("Employee",), True)


# -- issue keys --------------------------------------------------------------------------------------


def test_issue_keys_are_kept_upper_case_in_number_order(crm: Store) -> None:
    heard = Heard()
    crm.add_change_listener(heard)
    for key in ("sales-12", " SALES-9 ", "OPS_2-1"):
        crm.edits.link_issue("c-acme", key)

    assert crm.issue_links.for_record("c-acme") == [
        IssueLinkRow("OPS_2-1", True), IssueLinkRow("SALES-9", True), IssueLinkRow("SALES-12", True)]
    mutation = crm.outbox.all()[0]
    assert (mutation.entity, mutation.op, mutation.scope, mutation.target_id, mutation.changes) == (
        EntityKind.ISSUE_LINK, MutationOp.CREATE, "c-acme", "SALES-12", {"object": "companies", "key": "SALES-12"})
    assert all(changes.links == {"c-acme"} for changes in heard) and len(heard) == 3


@pytest.mark.parametrize(("key", "message"), [
    ("SALES", "Issue: “SALES” is not an issue key: a project key, a dash and a number, like SALES-12"),
    ("12-SALES", "Issue: “12-SALES” is not an issue key: a project key, a dash and a number, like SALES-12"),
    ("", "Issue: “” is not an issue key: a project key, a dash and a number, like SALES-12"),
])
def test_what_is_not_an_issue_key_is_refused(crm: Store, key: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        crm.edits.link_issue("c-acme", key)
    assert str(raised.value) == message
    assert crm.outbox.count() == 0


def test_an_issue_is_linked_once(crm: Store) -> None:
    crm.edits.link_issue("c-acme", "SALES-12")
    with pytest.raises(ValidationError) as raised:
        crm.edits.link_issue("c-acme", "sales-12")
    assert raised.value.message == "SALES-12 is already linked to “Acme”"


def test_unlinking_an_issue_linked_here_and_never_sent_queues_nothing(crm: Store) -> None:
    crm.edits.link_issue("c-acme", "SALES-12")
    crm.edits.link_issue("c-acme", "SALES-13")

    assert crm.edits.unlink_issue("c-acme", "sales-12") is None

    assert [m.target_id for m in crm.outbox.all()] == ["SALES-13"]
    assert crm.issue_links.for_record("c-acme") == [IssueLinkRow("SALES-13", True)]


def test_unlinking_a_sent_issue_queues_the_unlink(crm: Store) -> None:
    created = crm.edits.link_issue("c-acme", "SALES-12")
    assert created.op_id is not None
    with crm.write():
        crm.outbox.remove(created.op_id)  # sent
    assert crm.issue_links.for_record("c-acme") == [IssueLinkRow("SALES-12", False)]

    mutation = crm.edits.unlink_issue("c-acme", "SALES-12")

    assert mutation is not None and (mutation.op, mutation.target_id) == (MutationOp.DELETE, "SALES-12")
    assert crm.issue_links.for_record("c-acme") == []
    with pytest.raises(NotFound):
        crm.edits.unlink_issue("c-acme", "SALES-12")


# -- roles, refusals, and reads of the outbox by target ---------------------------------------------


@pytest.mark.parametrize(("typed", "kept"), [
    ([" Employee ", "", "  ", "Decision   maker", "employee", "Decision maker", "EMPLOYEE"],
     ("Employee", "Decision maker")),
    (["Board\tmember", "board member", "Chair"], ("Board member", "Chair")),
    (["Straße", "STRASSE", "Ceo"], ("Straße", "Ceo")),
    ([], ()),
])
def test_roles_are_cleaned_by_one_rule(typed: list[str], kept: tuple[str, ...]) -> None:
    assert clean_roles(typed) == kept


def test_the_edits_and_the_pulls_keep_roles_by_the_same_rule(crm: Store) -> None:
    crm.edits.link_records("p-ada", "c-acme", ["Decision  maker", "decision maker", " Champion"])
    server_links(crm, "p-bob", "people", ("c-zeta", "companies", ("founder ", "Founder", "Owner\n")))

    assert links_of(crm, "p-ada")[0][2] == ("Decision maker", "Champion")
    assert crm.outbox.all()[0].changes["roles"] == ["Decision maker", "Champion"]
    assert links_of(crm, "p-bob")[0][2] == ("founder", "Owner")


def refuse(store: Store, op_id: int | None, message: str) -> None:
    assert op_id is not None
    with store.write():
        store.outbox.set_state(op_id, MutationState.REJECTED, message)


def test_a_refused_link_is_refused_with_the_servers_message_not_waiting(crm: Store) -> None:
    refused = crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    crm.edits.link_records("p-ada", "c-zeta", ["Founder"])
    refuse(crm, refused.op_id, "Acme is no longer on the server")

    rows = {row.other_id: row for row in crm.links.for_record("p-ada")}
    assert (rows["c-acme"].unsent, rows["c-acme"].refused) == (False, "Acme is no longer on the server")
    assert (rows["c-zeta"].unsent, rows["c-zeta"].refused) == (True, None)
    # Seen from the other end, and read alone, the same.
    assert crm.links.get("c-acme", "p-ada") == LinkRow("p-ada", "people", ("Employee",), False,
                                                       "Acme is no longer on the server")
    # A pull still leaves it as the user made it (it waits for the user, in Pending changes).
    server_links(crm, "p-ada", "people")
    assert {row.other_id for row in crm.links.for_record("p-ada")} == {"c-acme", "c-zeta"}


def test_a_refused_link_changed_again_waits_and_says_it_was_refused(crm: Store) -> None:
    refused = crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    refuse(crm, refused.op_id, "no")
    crm.edits.set_link_roles("c-acme", "p-ada", ["Founder"])

    row = crm.links.get("p-ada", "c-acme")
    assert row is not None and (row.roles, row.unsent, row.refused) == (("Founder",), True, "no")


def test_a_refused_issue_link_is_refused_with_the_servers_message(crm: Store) -> None:
    refused = crm.edits.link_issue("p-ada", "SALES-1")
    crm.edits.link_issue("p-ada", "SALES-2")
    crm.edits.link_issue("p-bob", "SALES-1")
    refuse(crm, refused.op_id, "No such project")

    assert crm.issue_links.for_record("p-ada") == [
        IssueLinkRow("SALES-1", False, "No such project"), IssueLinkRow("SALES-2", True, None)]
    assert crm.issue_links.for_record("p-bob") == [IssueLinkRow("SALES-1", True, None)]


def test_reads_by_target_see_only_the_entity_asked_for(crm: Store) -> None:
    edit = crm.edits.update_record("c-acme", {"name": "Acme Corp"})
    link = crm.edits.link_records("p-ada", "c-acme", ["Employee"])
    assert edit is not None

    assert crm.outbox.for_target("c-acme", entity=EntityKind.RECORD) == [edit]
    assert crm.outbox.for_target("c-acme", entity=EntityKind.LINK) == [link]
    assert crm.outbox.unsent_for(["c-acme", "p-ada"], entity=EntityKind.RECORD) == {"c-acme": [edit]}
    assert crm.outbox.unsent_for(["c-acme"], entity=EntityKind.LINK) == {"c-acme": [link]}


def test_a_records_links_count_as_read_once_and_no_longer_once_it_is_gone(crm: Store) -> None:
    assert not crm.links.were_read("c-zeta")
    server_links(crm, "c-zeta", "companies", ("p-ada", "people", ()))
    assert crm.links.were_read("c-zeta")
    writes = crm.conn.total_changes
    server_links(crm, "c-zeta", "companies", ("p-ada", "people", ()))  # the page opened again: the same links
    assert crm.conn.total_changes == writes  # nothing to write
    crm.edits.delete_record("c-zeta")
    assert not crm.links.were_read("c-zeta")
