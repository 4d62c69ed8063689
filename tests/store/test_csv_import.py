"""Importing a CSV table's rows as records (``store/csv_import.py``) on a real workspace file:
columns mapped to attributes, every row planned (refused with a reason, matched, merged, unchanged)
before anything is written, then written in batches with their outbox rows, cancellable between
batches, and undone as new edits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from crmdesk.model import MutationOp, ObjectDef, ValidationError
from crmdesk.model.csv_text import CsvTable
from crmdesk.store import Store, csv_import
from crmdesk.store.changes import ChangeSet
from crmdesk.store.csv_import import (
    CREATE,
    MERGED,
    REFUSED,
    UNCHANGED,
    UPDATE,
    Cancelled,
    ImportPlan,
    Planner,
    Target,
    apply_plan,
    auto_map,
    default_match,
    targets,
    undo_import,
)

from ._support import COMPANIES, PEOPLE, company, person, table_dump

ADA_NAME = {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"}


def _table(headers: Sequence[str], *rows: Sequence[str]) -> CsvTable:
    """A table as ``read_csv`` returns it, its rows on lines 2, 3, …"""
    return CsvTable(list(headers), [list(row) for row in rows], list(range(2, 2 + len(rows))), "utf-8", ",")


def _people(store: Store) -> ObjectDef:
    obj = store.schema.get_object("people")
    assert obj is not None
    return obj


def _companies(store: Store) -> ObjectDef:
    obj = store.schema.get_object("companies")
    assert obj is not None
    return obj


def _plan(store: Store, headers: Sequence[str], *rows: Sequence[str], obj: ObjectDef | None = None,
          match: str | None = "emails") -> ImportPlan:
    """Plan ``rows`` for people (or ``obj``) with the columns mapped as ``auto_map`` maps them."""
    obj = obj or _people(store)
    table = _table(headers, *rows)
    return Planner(store, obj).plan(table, auto_map(obj, table.headers), match)


def _says(problem: str | None, attribute: str, reason: str) -> bool:
    """Whether a refused row's problem names the attribute, then gives the reason."""
    return problem is not None and problem.startswith(attribute) and reason in problem


def _values(store: Store, record_id: str) -> dict[str, Any]:
    record = store.records.get(record_id)
    assert record is not None, f"{record_id} is not in the store"
    return record.values


@pytest.fixture
def crm(store: Store) -> Store:
    """Acme, two companies called Globex, and Ada (two e-mail addresses, a tag, a score)."""
    with store.write():
        store.records.put(COMPANIES, company("c-acme", "Acme", domains=["acme.com"]))
        store.records.put(COMPANIES, company("c-glob1", "Globex"))
        store.records.put(COMPANIES, company("c-glob2", "Globex"))
        store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace", emails=["ada@example.com", "ada@work.com"],
                                         tags=["vip"], score=3, job_title="Countess"))
    return store


# -- mapping -----------------------------------------------------------------------------------


def test_columns_map_by_title_or_slug_ignoring_case_spaces_and_punctuation(store: Store) -> None:
    headers = ["JOB TITLE", "Score", "deal", "born", "Company"]
    assert auto_map(_people(store), headers) == [Target("job_title"), Target("score"), Target("deal"),
                                                 Target("born"), Target("company")]
    assert auto_map(_people(store), ["job_title"]) == [Target("job_title")]
    assert auto_map(_people(store), ["Job-Title"]) == [Target("job_title")]


def test_email_phone_and_website_columns_find_the_first_attribute_of_that_type(store: Store) -> None:
    assert auto_map(_people(store), ["E-mail", "Phone", "Website"]) == [Target("emails"), Target("phone"),
                                                                        Target("site")]
    # Companies have no e-mail attribute; their web address is "domains".
    assert auto_map(_companies(store), ["E-mail", "Website"]) == [None, Target("domains")]


def test_name_parts_and_the_currency_part_have_their_own_columns(store: Store) -> None:
    mapping = auto_map(_people(store), ["First name", "Last name", "Surname", "Deal currency", "Deal"])
    assert mapping == [Target("name", "first_name"), Target("name", "last_name"), None,
                       Target("deal", "currency"), Target("deal")]
    assert Target("deal", "currency").label(_people(store)) == "Deal (currency)"


