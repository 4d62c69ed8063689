"""Issue 2: the offline store over a 100,000-record object with 15 attributes.

Figures, each beside a baseline measured in this run:
- bulk load vs raw ``sqlite3.executemany`` of the very same rows into the same schema;
- ordered ids sorted by a text, a number and a date attribute, and a ``contains``
  filter, vs the same ORDER BY / LIKE over a flat one-column-per-attribute table;
- ``search`` p95 over 200 queries vs the bare FTS5 MATCH;
- peak RSS;
- a CSV import of the same 100,000 records (read, plan, write) vs their bulk load.

The CSV import figure alone (it makes its own records and stores), while working on it:
  PYTHONPATH=. .venv/bin/python -c 'import benchmarks.bench_store as b; b.run_csv_import(b.Report())'
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, Report, median_ms, peak_rss_mib, percentile
from benchmarks.store_dataset import BENCH_OBJECT, FIRST, LAST, TITLES, WORDS, make_records
from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, Operator, Record, Sort
from crmdesk.model.csv_text import CsvTable, read_csv
from crmdesk.model.values import elements, validate_value
from crmdesk.store import Store
from crmdesk.store.csv_import import CREATE, Planner, apply_plan, auto_map
from crmdesk.store.csv_import import WRITE_BATCH as IMPORT_BATCH
from crmdesk.store.value_index import index_rows, search_body

COUNT = 100_000
BATCH = 1_000
#: Import/bulk-load pairs of the CSV figure (the order alternates), and the records whose parsed
#: values are checked against the dataset's before anything is timed.
CSV_PAIRS = 3
CSV_SAMPLE = 200


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
    # After the peak RSS: the figures above keep measuring the store alone.
    run_csv_import(report, records)


# -- CSV import ----------------------------------------------------------------------------------


def _plain_number(value: Any) -> str:
    """As a spreadsheet writes a number: positional, no grouping, every digit a float holds."""
    return format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)


def _cell_text(attr: AttributeDef, item: Any) -> str:
    """One element of a canonical value as a spreadsheet cell holds it (``ui/csv_export`` writes
    the same): options by title, numbers plain, checkboxes true/false, dates, times, phone numbers
    and the rest as stored (ISO 8601, E.164), an address as its parts joined with commas."""
    if attr.type in (AttributeType.SELECT, AttributeType.STATUS):
        return next(option.title for option in attr.options if option.id == item)
    if attr.type is AttributeType.CHECKBOX:
        return "true" if item else "false"
    if attr.type in (AttributeType.NUMBER, AttributeType.RATING):
        return _plain_number(item)
    if attr.type is AttributeType.LOCATION:
        return ", ".join(item.values())
    assert isinstance(item, str), (attr.slug, item)
    return item


def _columns(attrs: list[AttributeDef]) -> list[str]:
    """A column per attribute, by its title; a name as first and last name, an amount as the number
    and its "… currency" code beside it."""
    headers: list[str] = []
    for attr in attrs:
        if attr.type is AttributeType.PERSONAL_NAME:
            headers += ["First name", "Last name"]
        elif attr.type is AttributeType.CURRENCY:
            headers += [attr.title, f"{attr.title} currency"]
        else:
            headers.append(attr.title)
    return headers


def _cells(attrs: list[AttributeDef], values: dict[str, Any]) -> list[str]:
    cells: list[str] = []
    for attr in attrs:
        value = values.get(attr.slug)
        if attr.type is AttributeType.PERSONAL_NAME:
            cells += [value.get("first_name", ""), value.get("last_name", "")] if value else ["", ""]
        elif attr.type is AttributeType.CURRENCY:
            cells += [_plain_number(value["amount"]), value["currency"]] if value else ["", ""]
        else:
            cells.append("; ".join(_cell_text(attr, item) for item in elements(value)))
    return cells


def _spreadsheet_csv(records: list[Record]) -> tuple[bytes, list[dict[str, Any]]]:
    """The records as a spreadsheet's "CSV UTF-8" file (byte-order mark, comma-separated), and the
    values each row must be read back as: the dataset's values made canonical (``validate_value``:
    "+1 555 1791" is "+15551791"), but an address, which a cell holds as one line of text that the
    importer keeps as one line (``{"line1": "Lyon, US"}``, as the editor reads typed text)."""
    attrs = sorted(BENCH_OBJECT.attributes, key=lambda a: a.order)
    location = next(attr for attr in attrs if attr.type is AttributeType.LOCATION)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns(attrs))
    expected: list[dict[str, Any]] = []
    for record in records:
        canonical = {attr.slug: validate_value(attr, record.values[attr.slug])
                     for attr in attrs if record.values.get(attr.slug) is not None}
        writer.writerow(_cells(attrs, canonical))
        if location.slug in canonical:
            canonical[location.slug] = {"line1": _cell_text(location, canonical[location.slug])}
        expected.append(canonical)
    return out.getvalue().encode("utf-8-sig"), expected


def _fresh_store(path: Path) -> Store:
    store = Store.open(path)
    with store.write():
        store.schema.save_object(BENCH_OBJECT)
    return store


def _check_parsing(folder: Path, data: bytes, expected: list[dict[str, Any]]) -> list[int]:
    """The planner reads a sample of rows back as exactly the values rendered (types too: 3 is not
    3.0), else the figure would time a renderer's mistakes. Returns the sample's row indexes."""
    table = read_csv(data)
    sample = sorted(random.Random(11).sample(range(len(table.rows)), CSV_SAMPLE))
    part = CsvTable(table.headers, [table.rows[i] for i in sample], [table.lines[i] for i in sample],
                    table.encoding, table.delimiter)
    with _fresh_store(folder / "check.sqlite") as store:
        obj = store.schema.get_object(BENCH_OBJECT.slug)
        assert obj is not None
        mapping = auto_map(obj, table.headers)
        assert None not in mapping, list(zip(table.headers, mapping, strict=True))
        plan = Planner(store, obj).plan(part, mapping, match=None)
    for index, row in zip(sample, plan.rows, strict=True):
        assert row.action == CREATE, (row.line, row.problem)
        want = expected[index]
        assert row.parsed == want, (row.line, {k: (row.parsed.get(k), want.get(k)) for k in {*row.parsed, *want}
                                               if row.parsed.get(k) != want.get(k)})
        assert {k: type(v) for k, v in row.parsed.items()} == {k: type(v) for k, v in want.items()}, row.line
        if "deal_value" in want:
            assert type(row.parsed["deal_value"]["amount"]) is type(want["deal_value"]["amount"]), row.line
    return sample


def _timed_import(path: Path, data: bytes) -> tuple[float, Store, list[str]]:
    """The import of ``data`` into a fresh store: read, map, plan, write (the store made untimed)."""
    store = _fresh_store(path)
    obj = store.schema.get_object(BENCH_OBJECT.slug)
    assert obj is not None
    start = time.perf_counter()
    table = read_csv(data)
    plan = Planner(store, obj).plan(table, auto_map(obj, table.headers), match=None)
    result = apply_plan(store, plan)
    elapsed = time.perf_counter() - start
    assert plan.count(CREATE) == COUNT == len(result.created), plan.summary()
    return elapsed, store, result.created


def _timed_bulk_load(path: Path, records: list[Record]) -> float:
    with _fresh_store(path) as store:
        return _load(store, records)


def _spread(samples: list[float]) -> str:
    return f"{min(samples):.2f}–{max(samples):.2f} s"


def run_csv_import(report: Report, records: list[Record] | None = None) -> None:
    """``store.csv_import_100k``: the records as a spreadsheet's CSV, imported into a fresh store,
    beside ``put_many`` of the same records into another; pairs alternate which goes first."""
    records = records if records is not None else make_records(COUNT)
    data, expected = _spreadsheet_csv(records)
    imports: list[float] = []
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sample = _check_parsing(folder, data, expected)
        for pair in range(CSV_PAIRS):
            for step in ("import", "load") if pair % 2 == 0 else ("load", "import"):
                run_dir = folder / f"{step}-{pair}"
                run_dir.mkdir()
                if step == "load":
                    loads.append(_timed_bulk_load(run_dir / "store.sqlite", records))
                else:
                    elapsed, store, created = _timed_import(run_dir / "store.sqlite", data)
                    imports.append(elapsed)
                    with store:
                        if pair == 0:  # what was written, not only what was planned
                            for index in sample:
                                held = store.records.get(created[index])
                                assert held is not None and held.values == expected[index], index
                        assert len(store.outbox.pending()) == COUNT
                shutil.rmtree(run_dir)
    report.add(Figure("store.csv_import_100k", statistics.median(imports), "s", statistics.median(loads),
                      "put_many of the same records", "≤ 2×",
                      f"{COUNT:,} rows × {len(_columns(list(BENCH_OBJECT.attributes)))} columns "
                      f"({len(data) / 2**20:.0f} MiB): read_csv + auto_map + plan (every cell parsed) + "
                      f"apply_plan (records and their outbox rows, batches of {IMPORT_BATCH}); the baseline "
                      f"reads and parses no text and queues nothing, batches of {BATCH:,}; median of {CSV_PAIRS} "
                      f"alternating pairs (import {_spread(imports)}; put_many {_spread(loads)})"))
