"""``crmdesk records`` and ``crmdesk notes`` on a synced workspace with no server running at all:
values typed as in the table, refusals with the table's messages and nothing queued, every edit
one store transaction with its outbox row."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main
from crmdesk.model import EntityKind, MutationOp, is_local_id
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.workspaces import open_workspace_store

Capture = pytest.CaptureFixture[str]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir synced once from a sandbox that is stopped before any test runs."""
    data = tmp_path_factory.mktemp("records") / "data"
    with SandboxServer(records=60, seed=11) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        with open_workspace_store(Paths.resolve(data), backend, "aria", server.url) as store:
            assert SyncEngine(store, backend).sync().complete
        backend.close()
    return data


@pytest.fixture
def data(synced: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(synced, copy)
    return copy


@pytest.fixture
def store(data: Path) -> Iterator[Store]:
    (path,) = (data / "workspaces").glob("*.sqlite")
    with Store.open(path) as opened:
        yield opened


def crmdesk(data: Path, capsys: Capture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*argv, "--data-dir", str(data)])
    out, err = capsys.readouterr()
    return code, out, err


def deals_json(data: Path, capsys: Capture, *filters: str) -> list[dict[str, Any]]:
    args = [arg for text in filters for arg in ("--filter", text)]
    code, out, err = crmdesk(data, capsys, "records", "list", "deals", *args, "--json")
    assert code == 0, err
    result: list[dict[str, Any]] = json.loads(out)
    return result


def option_id(store: Store, slug: str, attribute: str, title: str) -> str:
    obj = store.schema.get_object(slug)
    assert obj is not None
    attr = obj.attribute(attribute)
    assert attr is not None
    option = attr.option_by_title(title)
    assert option is not None
    return option.id


# -- reading --------------------------------------------------------------------------------------


def test_list_prints_an_aligned_table_of_plain_text(data: Path, store: Store, capsys: Capture) -> None:
    code, out, err = crmdesk(data, capsys, "records", "list", "deals")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "Name", "Value", "Stage", "Expected", "Close", "Date"]
    assert len(lines) == 1 + store.records.count("deals")
    assert "\x1b" not in out and all(line == line.rstrip() for line in lines)
    # Columns line up: every row's title starts where the header's "Name" does.
    column = lines[0].index("Name")
    rows = store.records.rows(store.records.query_ids("deals"))
    misaligned = [line for line, row in zip(lines[1:], rows, strict=True)
                  if not line[column:].startswith(row.title[:20])]
    assert misaligned == []


def test_control_codes_from_names_never_reach_the_terminal(data: Path, store: Store, capsys: Capture) -> None:
    evil = store.edits.create_record("companies", {"name": "\x1b]0;owned\x07Evil\x9b31m Corp\nLtd"}).target_id
    for argv in (("records", "list", "companies"), ("records", "get", "companies", evil),
                 ("records", "get", "companies", evil, "--json")):
        code, out, err = crmdesk(data, capsys, *argv)
        assert code == 0, err
        assert not any(ch in out for ch in "\x1b\x07\x9b"), (argv, out)
    assert json.loads(out)["title"] == "\x1b]0;owned\x07Evil\x9b31m Corp\nLtd"  # JSON keeps the exact text


def test_list_json_is_one_document_of_canonical_and_displayed_values(data: Path, store: Store, capsys: Capture) -> None:
    records = deals_json(data, capsys)
    assert len(records) == store.records.count("deals")
    first = records[0]
    assert set(first) == {"id", "object", "title", "values", "display", "created_at", "updated_at", "pending"}
    row = store.records.get(first["id"])
    assert row is not None and first["values"] == {k: v for k, v in row.values.items() if v is not None}
    assert first["object"] == "deals" and first["title"] == row.title and first["pending"] is False
    assert set(first["display"]) == set(first["values"])
    won = option_id(store, "deals", "stage", "Won")
    assert {r["display"]["stage"] for r in records if r["values"].get("stage") == won} == {"Won"}


def test_filters_use_the_model_operators_and_are_anded(data: Path, store: Store, capsys: Capture) -> None:
    won = option_id(store, "deals", "stage", "Won")
    lost = option_id(store, "deals", "stage", "Lost")
    all_deals = [r for r in (store.records.get(i) for i in store.records.ids("deals")) if r is not None]

    def ids(predicate: Any) -> set[str]:
        return {r.id for r in all_deals if predicate(r.values)}

    def amount(values: dict[str, Any]) -> float:
        return float((values.get("value") or {}).get("amount") or 0)

    expected = ids(lambda v: v.get("stage") == won and amount(v) >= 100_000)
    assert expected, "the sandbox has big won deals"
    for filters in (("stage = Won", "value >= 100000"), ("stage equals won", "value gte 100,000"),
                    ("stage=Won", "value>=100000")):
        assert {r["id"] for r in deals_json(data, capsys, *filters)} == expected, filters
    assert {r["id"] for r in deals_json(data, capsys, "stage in Won, Lost")} == ids(
        lambda v: v.get("stage") in (won, lost))
    assert {r["id"] for r in deals_json(data, capsys, "stage != Won")} == ids(
        lambda v: v.get("stage") not in (won, None))
    assert {r["id"] for r in deals_json(data, capsys, "value < 50000")} == ids(lambda v: 0 < amount(v) < 50_000)
    assert {r["id"] for r in deals_json(data, capsys, "name contains PILOT")} == ids(
        lambda v: "pilot" in str(v.get("name", "")).lower())
    company = next(r for r in all_deals if r.values.get("company"))
    company_title = store.records.titles([company.values["company"]])[company.values["company"]]
    assert {r["id"] for r in deals_json(data, capsys, f"company = {company_title}")} == ids(
        lambda v: v.get("company") == company.values["company"])
    assert {r["id"] for r in deals_json(data, capsys, "company is_empty")} == ids(lambda v: not v.get("company"))


