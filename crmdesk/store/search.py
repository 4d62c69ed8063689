"""Full-text search over record titles, text-like values, notes and tasks (FTS5).

Ranked for someone looking for a name: a title equal to what was typed comes first, then titles
that start with it, then titles whose words start with the typed words (each tier in FTS5's bm25
order; newest first when a short prefix matches thousands of titles), then what was found only
in other fields, newest first. When the plain search finds few records, title words a typo away
are tried too ("wlson" finds Wilson Inc), listed after.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from crmdesk.store.schema_steps import NOTE_ROWID_OFFSET, TASK_ROWID_OFFSET
from crmdesk.store.search_typos import TitleVocabulary

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 8
#: FTS5 rows read per search before ranking: enough that an exact title is not cut by bm25's order.
CANDIDATES = 200
#: Title matches bm25 ranks (each ~1.5 µs: a few ms); more ("ma" at 1,000,000 records: a tenth of
#: them) are read tier by tier instead, newest first within each (``SearchIndex._titles``).
RANK_AT_MOST = 3_000
#: Fewer record hits than this and typo corrections are tried.
TYPO_BELOW = 5
#: ``title_tier`` of a hit whose title does not hold what was typed.
OTHER_TIER = 4


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "record", "note" or "task"
    id: str  # the record, note or task id
    title: str
    snippet: str
    object_slug: str | None = None
    record_id: str | None = None  # for notes: the record they belong to


def fts_query(text: str) -> str | None:
    """User text → an FTS5 query: every word must match as a prefix, in any column.

    Words are quoted, so FTS5 syntax characters a user types (quotes, ``*``,
    ``AND``, ``-``) are searched for rather than interpreted.
    """
    tokens = _TOKEN.findall(text.lower())[:MAX_TOKENS]
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


def _title_starts(text: str) -> tuple[str, str]:
    """FTS5 queries for titles that start with the typed words: as whole words (title tiers 0
    and 1), and with the last word a prefix (tiers 0 to 2). ``^`` anchors a phrase at the
    column's first word."""
    phrase = " ".join(_TOKEN.findall(text.lower())[:MAX_TOKENS])
    return f'title : ^"{phrase}"', f'title : ^"{phrase}"*'


