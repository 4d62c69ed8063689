"""One first pull of the 100,000-record sandbox, for a profiler to watch (issue 19).

``py-spy record -r 200 --threads --format raw -o pull.raw -- python benchmarks/profiles/prof_pull.py``
then ``python benchmarks/profiles/aggregate.py pull.raw 40`` prints each thread's top frames
(inclusive and self samples): what ``initial_pull_100k_*.txt`` beside this file hold.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.bench_sync import _engine, _sync
from benchmarks.dialect_pull import cold_codec_caches
from benchmarks.sync_support import bare_page_all, sandbox_process
from crmdesk.store import Store


def main() -> None:
    with sandbox_process(100_000, 1) as server, tempfile.TemporaryDirectory() as folder:
        _fetched, _requests, bare = bare_page_all(server)
        cold_codec_caches()
        with Store.open(Path(folder) / "pull.sqlite") as store:
            engine = _engine(store, server)
            started = time.perf_counter()
            elapsed, records_phase, _pulled = _sync(engine)
            engine.backend.close()
        print(f"bare {bare:.2f} s, sync {elapsed:.2f} s (records {records_phase:.2f} s), "
              f"{elapsed / bare:.2f}× ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
