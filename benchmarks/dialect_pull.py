"""What the dialect sync benchmarks (``bench_sync_atomic``, ``bench_sync_attio``, ``bench_sync_atlas``)
share: the sandbox and a scratch folder around a run, one ``engine.sync()`` with its phases timed
and its answers watched, the runs of a first sync and a second one (each after its bare loop), and
the report's figures (median of the runs, their spread, each run's ratio to the bare loop measured
just before it). Each benchmark keeps its dialect's requests, counts and notes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar
from unittest import mock

import httpx

from benchmarks.report import Figure, Report, peak_rss_mib
from benchmarks.sync_support import SandboxProcess
from crmdesk.model.codecs import text_like
from crmdesk.remote.backend import Backend
from crmdesk.store import Store
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.status import SyncStatus

RECORDS = 20_000
SEED = 1
REPEAT = 5
#: Runs when one sync takes longer than ``SLOW_RUN_S``.
SLOW_REPEAT = 3
SLOW_RUN_S = 20.0


# -- around a run ----------------------------------------------------------------------------------------


@contextmanager
def sandbox_folder(report: Report, dialect: str, sandbox: AbstractContextManager[SandboxProcess],
                   what: str) -> Iterator[tuple[Path, SandboxProcess]]:
    """The report's section for ``dialect``, a scratch folder and the sandbox (``what`` it holds, as
    the line saying it is up tells)."""
    report.section(f"Sync engine ({dialect})")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"bench-sync-{dialect}-") as name, sandbox as server:
        print(f"#   {dialect} sandbox ({what}) up in {time.perf_counter() - started:.1f} s", flush=True)
        yield Path(name), server


def cold_codec_caches() -> int:
    """Empty the value codecs' memo caches (email and phone checks): an initial pull happens in a
    fresh app process, and without this every run after the first would find them warm."""
    cleared = 0
    for value in vars(text_like).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()
            cleared += 1
    return cleared


def forget(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- one sync --------------------------------------------------------------------------------------------


@contextmanager
def timed(owner: type, name: str, spent: list[float]) -> Iterator[None]:
    """Each call of ``owner.name`` while the block runs, its seconds appended to ``spent``."""
    original: Callable[..., Any] = getattr(owner, name)

    def timed_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    with mock.patch.object(owner, name, timed_call):
        yield


@contextmanager
def watching(statuses: list[int]) -> Iterator[threading.Lock]:
    """Every answer's status httpx receives (from any thread, a token request's too) while the block
    runs; yields the lock it appends under (for a caller counting more alongside)."""
    send = httpx.Client.send
    lock = threading.Lock()

    def counted_send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = send(self, request, **kwargs)
        with lock:
            statuses.append(response.status_code)
        return response

    with mock.patch.object(httpx.Client, "send", counted_send):
        yield lock


def timed_sync(engine: SyncEngine, **phases: Sequence[tuple[type, str]]) -> tuple[Any, float, dict[str, float]]:
    """One ``engine.sync()``, which must end synced: (its report, seconds, each phase's seconds),
    a phase's being the time spent in the methods named for it."""
    spent: dict[str, list[float]] = {phase: [] for phase in phases}
    with ExitStack() as stack:
        for phase, methods in phases.items():
            for owner, name in methods:
                stack.enter_context(timed(owner, name, spent[phase]))
        started = time.perf_counter()
        result = engine.sync()
        elapsed = time.perf_counter() - started
    assert result.status is SyncStatus.SYNCED, result.summary()
    return result, elapsed, {phase: sum(times) for phase, times in spent.items()}


# -- a first sync and a second one, each after its bare loop ------------------------------------------


class _Timed(Protocol):
    seconds: float


SyncT = TypeVar("SyncT", bound=_Timed)
TallyT = TypeVar("TallyT")


@dataclass
class Run(Generic[SyncT, TallyT]):
    first: SyncT
    again: SyncT
    bare_first: TallyT
    bare_first_s: float
    bare_again: TallyT
    bare_again_s: float


def first_and_again(path: Path, *, bare_first: Callable[[], tuple[TallyT, float]],
                    bare_again: Callable[[], tuple[TallyT, float]], backend: Callable[[], Backend],
                    sync: Callable[[SyncEngine], SyncT], stored: Callable[[Store], dict[str, int]],
                    expected: dict[str, int]) -> Run[SyncT, TallyT]:
    """Bare loop, first sync into a fresh file at ``path`` (codec caches cold), the second bare loop,
    second sync of the same engine; what the store holds after each checked against ``expected``."""
    assert cold_codec_caches(), "no codec caches found to empty: the runs after the first would be warm"
    first_tally, first_s = bare_first()
    with Store.open(path) as store:
        engine = SyncEngine(store, backend())
        first = sync(engine)
        found = stored(store)
        assert found == expected, (found, expected)
        again_tally, again_s = bare_again()
        again = sync(engine)
        assert stored(store) == expected
        engine.backend.close()
    return Run(first, again, first_tally, first_s, again_tally, again_s)


def repeat_runs(folder: Path, one_run: Callable[[Path], Run[SyncT, TallyT]],
                describe: Callable[[SyncT, TallyT, float], str]) -> list[Run[SyncT, TallyT]]:
    """``REPEAT`` runs (``SLOW_REPEAT`` if the first sync takes longer than ``SLOW_RUN_S``), each into
    its own file in ``folder``, deleted after it; each run's syncs printed as ``describe`` says."""
    runs: list[Run[SyncT, TallyT]] = []
    while len(runs) < (REPEAT if not runs or runs[0].first.seconds <= SLOW_RUN_S else SLOW_REPEAT):
        path = folder / f"pull-{len(runs)}.sqlite"
        runs.append(one_run(path))
        forget(path)
        done = runs[-1]
        print(f"#   run {len(runs)} first: {describe(done.first, done.bare_first, done.bare_first_s)}", flush=True)
        print(f"#   run {len(runs)} again: {describe(done.again, done.bare_again, done.bare_again_s)}", flush=True)
    return runs


# -- the report ------------------------------------------------------------------------------------------


def spread(samples: list[float]) -> str:
    return f"runs {', '.join(f'{s:.2f}' for s in samples)} s (spread {max(samples) - min(samples):.2f} s)"


def ratios(samples: list[float], bases: list[float]) -> str:
    """Each run's ratio to the bare loop measured just before it (the machine's load moves)."""
    found = [sample / base for sample, base in zip(samples, bases, strict=True)]
    return f"per-run ratios {', '.join(f'{r:.2f}×' for r in found)} (median {statistics.median(found):.2f}×)"


def request_counts(sent: Sequence[int], bare: Sequence[int]) -> str:
    """The numbers of requests the syncs and the bare loops made (each distinct number once)."""
    return f"requests: sync {'/'.join(map(str, sorted(set(sent))))}, bare {'/'.join(map(str, sorted(set(bare))))}"


def pull_figure(bench: str, samples: list[float], bases: list[float], label: str, target: str, head: str,
                tail: str) -> Figure:
    """The median sync against the median bare loop; the note ``head``, the runs (each sync, each bare
    loop, each run's ratio), then ``tail``."""
    return Figure(bench, statistics.median(samples), "s", statistics.median(bases), label, target,
                  f"{head}; median of {len(samples)}; sync {spread(samples)}; bare {spread(bases)}; "
                  f"{ratios(samples, bases)}; {tail}")


def first_and_again_figures(report: Report, dialect: str, runs: list[Run[SyncT, TallyT]], *,
                            label: str, target: str, first_note: str, again_label: str, again_note: str,
                            requests: Callable[[list[SyncT], list[TallyT]], str],
                            phases: Callable[[list[SyncT]], str], synced: str) -> None:
    """``sync.<dialect>_initial_pull_20k`` and ``sync.<dialect>_after_no_changes_20k`` (each note its
    head, the requests made, the runs, then the phases), and ``sync.<dialect>_peak_rss`` (``synced``:
    what each sync pulled)."""
    for bench, bench_label, bench_target, head, syncs, bares, bare_s in (
        ("initial_pull_20k", label, target, first_note, [r.first for r in runs], [r.bare_first for r in runs],
         [r.bare_first_s for r in runs]),
        ("after_no_changes_20k", again_label, "", again_note, [r.again for r in runs],
         [r.bare_again for r in runs], [r.bare_again_s for r in runs]),
    ):
        report.add(pull_figure(f"sync.{dialect}_{bench}", [s.seconds for s in syncs], bare_s, bench_label,
                               bench_target, f"{head}; {requests(syncs, bares)}", phases(syncs)))
    report.add(Figure(f"sync.{dialect}_peak_rss", peak_rss_mib(), "MiB", None, "", "",
                      f"this benchmark's client process ({len(runs)} × two syncs of {synced}); the sandbox is "
                      "another process"))


# -- where the time goes -------------------------------------------------------------------------------


def profiled_first_sync(dialect: str, sandbox: AbstractContextManager[SandboxProcess],
                        warm: Callable[[SandboxProcess], object], backend: Callable[[SandboxProcess], Backend],
                        ) -> tuple[io.StringIO, cProfile.Profile, list[tuple[str, cProfile.Profile]]]:
    """One first sync under cProfile in every thread, the server warmed by ``warm`` as in the
    benchmark: (the output, its time written, the main thread's profile, each other thread's by its
    name)."""
    profiles: list[tuple[str, cProfile.Profile]] = []
    original_run = threading.Thread.run

    def profiled_run(self: threading.Thread) -> None:
        prof = cProfile.Profile()
        profiles.append((self.name, prof))
        prof.enable()
        try:
            original_run(self)
        finally:
            prof.disable()

    with tempfile.TemporaryDirectory(prefix=f"bench-sync-{dialect}-") as name, sandbox as server:
        warm(server)
        with Store.open(Path(name) / "profiled.sqlite") as store:
            engine = SyncEngine(store, backend(server))
            main = cProfile.Profile()
            with mock.patch.object(threading.Thread, "run", profiled_run):
                started = time.perf_counter()
                main.enable()
                engine.sync()
                main.disable()
                elapsed = time.perf_counter() - started
            engine.backend.close()
    out = io.StringIO()
    print(f"one first sync under cProfile: {elapsed:.2f} s", file=out)
    return out, main, profiles


def print_stats(out: io.StringIO, profiles: list[cProfile.Profile], top: int, title: str,
                own_title: str | None) -> None:
    """The top ``top`` functions of ``profiles`` together by cumulative time under ``title``, and by
    own time under ``own_title`` (if any)."""
    stats = pstats.Stats(profiles[0], stream=out)
    for prof in profiles[1:]:
        stats.add(prof)
    print(f"\n## {title}", file=out)
    stats.sort_stats("cumulative").print_stats(top)
    if own_title is not None:
        print(f"\n## {own_title}", file=out)
        stats.sort_stats("tottime").print_stats(top)


def main(run: Callable[[Report], None], profile: Callable[[], str] | None = None) -> None:
    """A benchmark run alone: its figures' notes printed (``--profile``: ``profile``'s output)."""
    if profile is not None and sys.argv[1:] == ["--profile"]:
        print(profile())
    else:
        figures = Report()
        run(figures)
        for figure in figures.figures:
            print(f"# {figure.bench}: {figure.note}", flush=True)
