"""Issue 2: the offline store over a 100,000-record object with 15 attributes.

Figures, each beside a baseline measured in this run:
- bulk load vs raw ``sqlite3.executemany`` of the very same rows into the same schema;
- ordered ids sorted by a text, a number and a date attribute, and a ``contains``
  filter, vs the same ORDER BY / LIKE over a flat one-column-per-attribute table;
- ``search`` p95 over 200 queries vs the bare FTS5 MATCH;
- peak RSS.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure, Report, median_ms, peak_rss_mib, percentile
from benchmarks.store_dataset import BENCH_OBJECT, FIRST, LAST, TITLES, WORDS, make_records
from crmdesk.model import Condition, FilterGroup, Operator, Sort
from crmdesk.store import Store
from crmdesk.store.value_index import index_rows, search_body

COUNT = 100_000
BATCH = 1_000


def _load(store: Store, records: list) -> float:  # type: ignore[type-arg]
    obj = store.schema.get_object(BENCH_OBJECT.slug)
    assert obj is not None
    start = time.perf_counter()
    for offset in range(0, len(records), BATCH):
        with store.write():
            store.records.put_many(obj, records[offset : offset + BATCH])
    return time.perf_counter() - start


def _raw_rows(store: Store, records: list) -> tuple[list, list, list]:  # type: ignore[type-arg]
    """The exact rows put_many writes, computed outside the timing."""
    import json

    from crmdesk.model import record_title

    obj = store.schema.get_object(BENCH_OBJECT.slug)
    assert obj is not None
    attr_ids = [(a, store.schema.attribute_id("object", obj.slug, a.slug)) for a in obj.attributes]
    record_rows, value_rows, search_rows = [], [], []
    for rowid, record in enumerate(records, start=1):
        title = record_title(obj, record.values)
        record_rows.append((rowid, record.id, obj.slug, title, title.lower(), json.dumps(record.values),
                            record.created_at, record.updated_at, None, record.updated_at))
        for attr, attr_id in attr_ids:
            if record.values.get(attr.slug) is not None:
                value_rows.extend(index_rows(attr_id, attr, rowid, record.values[attr.slug]))  # type: ignore[arg-type]
        search_rows.append((rowid, title, search_body(obj.attributes, record.values, "name")))
    return record_rows, value_rows, search_rows


def _raw_load(path: Path, rows: tuple[list, list, list]) -> float:  # type: ignore[type-arg]
    with Store.open(path) as store:
        with store.write():
            store.schema.save_object(BENCH_OBJECT)
        conn = store.conn
        record_rows, value_rows, search_rows = rows
        value_batches: list[list] = [[] for _ in range(0, len(record_rows), BATCH)]  # type: ignore[type-arg]
        for row in value_rows:
            value_batches[(row[1] - 1) // BATCH].append(row)
        start = time.perf_counter()
        for offset in range(0, len(record_rows), BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO records (rowid, id, object_slug, title, title_fold, values_json,"
                             " created_at, updated_at, created_by, server_updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             record_rows[offset : offset + BATCH])
            conn.executemany("INSERT INTO record_values VALUES (?,?,?,?,?,?)", value_batches[offset // BATCH])
            conn.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?,?,?)",
                             search_rows[offset : offset + BATCH])
            conn.execute("COMMIT")
        return time.perf_counter() - start


def _flat_table(store: Store, records: list) -> sqlite3.Connection:  # type: ignore[type-arg]
    flat = sqlite3.connect(":memory:")
    flat.execute("CREATE TABLE flat (rowid INTEGER PRIMARY KEY, job_title TEXT, employees REAL, close_date TEXT)")
    flat.executemany("INSERT INTO flat VALUES (?, ?, ?, ?)", [
        (i, r.values.get("job_title"), r.values["employees"], r.values["close_date"]) for i, r in enumerate(records)
    ])
    return flat


def run(report: Report) -> None:
    records = make_records(COUNT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        store = Store.open(path)
        with store.write():
            store.schema.save_object(BENCH_OBJECT)
        rows = _raw_rows(store, records)
        raw = _raw_load(Path(folder) / "raw.sqlite", rows)
        del rows
        load = _load(store, records)
        report.add(Figure("store.bulk_load_100k", load, "s", raw, "raw executemany of the same rows",
                          "≤ 2×", f"{COUNT:,} records × 15 attributes, batches of {BATCH}"))

        flat = _flat_table(store, records)
        slug = BENCH_OBJECT.slug
        for attribute, column in (("job_title", "job_title"), ("employees", "employees"),
                                  ("close_date", "close_date")):
            ids_ms = median_ms(lambda a=attribute: store.records.query_ids(slug, None, [Sort(a)]))
            base_ms = median_ms(lambda c=column: flat.execute(
                f"SELECT rowid FROM flat ORDER BY {c} IS NULL, {c} COLLATE NOCASE").fetchall())
            assert len(store.records.query_ids(slug, None, [Sort(attribute)])) == COUNT
            report.add(Figure(f"store.sort_ids_by_{attribute}", ids_ms, "ms", base_ms, "flat-table ORDER BY",
                              "≤ 150 ms", "median of 5, all 100,000 ids"))
        contains = FilterGroup("and", (Condition("job_title", Operator.CONTAINS, "eng"),))
        filter_ms = median_ms(lambda: store.records.query_ids(slug, contains))
        base_ms = median_ms(lambda: flat.execute(
            "SELECT rowid FROM flat WHERE job_title LIKE '%eng%' ORDER BY rowid DESC").fetchall())
        matched = len(store.records.query_ids(slug, contains))
        report.add(Figure("store.filter_contains", filter_ms, "ms", base_ms, "flat-table LIKE", "≤ 150 ms",
                          f"job_title contains 'eng': {matched:,} matches, median of 5"))

        rng = random.Random(3)
        vocabulary = FIRST + LAST + TITLES + WORDS
        queries = []
        for _ in range(200):
            word = rng.choice(vocabulary).lower().split()[0]
            queries.append(word[: rng.randint(2, len(word))])
        samples, raw_samples = [], []
        for query in queries:
            start = time.perf_counter()
            store.search(query)
            samples.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            store.conn.execute("SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 50",
                               (f'"{query}"*',)).fetchall()
            raw_samples.append((time.perf_counter() - start) * 1000)
        report.add(Figure("store.search_p95", percentile(samples, 95), "ms", percentile(raw_samples, 95),
                          "bare FTS5 MATCH, unranked", "≤ 20 ms", "200 prefix queries of 2+ characters"))
        report.add(Figure("store.peak_rss", peak_rss_mib(), "MiB", None, "", "", "whole benchmark process"))
        store.close()
