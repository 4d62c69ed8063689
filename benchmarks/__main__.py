"""``python -m benchmarks [name ...]``: run every bench_*.py (or the named ones).

Each module runs in its own process, so its peak-memory figure is its own and one
benchmark's caches cannot flatter the next one.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks.report import Figure, Report

CHILD_ENV = "CRMDESK_BENCH_CHILD_OUT"


def _run_child(name: str) -> int:
    """In the child: run one module, write its figures as JSON to the file the parent named."""
    report = Report()
    importlib.import_module(f"benchmarks.{name}").run(report)
    Path(os.environ[CHILD_ENV]).write_text(json.dumps([asdict(f) for f in report.figures]), encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return _run_child(argv[1])
    package_dir = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package_dir)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(arg in n for arg in argv)]
    report = Report()
    failed = []
    for name in names:
        print(f"# {name}", file=sys.stderr, flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            out_path = Path(out.name)
        env = dict(os.environ, **{CHILD_ENV: str(out_path)})
        result = subprocess.run([sys.executable, "-m", "benchmarks", "--child", name], env=env, check=False)
        if result.returncode != 0:
            failed.append(name)
            continue
        for data in json.loads(out_path.read_text(encoding="utf-8")):
            report.figures.append(Figure(**data))
        out_path.unlink(missing_ok=True)
    out = Path("BENCHMARKS.md")
    if argv and out.exists():
        out = Path(f"BENCHMARKS-{'-'.join(argv)}.md")
    report.write_markdown(out)
    print(f"# wrote {out}" + (f"; FAILED: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


raise SystemExit(main(sys.argv[1:]))