def test_a_currency_operand_is_refused_since_filters_compare_amounts(
    data: Path, store: Store, capsys: Capture
) -> None:
    """Amounts are compared without their codes (as the server's query does), so "10000 EUR"
    would also match $20,000: a code in the operand is refused, with what to do instead."""
    dollars = store.edits.create_record("deals", {"name": "Dollar deal", "value": {"amount": 20000, "currency": "USD"}})
    assert dollars.target_id in {r["id"] for r in deals_json(data, capsys, "value >= 10000")}
    for text, instead in (("value >= 10000 EUR", "value >= 10000"), ("value >= €10,000", "value >= 10000"),
                          ("value gte EUR 10000", "value gte 10000"), ("value in 5 EUR, 20000", "value in 5, 20000")):
        code, out, err = crmdesk(data, capsys, "records", "list", "deals", "--filter", text)
        assert (code, out) == (1, ""), (text, out)
        assert "filters compare amounts only" in err and f"Give the amount alone ({instead})" in err, (text, err)


@pytest.mark.parametrize(("filter_text", "message"), [
    ("stage = Nope", "Stage has no option “Nope”"),
    ("stage gt Won", "“is greater than” does not apply to status values"),
    ("colour = red", "Deals have no attribute “colour”"),
    ("value", "is not a filter like ATTR OP VALUE"),
    ("value >=", "needs a value"),
    ("company is_empty yes", "takes no value"),
])
def test_a_bad_filter_says_what_is_wrong(data: Path, capsys: Capture, filter_text: str, message: str) -> None:
    code, out, err = crmdesk(data, capsys, "records", "list", "deals", "--filter", filter_text)
    assert code == 1 and out == "" and message in err, err


