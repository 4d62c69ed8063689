"""BENCHMARKS.md's scaling table (issue 19): one row per measure, one column per size, each cell
beside its baseline; and the streamed dataset the 1M store is built from is the 100k one's."""

from __future__ import annotations

from pathlib import Path

from benchmarks.report import Figure, Report
from benchmarks.store_dataset import iter_records, make_records


def test_scaling_figures_make_one_table_by_size(tmp_path: Path) -> None:
    report = Report()
    report.add(Figure("store.search_p95", 5.0, "ms", 1.0))
    report.add(Figure("scaling.sort_10k", 30.0, "ms", 15.0, "query", "≤ 1 s at 1M"))
    report.add(Figure("scaling.sort_1m", 900.0, "ms", 800.0, "query", "≤ 1 s at 1M"))
    report.add(Figure("scaling.first_paint_100k", 120.0, "ms", 60.0, "query", "≤ 150 ms at 1M"))
    out = tmp_path / "BENCHMARKS.md"
    report.write_markdown(out)
    text = out.read_text(encoding="utf-8")
    table = text.split("## How cost grows (issue 19)")[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| measure | 10,000 | 100,000 | 1,000,000 | target at 1M |"
    assert rows[1] == "| sort | 30.0 ms (base 15.0, 2.00×) | — | 900.0 ms (base 800.0, 1.12×) | ≤ 1 s at 1M |"
    assert rows[2] == "| first paint | — | 120.0 ms (base 60.0, 2.00×) | — | ≤ 150 ms at 1M |"
    assert len(rows) == 3, "figures not named scaling.* stay out of the table"


def test_no_scaling_figures_no_table(tmp_path: Path) -> None:
    report = Report()
    report.add(Figure("store.search_p95", 5.0, "ms", 1.0))
    out = tmp_path / "BENCHMARKS.md"
    report.write_markdown(out)
    assert "How cost grows" not in out.read_text(encoding="utf-8")


def test_streamed_records_are_the_listed_ones() -> None:
    assert list(iter_records(300)) == make_records(300)