def test_each_target_is_taken_once_by_the_leftmost_column_and_unknown_columns_are_ignored(store: Store) -> None:
    mapping = auto_map(_people(store), ["Email", "E-mail", "Emails", "Shoe size", "Score", "score"])
    assert mapping == [Target("emails"), None, None, None, Target("score"), None]


def test_targets_list_every_attribute_and_its_parts_in_order(store: Store) -> None:
    found = targets(_people(store))
    assert found[:4] == [Target("name"), Target("name", "first_name"), Target("name", "last_name"),
                         Target("emails")]
    assert Target("deal", "currency") in found and len(set(found)) == len(found)


def test_rows_are_matched_on_emails_for_people_and_domains_for_companies(store: Store) -> None:
    assert default_match(_people(store)) == "emails"
    assert default_match(_companies(store)) == "domains"


# -- planning ----------------------------------------------------------------------------------


def test_refused_rows_say_why_and_which_column(crm: Store) -> None:
    headers = ["Name", "Email", "Score", "Company", "Badge"]
    plan = _plan(
        crm, headers,
        ["Bob", "bob@example.com", "lots", "Acme", "b"],
        ["Cy", "cy@example.com", "1", "Nobody Inc", "c"],
        ["Di", "di@example.com", "1", "Globex", "d"],
        ["Ed", "ed@example.com", "1", "Acme", ""],
        ["Fay", "fay@example.com", "2", "Acme", "f"],
    )
    assert [row.action for row in plan.rows] == [REFUSED, REFUSED, REFUSED, REFUSED, CREATE]
    bad_number, unknown, ambiguous, incomplete = plan.refused()
    assert (bad_number.line, bad_number.column) == (2, 2)
    assert _says(bad_number.problem, "Score", "“lots” is not a number")
    assert unknown.column == 3 and _says(unknown.problem, "Company", "no record is called “Nobody Inc”")
    assert ambiguous.column == 3 and _says(ambiguous.problem, "Company", "2 records are called “Globex”")
    assert ambiguous.problem is not None and "c-glob1" in ambiguous.problem and "c-glob2" in ambiguous.problem
    assert (incomplete.column, incomplete.problem) == (None, "Badge is required for a new record")
    assert all(row.values == {} for row in plan.refused())


def test_a_required_value_is_needed_only_to_create_a_record(crm: Store) -> None:
    # No badge: fine for Ada, who has one; not for a new person.
    plan = _plan(crm, ["Email", "Job title"], ["ada@example.com", "Engineer"], ["new@example.com", "Engineer"])
    assert [row.action for row in plan.rows] == [UPDATE, REFUSED]
    assert plan.rows[0].record_id == "p-ada" and plan.rows[0].values == {"job_title": "Engineer"}


def test_matching_ignores_the_case_of_email_addresses(crm: Store) -> None:
    plan = _plan(crm, ["Email", "Job title"], ["ADA@Work.COM", "Engineer"])
    assert plan.rows[0].action == UPDATE and plan.rows[0].record_id == "p-ada"
    apply_plan(crm, plan)
    assert _values(crm, "p-ada")["emails"] == ["ada@example.com", "ada@work.com"]  # no second spelling added
    assert crm.records.count("people") == 1


def test_a_row_repeating_an_earlier_rows_email_is_merged_into_it_and_its_values_win(crm: Store) -> None:
    plan = _plan(
        crm, ["Name", "Email", "Job title", "Score", "Badge"],
        ["Bob Builder", "bob@example.com", "Builder", "1", "b"],
        ["Robert Builder", "BOB@example.com", "", "2", ""],
    )
    assert [row.action for row in plan.rows] == [CREATE, MERGED]
    assert plan.rows[1].merged_into == 0 and plan.rows[1].values == {}
    result = apply_plan(crm, plan)
    assert len(result.created) == 1
    values = _values(crm, result.created[0])
    assert values["name"]["full_name"] == "Robert Builder"
    assert (values["score"], values["job_title"], values["badge"]) == (2, "Builder", "b")
    assert plan.summary() == "created 1, updated 0, merged into an earlier row 1, refused 0"


def test_an_update_adds_a_multiselects_values_to_the_records(crm: Store) -> None:
    plan = _plan(crm, ["Email", "Tags"], ["ada@example.com", "math, VIP, poetry"])
    apply_plan(crm, plan)
    tags = _values(crm, "p-ada")["tags"]
    assert tags[0] == "vip" and "math" in tags and "poetry" in tags


