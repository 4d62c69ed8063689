"""``python -m benchmarks.dist_start [dist/crmdesk]``: the built app's size and start time, run by
``make dist-check`` (not by ``make bench``: it needs the PyInstaller folder).

Start is measured as ``bench_ui.app_start`` measures it (``_child_times``: spawn → the window's
first paint, from the ``painted_at=`` that ``--screenshot`` prints, one CLOCK_MONOTONIC for both
processes): ``crmdesk --data-dir D --screenshot OUT --view deals`` on a small synced workspace
(the sandbox's 100 records, opened offline as a user's own workspace is), the built binary and
``python -m crmdesk`` from source interleaved, a warm-up run of each first, median of RUNS each.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_ui import _child_times

RUNS = 5
#: The target: the built app starts at most this much slower than from source.
TARGET_RATIO = 1.5


def folder_mib(folder: Path) -> float:
    """Bytes of the files in ``folder`` (links not followed), in MiB."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir()) / 2**20


def synced_workspace(data: Path) -> None:
    """A data dir with one workspace synced from the sandbox (100 records), as tests/ build them."""
    from crmdesk.paths import Paths
    from crmdesk.remote.dialects import open_backend
    from crmdesk.sandbox.server import SandboxServer
    from crmdesk.sync.engine import SyncEngine
    from crmdesk.workspaces import open_workspace_store

    with SandboxServer(records=100, seed=1) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        with open_workspace_store(Paths.resolve(data), backend, "aria", server.url) as store:
            assert SyncEngine(store, backend).sync().complete
        backend.close()


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "dist/crmdesk")
    binary = folder / "crmdesk"
    if not binary.is_file():
        print(f"{binary} is missing: make dist builds it", file=sys.stderr)
        return 1
    print(f"built app: {folder}/ {folder_mib(folder):.1f} MiB")
    for tarball in sorted(folder.parent.glob("crmdesk-*-linux-*.tar.gz")):
        print(f"tarball:   {tarball} {tarball.stat().st_size / 2**20:.1f} MiB")
    # As app_start: no token, no data dir from outside; bytecode may be written (an installed app
    # runs from compiled bytecode, and the built one carries it). keyring's null backend: the start
    # must not wait on, or differ by, the machine's keyring (it is read after the first paint anyway).
    env = {k: v for k, v in os.environ.items()
           if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR", "PYTHONDONTWRITEBYTECODE")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    with tempfile.TemporaryDirectory(prefix="crmdesk-dist-start-") as tmp:
        data = Path(tmp) / "data"
        synced_workspace(data)
        args = ["--data-dir", str(data), "--screenshot", str(Path(tmp) / "out.png"), "--view", "deals"]
        commands = {"built": [str(binary), *args], "source": [sys.executable, "-m", "crmdesk", *args]}
        for argv_ in commands.values():  # warm-up: the page cache, and the source's bytecode
            _child_times(argv_, env)
        paints: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, argv_ in commands.items():
                paints[name].append(_child_times(argv_, env)[1])
    medians = {name: statistics.median(times) for name, times in paints.items()}
    print(f"start, spawn → first paint, median of {RUNS} interleaved runs, a synced 100-record workspace:")
    for name, argv_ in commands.items():
        runs = ", ".join(f"{t:.0f}" for t in paints[name])
        print(f"  {name:6} {medians[name]:6.0f} ms  (runs {runs})  {' '.join(argv_)}")
    ratio = medians["built"] / medians["source"]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"  ratio built/source {ratio:.2f}× ({verdict} the target of ≤ {TARGET_RATIO}×)")
    return 0 if ratio <= TARGET_RATIO else 1  # (a NaN, when no paint was reported, fails too)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