def test_get_shows_one_record(data: Path, store: Store, capsys: Capture) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    code, out, err = crmdesk(data, capsys, "records", "get", "deals", deal.id, "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == deal.id and json.loads(out)["values"]["name"] == deal.values["name"]
    code, out, _ = crmdesk(data, capsys, "records", "get", "deals", deal.id)
    assert code == 0 and out.splitlines()[0] == f"{deal.title}  (deal {deal.id})"
    assert any(line.split() == ["Name", *deal.title.split()] for line in out.splitlines())


@pytest.mark.parametrize(("argv", "message"), [
    (("records", "list", "dealz"), "no object “dealz” in this workspace (there are: people, companies, deals)"),
    (("records", "get", "deals", "no-such-id"), "There is no deal “no-such-id”"),
    (("records", "set", "deals", "no-such-id", "name=X"), "There is no deal “no-such-id”"),
    (("records", "delete", "people", "no-such-id"), "There is no person “no-such-id”"),
    (("records", "new", "deals", "colour=red"), "Deals have no attribute “colour”"),
    (("records", "new", "deals", "no equals sign"), "is not ATTR=VALUE"),
    (("notes", "add", "deals", "no-such-id", "--title", "T"), "There is no deal “no-such-id”"),
    (("records", "list", "deals", "--workspace", "elsewhere"), "There is no workspace “elsewhere”"),
])
def test_unknown_names_are_named_and_nothing_changes(
    data: Path, store: Store, capsys: Capture, argv: tuple[str, ...], message: str
) -> None:
    before = store.outbox.all()
    code, out, err = crmdesk(data, capsys, *argv)
    assert code == 1 and out == "" and message in err, err
    assert store.outbox.all() == before


# -- editing --------------------------------------------------------------------------------------


def test_set_parses_over_the_current_value_and_queues_one_edit(data: Path, store: Store, capsys: Capture) -> None:
    euro = next(r for r in store.records.rows(store.records.query_ids("deals"))
                if (r.values.get("value") or {}).get("currency") == "EUR")
    before = dict(euro.values)
    queued = store.outbox.count()
    code, out, err = crmdesk(data, capsys, "records", "set", "deals", euro.id, "value=31,500", "stage=Won")
    assert (code, out, err) == (0, "", "")
    # "31,500" typed over an amount in euros stays in euros, as in the table.
    after = store.records.get(euro.id)
    assert after is not None and after.values["value"] == {"amount": 31500, "currency": "EUR"}
    assert after.values["stage"] == option_id(store, "deals", "stage", "Won")
    (mutation,) = store.outbox.all()[queued:]
    assert (mutation.entity, mutation.op, mutation.target_id) == (EntityKind.RECORD, MutationOp.UPDATE, euro.id)
    assert mutation.changes == {"value": {"amount": 31500, "currency": "EUR"}, "stage": after.values["stage"]}
    assert mutation.base == {"value": before["value"], "stage": before.get("stage")}
    [listed] = [r for r in deals_json(data, capsys) if r["id"] == euro.id]
    assert listed["pending"] is True


@pytest.mark.parametrize("values", [("value=abc",), ("name=Still fine", "value=abc")])
def test_a_refused_value_has_the_tables_message_and_queues_nothing(
    data: Path, store: Store, capsys: Capture, values: tuple[str, ...]
) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    before, count = store.outbox.all(), store.records.count("deals")
    for argv in (("records", "set", "deals", deal.id, *values), ("records", "new", "deals", *values)):
        code, out, err = crmdesk(data, capsys, *argv)
        assert (code, out) == (1, "")
        assert err.strip() == "crmdesk: Value “abc” is not an amount like 1,200.50 or EUR 99"
    assert store.outbox.all() == before
    assert store.records.count("deals") == count and store.records.get(deal.id) == deal


def test_new_takes_titles_and_names_for_references_and_prints_the_local_id(
    data: Path, store: Store, capsys: Capture
) -> None:
    company = store.records.rows(store.records.query_ids("companies"))[0]
    people = store.records.rows(store.records.query_ids("people"))[:2]
    member = store.schema.members()[0]
    code, out, err = crmdesk(data, capsys, "records", "new", "deals", "name=Scripted deal", "value=EUR 1,000",
                             "stage=Lead", f"company={company.title}", f"owner={member.name}",
                             f"associated_people={people[0].title}; {people[1].id}")
    assert code == 0, err
    new_id = out.strip()
    assert is_local_id(new_id) and out == new_id + "\n"
    row = store.records.get(new_id)
    assert row is not None
    assert row.values["company"] == company.id and row.values["owner"] == member.actor_id
    assert row.values["associated_people"] == [people[0].id, people[1].id]
    assert row.values["value"] == {"amount": 1000, "currency": "EUR"}
    (mutation,) = store.outbox.for_target(new_id, entity=EntityKind.RECORD)
    assert mutation.op is MutationOp.CREATE and mutation.changes == row.values


def test_a_title_two_records_share_is_refused(data: Path, store: Store, capsys: Capture) -> None:
    for _ in range(2):
        store.edits.create_record("companies", {"name": "Twin Corp"})
    before = store.outbox.all()
    code, _, err = crmdesk(data, capsys, "records", "new", "deals", "name=X", "company=Twin Corp")
    assert code == 1 and "2 records are called “Twin Corp”: name one by its id" in err
    code, _, err = crmdesk(data, capsys, "records", "new", "deals", "name=X", "company=Nobody Inc")
    assert code == 1 and "Company no record is called “Nobody Inc”" in err
    assert store.outbox.all() == before


def test_delete_removes_the_record_and_queues_its_deletion(data: Path, store: Store, capsys: Capture) -> None:
    person = store.records.rows(store.records.query_ids("people"))[3]
    assert crmdesk(data, capsys, "records", "delete", "people", person.id) == (0, "", "")
    assert store.records.get(person.id) is None
    (mutation,) = [m for m in store.outbox.all() if m.target_id == person.id]
    assert mutation.op is MutationOp.DELETE and mutation.base == person.values


def test_notes_add_queues_a_markdown_note(data: Path, store: Store, capsys: Capture, tmp_path: Path) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[1]
    text = "# Call\n\nThey want **more** seats.\n"
    (tmp_path / "call.md").write_text(text, encoding="utf-8")
    code, out, err = crmdesk(data, capsys, "notes", "add", "deals", deal.id, "--title", "Kick-off",
                             "--content-file", str(tmp_path / "call.md"))
    assert code == 0, err
    note = store.notes.get(out.strip())
    assert note is not None and (note.record_id, note.title, note.content) == (deal.id, "Kick-off", text)
    (mutation,) = store.outbox.for_target(note.id, entity=EntityKind.NOTE)
    assert (mutation.entity, mutation.op) == (EntityKind.NOTE, MutationOp.CREATE)
    code, _, err = crmdesk(data, capsys, "notes", "add", "deals", deal.id, "--title", "X",
                           "--content-file", str(tmp_path / "missing.md"))
    assert code == 1 and "Could not read" in err


def test_several_workspaces_without_a_last_one_must_be_named(data: Path, store: Store, capsys: Capture) -> None:
    shutil.copy(store.path, store.path.with_name("second.sqlite"))
    code, _, err = crmdesk(data, capsys, "records", "list", "deals")
    assert code == 1 and "holds 2 workspaces and none was used last: name one with --workspace ID" in err
    code, out, err = crmdesk(data, capsys, "records", "list", "deals", "--workspace", "second")
    assert code == 0 and len(out.splitlines()) == 1 + store.records.count("deals"), err