def test_an_empty_cell_never_clears_a_value(crm: Store) -> None:
    plan = _plan(crm, ["Email", "Name", "Score", "Tags", "Job title"], ["ada@example.com", "", "", " ", "Engineer"])
    assert plan.rows[0].values == {"job_title": "Engineer"}
    apply_plan(crm, plan)
    values = _values(crm, "p-ada")
    assert (values["score"], values["tags"], values["name"]) == (3, ["vip"], ADA_NAME)
    assert values["job_title"] == "Engineer"


def test_an_update_changing_nothing_is_unchanged_and_writes_nothing(crm: Store) -> None:
    before = table_dump(crm)
    plan = _plan(crm, ["Email", "Name", "Score", "Tags", "Job title"],
                 ["ada@work.com", "Ada Lovelace", "3.0", "VIP", "Countess"])
    assert plan.rows[0].action == UNCHANGED
    assert plan.summary(done=False) == "to create 0, to update 0, unchanged 1, refused 0"
    result = apply_plan(crm, plan)
    assert (result.created, result.updated) == ([], {})
    assert crm.outbox.count() == 0
    assert table_dump(crm) == before


def test_references_are_read_by_title_or_by_id_and_members_by_name_or_email(crm: Store) -> None:
    plan = _plan(
        crm, ["Name", "Email", "Company", "Owner", "Badge"],
        ["Bob", "bob@example.com", "Acme", "Ada Lovelace", "b"],
        ["Cy", "cy@example.com", "c-glob2", "EMILE@example.com", "c"],
    )
    assert [row.action for row in plan.rows] == [CREATE, CREATE]
    result = apply_plan(crm, plan)
    bob, cy = (_values(crm, record_id) for record_id in result.created)
    assert (bob["company"], bob["owner"]) == ("c-acme", "user-ada")
    assert cy["company"] == "c-glob2"
    emile = next(m for m in crm.schema.members() if m.email == "emile@example.com")
    assert cy["owner"] == emile.actor_id


