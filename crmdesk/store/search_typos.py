"""Typo tolerance for search: the words of titles close to a word the user typed ("wlson" → "wilson").

The words come from the full-text index itself (an ``fts5vocab`` table in the connection's
``temp`` schema: nothing is added to the workspace file), read once and kept until the file
changes — on this connection or another (``PRAGMA data_version``). Distances are computed by
rapidfuzz; over the ~1,600 distinct title words of 100,000 generated records a look-up costs
well under a millisecond, and reading the words about 30 ms once per change of the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

#: Words shorter than this are not corrected: too many short words are one edit apart.
MIN_WORD = 4
#: At most this many corrections per typed word, closest first.
MAX_CORRECTIONS = 8
_VOCAB_TABLE = "temp.crmdesk_title_terms"


def allowed_edits(word: str) -> int:
    """One typo in a short word, two in a long one."""
    return 2 if len(word) >= 8 else 1


@dataclass
class TitleVocabulary:
    """The distinct words of every title in the search index, kept per connection."""

    conn: sqlite3.Connection
    _terms: list[str] = field(default_factory=list)
    _version: tuple[int, int] | None = None

    def _file_version(self) -> tuple[int, int]:
        # data_version moves when another connection commits; total_changes when this one writes.
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def terms(self) -> list[str]:
        version = self._file_version()
        if version != self._version:
            self.conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCAB_TABLE} USING fts5vocab(main, search_index, 'col')"
            )
            self._terms = [row[0] for row in self.conn.execute(
                f"SELECT term FROM {_VOCAB_TABLE} WHERE col = 'title'")]
            self._version = self._file_version()
        return self._terms

    def corrections(self, word: str) -> dict[str, float]:
        """Title words within a typo or two of ``word`` (whole, or as the start of a longer word being
        typed), each with a cost: the edits, plus half an edit when the first letter differs — a
        typo is rarely the first letter, so "wlson" means Wilson before Olson."""
        if len(word) < MIN_WORD:
            return {}
        # Imported here: only a search that finds too few hits needs it (~15 ms at start-up otherwise).
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        terms = self.terms()
        limit = allowed_edits(word)
        found: dict[str, float] = {}
        # Whole words, then the same length of longer words ("wlso" while typing "wilson").
        for length in (None, len(word), len(word) + 1):
            choices = terms if length is None else [term[:length] for term in terms]
            for _choice, edits, index in process.extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=MAX_CORRECTIONS * 4
            ):
                term = terms[index]
                if term == word or (length is not None and term.startswith(word)):
                    continue  # not a typo: the plain search finds it already
                cost = edits + (0.5 if term[:1] != word[:1] else 0.0)
                found[term] = min(cost, found.get(term, cost))
        closest = sorted(found.items(), key=lambda item: (item[1], item[0]))[:MAX_CORRECTIONS]
        return dict(closest)
