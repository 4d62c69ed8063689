"""Full-text search: records by title and text values, notes, tasks; ranked; user text
is searched literally; diacritics fold; the index follows edits and deletions."""

from __future__ import annotations

import pytest

from crmdesk.model import Note, Task
from crmdesk.store import Store

from ._support import COMPANIES, PEOPLE, company, person


@pytest.fixture
def loaded(store: Store) -> Store:
    with store.write():
        store.records.put_many(PEOPLE, [
            person("p-jose", "José", "Ñúñez", emails=["jose@acme.io"], job_title="Welder", site="forge.dev"),
            person("p-ada", "Ada", "Lovelace", job_title="Analyst of engines", tags=["quotes \"and\" stars*"]),
            person("p-bob", "Bob", "Builder", job_title="Talks about Lovelace a lot"),
        ])
        store.records.put(COMPANIES, company("c-acme", "Acme (Holdings) AND Co", domains=["acme.io"],
                                             description="NEAR the river - ^caret"))
        store.notes.put(Note("n1", "p-ada", "Engine visit", "She explained the analytical engine"))
        store.tasks.put(Task("t1", "Send Ada the punch cards", record_ids=["p-ada"]))
    return store


def hits(store: Store, text: str) -> list[tuple[str, str]]:
    return [(h.kind, h.id) for h in store.search(text)]


def test_records_by_title_prefix_and_text_values(loaded: Store) -> None:
    assert hits(loaded, "lovel") == [("record", "p-ada"), ("record", "p-bob")]  # title match first
    assert hits(loaded, "welder") == [("record", "p-jose")]
    assert hits(loaded, "jose@acme.io")[0] == ("record", "p-jose")
    assert ("record", "c-acme") in hits(loaded, "acme.io")
    assert hits(loaded, "forge.dev") == [("record", "p-jose")]
    assert hits(loaded, "ada lovelace") == [("record", "p-ada")]
    hit = loaded.search("welder")[0]
    assert (hit.title, hit.object_slug) == ("José Ñúñez", "people")


def test_notes_and_tasks(loaded: Store) -> None:
    found = loaded.search("analytical")
    assert [(h.kind, h.id, h.record_id, h.title) for h in found] == [("note", "n1", "p-ada", "Engine visit")]
    assert hits(loaded, "punch") == [("task", "t1")]
    assert set(hits(loaded, "engine")) == {("note", "n1"), ("record", "p-ada")}
    assert hits(loaded, "engine visit")[0] == ("note", "n1")


def test_title_match_ranks_above_body_match(loaded: Store) -> None:
    with loaded.write():
        loaded.records.put(PEOPLE, person("p-zz", "Zed", job_title="Works with Welder people all day long"))
        loaded.records.put(PEOPLE, person("p-welder", "Wendy", "Welder"))
    assert hits(loaded, "welder")[0] == ("record", "p-welder")


@pytest.mark.parametrize(
    "text",
    ['"', '""', "'", "*", "stars*", '"and"', "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "a OR b", "-", "-river",
     "(", ")", "(holdings)", "^", "^caret", "col:umn", "title:acme", "+", "{}", "[", "a AND", "\\", "%", "_", ""],
)
def test_syntax_characters_never_raise(loaded: Store, text: str) -> None:
    loaded.search(text)


def test_syntax_words_are_searched_literally(loaded: Store) -> None:
    assert hits(loaded, "AND Co") == [("record", "c-acme")]
    assert hits(loaded, "near river") == [("record", "c-acme")]
    assert hits(loaded, "(holdings)") == [("record", "c-acme")]
    assert hits(loaded, "^caret") == [("record", "c-acme")]
    assert hits(loaded, '"and" stars*') == [("record", "p-ada")]
    assert hits(loaded, "-river") == [("record", "c-acme")]
    assert hits(loaded, "   ") == []


def test_diacritics_fold_both_ways(loaded: Store) -> None:
    assert hits(loaded, "jose") == [("record", "p-jose")]
    assert hits(loaded, "JOSÉ") == [("record", "p-jose")]
    assert hits(loaded, "nunez") == [("record", "p-jose")]


def test_index_follows_updates_and_deletes(loaded: Store) -> None:
    loaded.edits.update_record("p-jose", {"job_title": "Blacksmith", "name": "Pepe Núñez"})
    assert hits(loaded, "welder") == []
    assert hits(loaded, "blacksmith") == [("record", "p-jose")]
    assert hits(loaded, "jose") == [("record", "p-jose")]  # still in the email address
    assert hits(loaded, "pepe") == [("record", "p-jose")]
    loaded.edits.delete_record("p-jose")
    assert hits(loaded, "pepe") == [] and hits(loaded, "blacksmith") == []
    loaded.edits.update_note("n1", content="Nothing about machines")
    assert hits(loaded, "analytical") == []
    loaded.edits.delete_note("n1")
    assert hits(loaded, "visit") == []
    with loaded.write():
        loaded.tasks.delete("t1")
    assert hits(loaded, "punch") == []


def test_limit(loaded: Store) -> None:
    with loaded.write():
        loaded.records.put_many(PEOPLE, [person(f"p{i}", f"Many{i}") for i in range(80)])
    assert len(loaded.search("many")) == 50
    assert len(loaded.search("many", limit=5)) == 5