def test_names_and_amounts_are_put_together_from_their_parts(crm: Store) -> None:
    plan = _plan(crm, ["First name", "Last name", "Email", "Deal", "Deal currency", "Badge"],
                 ["Grace", "Hopper", "grace@example.com", "1500", "usd", "g"],
                 ["Alan", "Turing", "alan@example.com", "20", "", "a"])
    result = apply_plan(crm, plan)
    grace, alan = (_values(crm, record_id) for record_id in result.created)
    assert grace["name"] == {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper"}
    assert grace["deal"] == {"amount": 1500, "currency": "USD"}
    assert alan["deal"] == {"amount": 20, "currency": "EUR"}  # the attribute's own currency


def test_the_summary_counts_each_outcome(crm: Store) -> None:
    plan = _plan(
        crm, ["Name", "Email", "Score", "Badge"],
        ["Bob", "bob@example.com", "1", "b"],
        ["", "ada@example.com", "9", ""],
        ["Cy", "cy@example.com", "x", "c"],
        ["Di", "di@example.com", "1", ""],
    )
    assert plan.summary() == "created 1, updated 1, refused 2"
    assert plan.summary(done=False) == "to create 1, to update 1, refused 2"
    assert (plan.count(CREATE), plan.count(UPDATE), plan.count(REFUSED)) == (1, 1, 2)


def test_planning_can_be_cancelled_between_batches(crm: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "BATCH", 2)
    table = _table(["Email", "Badge"], *([f"p{i}@example.com", "b"] for i in range(5)))
    asked: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        asked.append((done, total))
        return done == 0

    with pytest.raises(Cancelled):
        Planner(crm, _people(crm)).plan(table, auto_map(_people(crm), table.headers), "emails", progress)
    assert asked == [(0, 5), (2, 5)]


def test_a_match_attribute_that_cannot_name_a_record_is_refused(crm: Store) -> None:
    with pytest.raises(ValidationError, match="cannot be matched on"):
        _plan(crm, ["Email"], ["a@example.com"], match="tags_not_there")
    with pytest.raises(ValidationError, match="cannot be matched on"):
        _plan(crm, ["Email"], ["a@example.com"], match="company")


# -- writing -----------------------------------------------------------------------------------


def test_applying_writes_one_outbox_create_per_new_record_and_an_update_per_changed_one(crm: Store) -> None:
    plan = _plan(
        crm, ["Name", "Email", "Score", "Badge"],
        ["Bob", "bob@example.com", "1", "b"],
        ["Cy", "cy@example.com", "2", "c"],
        ["", "ada@example.com", "9", ""],
    )
    result = apply_plan(crm, plan)
    assert not result.cancelled
    assert len(result.created) == 2 and result.updated == {"p-ada": {"score": 3}}
    queued = crm.outbox.all()
    assert crm.outbox.count() == 3
    assert [(m.op, m.target_id) for m in queued] == [(MutationOp.CREATE, result.created[0]),
                                                     (MutationOp.CREATE, result.created[1]),
                                                     (MutationOp.UPDATE, "p-ada")]
    assert queued[0].scope == "people" and queued[0].changes == _values(crm, result.created[0])
    assert queued[0].changes["emails"] == ["bob@example.com"]
    assert queued[2].changes == {"score": 9}
    assert crm.records.count("people") == 3 and _values(crm, "p-ada")["score"] == 9


def test_a_cancel_after_the_first_batch_keeps_exactly_that_batch(crm: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "WRITE_BATCH", 2)
    plan = _plan(crm, ["Name", "Email", "Badge"], *([f"P{i}", f"p{i}@example.com", "b"] for i in range(5)))
    assert plan.count(CREATE) == 5
    result = apply_plan(crm, plan, lambda done, total: done == 0)
    assert result.cancelled
    assert len(result.created) == 2
    assert crm.records.count("people") == 1 + 2  # Ada and the first batch
    assert crm.outbox.count() == 2
    titles = sorted(record.title for record in (crm.records.get(record_id) for record_id in result.created)
                    if record is not None)
    assert titles == ["P0", "P1"]


def test_undo_deletes_the_created_records_and_puts_the_updated_values_back(crm: Store) -> None:
    plan = _plan(
        crm, ["Name", "Email", "Score", "Tags", "Badge"],
        ["Bob", "bob@example.com", "1", "", "b"],
        ["", "ada@example.com", "9", "math", ""],
    )
    result = apply_plan(crm, plan)
    undo_import(crm, result)
    assert crm.records.get(result.created[0]) is None
    assert crm.records.count("people") == 1
    values = _values(crm, "p-ada")
    assert (values["score"], values["tags"]) == (3, ["vip"])


def test_two_rows_naming_one_record_by_its_two_addresses_are_one_update(crm: Store) -> None:
    plan = _plan(crm, ["Email", "Tags"], ["ada@example.com", "math"], ["ada@work.com", "poetry"])
    assert [row.action for row in plan.rows] == [UPDATE, MERGED]
    assert plan.rows[1].merged_into == 0
    apply_plan(crm, plan)
    assert _values(crm, "p-ada")["tags"] == ["vip", "math", "poetry"]  # neither row's tag lost
    assert plan.summary() == "created 0, updated 1, merged into an earlier row 1, refused 0"


def test_undo_puts_back_every_value_when_two_rows_updated_one_record(crm: Store) -> None:
    # Ada is matched twice, once by each of her addresses: each row changes a different field.
    plan = _plan(crm, ["Email", "Job title", "Score"], ["ada@example.com", "Engineer", ""], ["ada@work.com", "", "7"])
    apply_plan_result = apply_plan(crm, plan)
    assert (_values(crm, "p-ada")["job_title"], _values(crm, "p-ada")["score"]) == ("Engineer", 7)
    undo_import(crm, apply_plan_result)
    values = _values(crm, "p-ada")
    assert (values["job_title"], values["score"]) == ("Countess", 3)


def test_the_store_tells_its_listeners_about_each_batch_of_new_records(
    crm: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "WRITE_BATCH", 2)
    plan = _plan(crm, ["Name", "Email", "Badge"], *([f"P{i}", f"p{i}@example.com", "b"] for i in range(3)))
    heard: list[ChangeSet] = []
    crm.add_change_listener(heard.append)
    result = apply_plan(crm, plan)
    assert len(heard) == 2  # one notice per batch: the window redraws as the import goes
    assert heard[0].objects == {"people"} and heard[0].outbox
    assert heard[0].record_ids == set(result.created[:2])
    assert heard[1].record_ids == {result.created[2]}


# -- Edits.create_records ----------------------------------------------------------------------


def test_create_records_refuses_the_whole_batch_for_one_bad_value(store: Store) -> None:
    before = table_dump(store)
    with pytest.raises(ValidationError, match="Score"):
        store.edits.create_records("people", [{"name": "Ada", "badge": "a"}, {"name": "Bob", "badge": "b",
                                                                             "score": "lots"}])
    assert table_dump(store) == before
    assert store.records.count("people") == 0 and store.outbox.count() == 0


def test_checked_values_still_name_attributes_the_object_has(store: Store) -> None:
    """The import's values skip the second parse, not the check that each names an attribute."""
    before = table_dump(store)
    with pytest.raises(ValidationError, match="is not an attribute of People"):
        store.edits.create_records("people", [{"badge": "a"}, {"badge": "b", "shoe_size": 44}], checked=True)
    assert table_dump(store) == before


def test_create_records_writes_each_record_with_its_outbox_row_in_order(store: Store) -> None:
    ids = store.edits.create_records("people", [{"name": "Ada", "badge": "a"}, {"name": "Bob", "badge": "b"}])
    assert [store.records.get(record_id).title for record_id in ids] == ["Ada", "Bob"]  # type: ignore[union-attr]
    queued = store.outbox.all()
    assert [(m.op, m.target_id) for m in queued] == [(MutationOp.CREATE, ids[0]), (MutationOp.CREATE, ids[1])]
    assert queued[1].changes == {"name": {"first_name": "Bob", "full_name": "Bob"}, "badge": "b"}


def test_rows_naming_one_record_by_turns_all_join_the_row_that_writes(crm: Store) -> None:
    # The second and third rows both name Ada by her work address: the third must not join the
    # second (which writes nothing), or its tag would be lost.
    plan = _plan(crm, ["Email", "Job title", "Score", "Tags"], ["ada@example.com", "CEO", "", ""],
                 ["ada@work.com", "", "5", ""], ["ada@work.com", "", "", "hot"])
    assert [row.action for row in plan.rows] == [UPDATE, MERGED, MERGED]
    assert [row.merged_into for row in plan.rows[1:]] == [0, 0]
    apply_plan(crm, plan)
    values = _values(crm, "p-ada")
    assert (values["job_title"], values["score"], values["tags"]) == ("CEO", 5, ["vip", "hot"])


def test_a_name_given_in_part_keeps_the_records_other_part(crm: Store) -> None:
    plan = _plan(crm, ["Email", "First name"], ["ada@example.com", "Augusta"])
    apply_plan(crm, plan)
    assert _values(crm, "p-ada")["name"] == {"first_name": "Augusta", "last_name": "Lovelace",
                                             "full_name": "Augusta Lovelace"}


def test_an_update_planned_for_an_offline_record_follows_it_to_its_server_id(crm: Store) -> None:
    made = crm.edits.create_record("people", {"emails": ["new@example.com"], "badge": "b"})
    plan = _plan(crm, ["Email", "Job title"], ["new@example.com", "Pilot"])
    assert plan.rows[0].record_id == made.target_id
    crm.rewrite_local_id(made.target_id, "srv-123", "record")  # the sync sent the create before the import wrote
    result = apply_plan(crm, plan)
    assert _values(crm, "srv-123")["job_title"] == "Pilot"
    assert list(result.updated) == ["srv-123"]


def test_taking_an_import_back_tells_its_progress_batch_by_batch(crm: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "BATCH", 2)
    plan = _plan(crm, ["Name", "Email", "Badge", "Score"], *([f"P{i}", f"p{i}@example.com", "b", ""] for i in range(4)),
                 ["Ada Lovelace", "ada@example.com", "", "8"])
    result = apply_plan(crm, plan)
    told: list[tuple[int, int]] = []
    undo_import(crm, result, lambda done, total: told.append((done, total)))
    assert told == [(2, 5), (4, 5), (5, 5)]  # four records made, one updated: five to take back
    assert crm.records.count("people") == 1 and _values(crm, "p-ada")["score"] == 3