def fold(text: str) -> str:
    """Case and accents away, as the index's ``remove_diacritics`` tokenizer sees words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def title_tier(query: str, title: str) -> int:
    """0: the title is what was typed; 1: it starts with it as whole words ("Pine Ridge" for
    "pine"); 2: it starts with it ("Pinewood"); 3: each typed word starts a word of the title;
    4: found elsewhere (a value, a note's text)."""
    return _tier(typed_words(query), title)


def typed_words(query: str) -> str:
    """The typed words, folded and space-joined, as ``title_tier`` compares them."""
    return " ".join(_TOKEN.findall(fold(query)))


def _tier(typed: str, title: str) -> int:
    """``title_tier`` with the query folded once (a search ranks hundreds of titles against it)."""
    if not typed:
        return OTHER_TIER
    folded = " ".join(_TOKEN.findall(fold(title)))
    if folded == typed:
        return 0
    if folded.startswith(typed + " "):
        return 1
    if folded.startswith(typed):
        return 2
    words = folded.split()
    if all(any(word.startswith(t) for word in words) for t in typed.split()):
        return 3
    return OTHER_TIER


class SearchIndex:
    def __init__(self, conn: sqlite3.Connection, *, rank_at_most: int = RANK_AT_MOST) -> None:
        self._conn = conn
        self._vocabulary = TitleVocabulary(conn)
        self._rank_at_most = rank_at_most

    def put(self, rowid: int, title: str, body: str, *, replace: bool = True) -> None:
        if replace:
            self._conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        self._conn.execute(
            "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body)
        )

    def put_many(self, rows: list[tuple[int, str, str]]) -> None:
        self._conn.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", rows)

    def delete(self, rowid: int) -> None:
        self._conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        query = fts_query(text)
        if query is None:
            return []
        # Ranked by how the title holds what was typed (stable: each tier keeps the order it was
        # read in: bm25's, or newest first); only the rows kept are looked up. One query: snippets
        # asked for separately cost far more.
        wanted = max(limit, CANDIDATES)
        # Titles first: a title tier (0-3) needs every typed word to start a title word, which is
        # what a title-column match finds. bm25 scores every row a query matches, so a short prefix
        # ("r": a third of the index) costs tens of ms over all columns; over titles alone it ranks
        # far fewer rows. Only when the titles cannot fill the page are the other columns searched.
        candidates = self._titles(text, query, wanted)
        if len(candidates) < limit:
            # The rest newest first, not by bm25: a word of a description is in a sixth of the rows
            # and bm25 would score each (~1.5 µs a row: 300 ms at 1,000,000 records) to keep a page.
            # The newest-first read stops after the page (title matches again among it are skipped).
            titled = {rowid for rowid, _title, _snippet in candidates}
            candidates += [c for c in self._newest_kept(query, limit + len(titled)) if c[0] not in titled]
        typed = typed_words(text)
        ranked = sorted(enumerate(candidates), key=lambda pair: self._rank(typed, pair[1][:2], pair[0]))
        hits = self._found([(rowid, snippet) for _, (rowid, _title, snippet) in ranked[:limit]])
        if sum(1 for hit in hits if hit.kind == "record") < TYPO_BELOW:
            seen = {(hit.kind, hit.id) for hit in hits}
            hits += [hit for hit in self._typo_hits(text, limit) if (hit.kind, hit.id) not in seen]
        return hits[:limit]

    def _candidates(self, query: str, limit: int) -> list[tuple[int, str, str]]:
        """(rowid, title, snippet) of the best ``limit`` matches by bm25."""
        return self._conn.execute(
            "SELECT rowid, title, snippet(search_index, 1, '', '', '…', 8) FROM search_index"
            " WHERE search_index MATCH ? ORDER BY bm25(search_index, 10.0, 1.0) LIMIT ?",
            (query, limit),
        ).fetchall()

    def _titles(self, text: str, query: str, wanted: int) -> list[tuple[int, str, str]]:
        """Title matches: the best ``wanted`` by bm25 when there are few enough to rank. Else (a
        short prefix over a big workspace) they are read by where the typed words stand in the
        title, newest first, ``wanted`` at a time: the titles starting with the typed words (and,
        when those are too many, first the titles starting with them as whole words), then any
        title match if the page is not full. Nothing of a better tier is left unread for a worse
        one; each read is one pass over the index's list for the words (a few ms at 1,000,000)."""
        titles = f"title : ({query})"
        counted = self._conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT ?)",
            (titles, self._rank_at_most),
        ).fetchone()[0]
        if counted < self._rank_at_most:
            return self._candidates(titles, wanted)
        as_words, starting = _title_starts(text)
        found = {row[0]: row for row in self._newest_kept(starting, wanted)}
        if len(found) >= wanted:  # cut: the tiers 0 and 1 among them may not all be there
            found = {row[0]: row for row in self._newest_kept(as_words, wanted)} | found
        if len(found) < wanted:
            for row in self._newest_kept(titles, wanted):
                found.setdefault(row[0], row)
        return list(found.values())

    def _newest_kept(self, query: str, wanted: int) -> list[tuple[int, str, str]]:
        """The newest ``wanted`` matches of ``query``; when notes or tasks (numbered above every
        record) are among a cut list, the newest ``wanted`` records too: within a tier a record
        ranks before a note or task, so none may be cut for them."""
        rows = self._newest(query, wanted)
        if len(rows) >= wanted and rows[0][0] >= NOTE_ROWID_OFFSET:
            rows = self._newest(query, wanted, below=NOTE_ROWID_OFFSET) + [r for r in rows if r[0] >= NOTE_ROWID_OFFSET]
        return rows

    def _newest(self, query: str, limit: int, below: int = 1 << 62) -> list[tuple[int, str, str]]:
        """(rowid, title, snippet) of the last ``limit`` matches by rowid (rowid < ``below``): the
        records cached last first (a record keeps its rowid when updated). Tasks and notes are
        numbered above every record (``NOTE_ROWID_OFFSET``), so unbounded they come before the
        records, each newest first. FTS5 reads its lists backwards and stops after ``limit`` rows
        (a prefix longer than the index's 2- and 3-letter ones is merged from its words first)."""
        return self._conn.execute(
            "SELECT rowid, title, snippet(search_index, 1, '', '', '…', 8) FROM search_index"
            " WHERE search_index MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
            (query, below, limit),
        ).fetchall()

    def _matching(self, query: str, limit: int) -> list[SearchHit]:
        return self._found([(rowid, snippet) for rowid, _title, snippet in self._candidates(query, limit)])

    def _found(self, rows: list[tuple[int, str]]) -> list[SearchHit]:
        return [hit for hit in (self._hit(rowid, snippet) for rowid, snippet in rows) if hit is not None]

    @staticmethod
    def _rank(typed: str, candidate: tuple[int, str], position: int) -> tuple[int, int, int]:
        rowid, title = candidate
        tier = _tier(typed, title)
        # In every tier a record comes before a note or task (the rest, newest first, reads
        # tasks and notes first: they are numbered above every record).
        is_record = rowid < NOTE_ROWID_OFFSET
        return tier, (0 if is_record else 1), position

    def _typo_hits(self, text: str, limit: int) -> list[SearchHit]:
        """What the typed words find when each may also be one of its closest title-word
        corrections: the closest corrections' hits first (a rarer word a letter further away
        would otherwise win on bm25 alone)."""
        words = _TOKEN.findall(fold(text))[:MAX_TOKENS]
        corrections = [self._vocabulary.corrections(word) for word in words]
        levels = sorted({cost for found in corrections for cost in found.values()})
        hits: list[SearchHit] = []
        seen: set[tuple[str, str]] = set()
        for level in levels:
            groups = [
                "(" + " OR ".join([f'"{word}"*', *(f'"{t}"' for t, cost in found.items() if cost <= level)]) + ")"
                for word, found in zip(words, corrections, strict=True)
            ]
            for hit in self._matching(" AND ".join(groups), limit):
                if (hit.kind, hit.id) not in seen:
                    seen.add((hit.kind, hit.id))
                    hits.append(hit)
            if len(hits) >= limit:
                break
        return hits

    def _hit(self, rowid: int, snippet: str) -> SearchHit | None:
        if rowid >= TASK_ROWID_OFFSET:
            row = self._conn.execute(
                "SELECT id, content FROM tasks WHERE rowid = ?", (rowid - TASK_ROWID_OFFSET,)
            ).fetchone()
            return SearchHit("task", row[0], row[1], snippet) if row else None
        if rowid >= NOTE_ROWID_OFFSET:
            row = self._conn.execute(
                "SELECT id, title, record_id FROM notes WHERE rowid = ?", (rowid - NOTE_ROWID_OFFSET,)
            ).fetchone()
            return SearchHit("note", row[0], row[1], snippet, record_id=row[2]) if row else None
        row = self._conn.execute(
            "SELECT id, title, object_slug FROM records WHERE rowid = ?", (rowid,)
        ).fetchone()
        return SearchHit("record", row[0], row[1], snippet, object_slug=row[2]) if row else None
