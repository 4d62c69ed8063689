"""Search ranks record titles as typed first (exact, starting with it, words starting with the
typed words, then the rest) and tolerates a typo in a title word, without a table of its own."""

from __future__ import annotations

import pytest

from crmdesk.model import Note
from crmdesk.store import Store
from crmdesk.store.search import RANK_AT_MOST, SearchIndex, title_tier

from ._support import COMPANIES, PEOPLE, company, person


def titles(store: Store, text: str) -> list[str]:
    return [hit.title for hit in store.search(text)]


def test_tiers() -> None:
    assert [title_tier("pine", t) for t in ("Pine", "PINE ridge", "Pinewood", "Old Pine", "Harbour")] == [0, 1, 2, 3, 4]
    assert title_tier("jose nunez", "José Núñez") == 0
    assert title_tier("  ", "Pine") == 4


def test_exact_then_prefix_then_words_then_values(store: Store) -> None:
    with store.write():
        store.records.put_many(COMPANIES, [
            company("c1", "Pinewood Pinecrest Pineview"), company("c2", "Old Pine Pinery"),
            company("c3", "Pine Ridge"), company("c4", "Pine"),
            company("c5", "Harbour", description="pine pine pinewood"),
        ])
    assert titles(store, "pine") == ["Pine", "Pine Ridge", "Pinewood Pinecrest Pineview", "Old Pine Pinery", "Harbour"]


def test_a_typo_in_a_title_word(store: Store) -> None:
    with store.write():
        store.records.put_many(COMPANIES, [company("c-w", "Wilson Inc"), company("c-o", "Olson Ltd")])
        store.records.put(PEOPLE, person("p-w", "Mary", "Wilson"))
    assert titles(store, "wlson")[:2] == ["Wilson Inc", "Mary Wilson"]  # Wilson before Olson: same first letter
    assert "Olson Ltd" in titles(store, "wlson")
    assert titles(store, "wlson inc") == ["Wilson Inc"]
    assert titles(store, "wlso")[:2] == ["Wilson Inc", "Mary Wilson"]
    assert titles(store, "wil") == ["Wilson Inc", "Mary Wilson"]  # short: no guessing
    assert titles(store, "zzzzzz") == []


def test_the_typo_words_follow_changes(store: Store) -> None:
    assert titles(store, "quarystone") == []
    with store.write():
        store.records.put(COMPANIES, company("c-q", "Quarrystone"))
    assert titles(store, "quarystone") == ["Quarrystone"]
    with Store.open(store.path) as other, other.write():  # another connection (the sync worker's) writes
        other.records.put(COMPANIES, company("c-b", "Bellweather"))
    assert titles(store, "belweather") == ["Bellweather"]


def test_matches_only_in_other_fields_come_newest_first(store: Store) -> None:
    # bm25 would put c-1 first (the word three times in a short text) and c-4 last (once, in a long one).
    descriptions = ["renewal renewal renewal", "renewal due renewal", "the renewal is due in spring",
                    "a long account history that mentions the renewal once among many other words"]
    with store.write():
        store.records.put(COMPANIES, company("c-title", "Renewal Partners"))
        for number, description in enumerate(descriptions, start=1):
            store.records.put(COMPANIES, company(f"c-{number}", f"Firm {number}", description=description))
    assert [hit.id for hit in store.search("renewal")] == ["c-title", "c-4", "c-3", "c-2", "c-1"]
    assert [hit.id for hit in store.search("renewal", limit=3)] == ["c-title", "c-4", "c-3"]


@pytest.mark.parametrize("rank_at_most", [RANK_AT_MOST, 1])
def test_the_tiers_hold_when_too_many_titles_match_to_rank(store: Store, rank_at_most: int) -> None:
    """A short prefix over a big workspace matches more titles than bm25 can rank in time: they are
    read tier by tier instead (``rank_at_most=1`` takes that path here), in the same tier order."""
    with store.write():
        store.records.put_many(COMPANIES, [
            company("c1", "Pinewood"), company("c2", "Old Pine"), company("c3", "Pine Ridge"),
            company("c4", "Pine"), company("c5", "Pinecrest"), company("c6", "Harbour", description="pine"),
        ])
        store.notes.put(Note("n1", "c6", "Pine notes", "on the harbour"))
    found = [hit.title for hit in SearchIndex(store.conn, rank_at_most=rank_at_most).search("pine")]
    assert [title_tier("pine", title) for title in found] == [0, 1, 1, 2, 2, 3, 4]
    assert found[:3] == ["Pine", "Pine Ridge", "Pine notes"]  # a record before a note of its tier
    if rank_at_most == 1:
        assert found[3:5] == ["Pinecrest", "Pinewood"]  # unranked: newest first within a tier
    assert [hit.title for hit in SearchIndex(store.conn, rank_at_most=rank_at_most).search("pine", limit=2)] == [
        "Pine", "Pine Ridge"]


def test_a_cut_read_of_many_titles_keeps_the_better_tiers_and_records_first(store: Store) -> None:
    """More titles start with "pine" than are read at once (``CANDIDATES``); the oldest record is
    the only one of tier 1 and the newest titles are notes: neither may be cut from the page."""
    with store.write():
        store.records.put(COMPANIES, company("c-old", "Pine Ridge"))
        store.records.put_many(COMPANIES, [company(f"c-{n}", f"Pinewood {n}") for n in range(210)])
        store.notes.put(Note("n-tier1", "c-old", "Pine notes", "about the ridge"))
        for n in range(210):
            store.notes.put(Note(f"n-{n}", "c-old", f"Pinecone {n}", "a note"))
    found = [hit.title for hit in SearchIndex(store.conn, rank_at_most=1).search("pine", limit=5)]
    assert found == ["Pine Ridge", "Pine notes", "Pinewood 209", "Pinewood 208", "Pinewood 207"]


def test_a_record_found_in_its_values_comes_before_newer_notes_found_in_theirs(store: Store) -> None:
    """A person found by an address or number is not hidden behind notes that mention it, newer
    though they are (notes and tasks are numbered above every record)."""
    with store.write():
        store.records.put(COMPANIES, company("c-zeta", "Harbour", description="zetacorp account"))
        for n in range(60):
            store.notes.put(Note(f"n-{n}", "c-zeta", f"Call {n}", "asked about zetacorp pricing"))
    hits = store.search("zetacorp", limit=5)
    assert hits[0].id == "c-zeta"
    assert [hit.kind for hit in hits[1:]] == ["note"] * 4
