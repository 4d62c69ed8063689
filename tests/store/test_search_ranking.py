"""Search ranks record titles as typed first (exact, starting with it, words starting with the
typed words, then the rest) and tolerates a typo in a title word, without a table of its own."""

from __future__ import annotations

from crmdesk.store import Store
from crmdesk.store.search import title_tier

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
