"""Collects figures, prints one JSON line each and writes BENCHMARKS.md.

Every figure sits beside a baseline measured in the same run, because this
machine is shared and noisy: ratios and medians mean more than absolute times.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    bench: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 3)  # type: ignore[operator]

    def as_json(self) -> dict[str, Any]:
        return {
            "bench": self.bench,
            "value": round(self.value, 3),
            "unit": self.unit,
            "baseline": None if self.baseline is None else round(self.baseline, 3),
            "ratio": self.ratio,
        }


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(json.dumps(figure.as_json()), flush=True)

    def section(self, title: str) -> None:
        self.sections.append(title)

    def write_markdown(self, path: Path) -> None:
        lines = [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, {_memory()}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}.",
            "",
            "Each figure is the median of repeated runs where it says so, and sits beside a",
            "baseline measured in the same run. The machine is shared: compare ratios.",
            "",
            "| benchmark | value | baseline | ratio | target | note |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for f in self.figures:
            base = "" if f.baseline is None else f"{f.baseline:,.3f} {f.unit} ({f.baseline_label})"
            ratio = "" if f.ratio is None else f"{f.ratio:.2f}×"
            lines.append(
                f"| {f.bench} | {f.value:,.3f} {f.unit} | {base} | {ratio} | {f.target} | {f.note} |"
            )
        lines.extend(scaling_table(self.figures))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


#: Figures named ``<prefix><measure>_<size>`` (``scaling.sort_1m``) make one table: a row per
#: measure, a column per size. Built from the figures, not a section text, because each bench
#: module runs in a child process that hands back only its figures.
SCALING_PREFIX = "scaling."
SCALING_SIZES = ("10k", "100k", "1m")


def scaling_table(figures: list[Figure]) -> list[str]:
    """Markdown lines of the scaling table (none when no figure is a scaling one)."""
    cells: dict[str, dict[str, Figure]] = {}
    for f in figures:
        measure, _, size = f.bench.removeprefix(SCALING_PREFIX).rpartition("_")
        if f.bench.startswith(SCALING_PREFIX) and size in SCALING_SIZES:
            cells.setdefault(measure, {})[size] = f
    if not cells:
        return []
    lines = ["", "## How cost grows (issue 19)", "",
             "Each cell: the app's figure, then its same-run baseline and the ratio (the table above says",
             "what each baseline is).", "",
             "| measure | 10,000 | 100,000 | 1,000,000 | target at 1M |", "| --- | --- | --- | --- | --- |"]
    for measure, by_size in cells.items():
        row = [_cell(by_size.get(size)) for size in SCALING_SIZES]
        target = next((f.target for f in by_size.values() if f.target), "")
        lines.append(f"| {measure.replace('_', ' ')} | {' | '.join(row)} | {target} |")
    return lines


def _cell(f: Figure | None) -> str:
    if f is None:
        return "—"
    base = "" if f.baseline is None or f.ratio is None else f" (base {f.baseline:,.1f}, {f.ratio:.2f}×)"
    return f"{f.value:,.1f} {f.unit}{base}"


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        return "unknown RAM"


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` in milliseconds over ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]
