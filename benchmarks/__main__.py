"""``python -m benchmarks [name ...]``: run every bench_*.py (or the named ones)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks.report import Report


def main(argv: list[str]) -> int:
    package_dir = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package_dir)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(arg in n for arg in argv)]
    report = Report()
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"# {name}", file=sys.stderr, flush=True)
        module.run(report)
    out = Path("BENCHMARKS.md")
    if argv and out.exists():
        out = Path(f"BENCHMARKS-{'-'.join(argv)}.md")
    report.write_markdown(out)
    print(f"# wrote {out}", file=sys.stderr)
    return 0


raise SystemExit(main(sys.argv[1:]))
