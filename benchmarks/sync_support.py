"""Helpers for bench_sync: the sandbox in its own process, bare httpx loops, fresh stores.

The sandbox runs as ``python -m crmdesk sandbox`` in a child process, so the client
being measured and the server answering it do not share one GIL.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from crmdesk.sandbox.atlas.app import TOKEN_PATH as ATLAS_TOKEN_PATH
from crmdesk.sandbox.facades import facades

PAGE = 200
OBJECTS = ("people", "companies", "deals")
START_TIMEOUT = 120.0
POLL_INTERVAL = 0.05


@dataclass
class SandboxProcess:
    url: str  # the server root (the API lives under ``api_path``)
    #: the admin's bearer token (atlas: one exchanged for ``credentials`` at start-up)
    admin_token: str
    process: subprocess.Popen[str]
    api_path: str = "/api/v1"
    #: atlas: the admin client's ``CLIENT_ID:CLIENT_SECRET`` (what the app is given); else empty
    credentials: str = ""

    @property
    def api_url(self) -> str:
        return self.url + self.api_path

    def client(self, headers: Mapping[str, str] | None = None, **kwargs: Any) -> httpx.Client:
        """An admin's client of the API; ``headers`` added to its token."""
        return httpx.Client(base_url=self.api_url,
                            headers={"Authorization": f"Bearer {self.admin_token}", **(headers or {})},
                            timeout=60, **kwargs)


def _read_lines(proc: subprocess.Popen[str], deadline: float) -> Iterator[str]:
    """Lines of the child's stdout until the deadline (a reader thread: readline never blocks us)."""
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, name="sandbox-stdout", daemon=True).start()
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return
        if line is None:
            return
        yield line


@contextmanager
def sandbox_process(records: int, seed: int = 1, *, strict: bool = False, db: Path | None = None,
                    dialect: str = "aria", ready: str = "/objects",
                    rate_limit: bool = False) -> Iterator[SandboxProcess]:
    """``crmdesk sandbox --dialect <dialect>`` on a free port in a child process, up once a GET of
    ``ready`` (under its API) answers; stopped (SIGINT, then SIGKILL) on exit. ``rate_limit``
    (atomic, attio): ``--rate-limit``, the real server's limit, answered 429 past it."""
    cmd = [sys.executable, "-m", "crmdesk", "sandbox", "--dialect", dialect, "--port", "0",
           "--records", str(records), "--seed", str(seed)]
    if strict:
        cmd.append("--strict")
    if rate_limit:
        cmd.append("--rate-limit")
    if db is not None:
        cmd += ["--db", str(db)]
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            yield _started(proc, err, facades()[dialect].api_path, ready)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)


def exchange_credentials(client: httpx.Client, root: str, credentials: str) -> str:
    """An atlas access token for ``CLIENT_ID:CLIENT_SECRET``: ``POST /api/1.0/oauth/token`` with
    the client-credentials grant as a JSON body (the facade answers a form body 415)."""
    client_id, _, secret = credentials.partition(":")
    response = client.post(root + ATLAS_TOKEN_PATH, json={"grant_type": "client_credentials", "client_id": client_id,
                                                          "client_secret": secret})
    response.raise_for_status()
    return str(response.json()["access_token"])


def _started(proc: subprocess.Popen[str], err: Any, api_path: str, ready: str) -> SandboxProcess:
    """Parse the printed URL and admin token (atlas: the admin's credentials, exchanged for a
    token once the server answers), then poll (bounded) until ``ready`` answers."""
    api_url = token = credentials = ""
    deadline = time.monotonic() + START_TIMEOUT
    for line in _read_lines(proc, deadline):
        if " API at " in line:  # "crmdesk sandbox serving the <title> API at <url>"
            api_url = line.split(" API at ", 1)[1].strip()
        elif line.startswith("admin token:"):
            token = line.split(":", 1)[1].strip()
        elif line.startswith("admin credentials:"):  # atlas: CLIENT_ID:CLIENT_SECRET
            credentials = line.split(":", 1)[1].strip()
        if api_url and (token or credentials):
            break
    if not (api_url and (token or credentials)):
        err.seek(0)
        raise RuntimeError(f"the sandbox did not start: {err.read()[-2000:]}")
    server = SandboxProcess(api_url.removesuffix(api_path), token, proc, api_path, credentials)
    with httpx.Client(timeout=60) as bare:
        while True:
            try:
                if credentials and not server.admin_token:
                    server.admin_token = exchange_credentials(bare, server.url, credentials)
                # Content-Type on a GET too: a strict atlas facade wants it on every request.
                answer = bare.get(server.api_url + ready, headers={"Authorization": f"Bearer {server.admin_token}",
                                                                   "Content-Type": "application/json"})
                if answer.status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the sandbox never answered")
            time.sleep(POLL_INTERVAL)


# -- bare baselines ---------------------------------------------------------------------------------


def page_all(client: httpx.Client, slugs: tuple[str, ...] = OBJECTS) -> tuple[int, int, float]:
    """Page every object with plain limit/offset GETs and decode the JSON; store nothing.

    ``client`` has the API URL as its base and the token. Returns (records, requests, seconds).
    """
    fetched = requests = 0
    started = time.perf_counter()
    for slug in slugs:
        offset = 0
        while True:
            body = client.get(f"/objects/{slug}/records", params={"limit": PAGE, "offset": offset}).json()
            count = len(body["data"]["records"])
            requests += 1
            fetched += count
            if count < PAGE:
                break
            offset += PAGE
    return fetched, requests, time.perf_counter() - started


def bare_page_all(server: SandboxProcess, slugs: tuple[str, ...] = OBJECTS) -> tuple[int, int, float]:
    """``page_all`` on a fresh keep-alive connection to the child-process sandbox."""
    with server.client() as client:
        return page_all(client, slugs)


def bare_get_each(server: SandboxProcess, slug: str, ids: list[str]) -> float:
    """GET each record by id on one keep-alive connection, decoding the JSON."""
    started = time.perf_counter()
    with server.client() as client:
        for record_id in ids:
            response = client.get(f"/objects/{slug}/records/{record_id}")
            response.raise_for_status()
            response.json()
    return time.perf_counter() - started


def bare_patch_loop(server: SandboxProcess, slug: str, edits: list[tuple[str, dict[str, Any]]]) -> float:
    """Sequential PATCHes (wire values as given) on one keep-alive connection."""
    started = time.perf_counter()
    with server.client() as client:
        for record_id, values in edits:
            response = client.patch(f"/objects/{slug}/records/{record_id}", json={"values": values})
            response.raise_for_status()
            response.json()
    return time.perf_counter() - started


def bare_concurrent_patch_loop(server: SandboxProcess, slug: str, edits: list[tuple[str, dict[str, Any]]],
                               in_flight: int) -> float:
    """The same PATCHes as ``bare_patch_loop``, ``in_flight`` at a time: a thread pool of that size
    over one shared httpx.Client (its connection pool keeps a connection per thread alive), each
    answer checked and decoded, as the app's pusher sends independent updates through one
    transport (``Capabilities.write_concurrency`` threads). No batching, no bookkeeping between
    requests: the next PATCH goes as soon as a thread is free."""
    from concurrent.futures import ThreadPoolExecutor

    def patch(client: httpx.Client, edit: tuple[str, dict[str, Any]]) -> None:
        record_id, values = edit
        response = client.patch(f"/objects/{slug}/records/{record_id}", json={"values": values})
        response.raise_for_status()
        response.json()

    started = time.perf_counter()
    with server.client() as client, ThreadPoolExecutor(max_workers=in_flight,
                                                       thread_name_prefix="bare-patch") as pool:
        for _ in pool.map(partial(patch, client), edits):
            pass
    return time.perf_counter() - started


def record_ids(server: SandboxProcess, slug: str, count: int, offset: int = 0) -> list[str]:
    """The ids of ``count`` records of ``slug`` (newest first), fetched outside any timing."""
    ids: list[str] = []
    with server.client() as client:
        while len(ids) < count:
            body = client.get(f"/objects/{slug}/records",
                              params={"limit": PAGE, "offset": offset + len(ids)}).json()
            rows = body["data"]["records"]
            if not rows:
                break
            ids.extend(str(r["id"]) for r in rows)
    return ids[:count]


def object_counts(server: SandboxProcess) -> dict[str, int]:
    with server.client() as client:
        return {slug: int(client.get(f"/objects/{slug}/records", params={"limit": 1}).json()
                          ["data"]["pagination"]["total"]) for slug in OBJECTS}


# -- the GUI-thread stall, in its own process (Qt and the worker thread, like the app) --------------------


def _lateness(run_until: Callable[[Callable[[], None]], None]) -> list[float]:
    """Run a 1 ms QTimer in this (GUI) thread; returns each tick's lateness in ms."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    loop = QEventLoop()
    late: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        late.append(max(0.0, (now - last[0]) * 1000 - 1.0))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(tick)
    last[0] = time.perf_counter()
    timer.start()
    run_until(loop.quit)
    loop.exec()
    timer.stop()
    return late


def gui_stall(url: str, token: str, folder: Path, idle_seconds: float, timeout_s: float) -> dict[str, Any]:
    """The 1 ms timer idle, then while ``SyncController``'s worker runs a first full sync."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import gc

    from PySide6.QtCore import QObject, QTimer, Slot
    from PySide6.QtWidgets import QApplication

    from crmdesk.remote.dialects import open_backend
    from crmdesk.store import Store
    from crmdesk.sync.worker import SyncController

    app = QApplication.instance() or QApplication([])
    assert app is not None
    idle = _lateness(lambda quit_: QTimer.singleShot(int(idle_seconds * 1000), quit_))

    gc_pauses: list[float] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_pauses.append((time.perf_counter() - gc_started[0]) * 1000)

    class Sink(QObject):
        """Lives in the GUI thread: what a status bar would receive."""

        def __init__(self) -> None:
            super().__init__()
            self.progress = 0
            self.report: Any = None
            self.quit: Callable[[], None] = lambda: None

        @Slot(str, int, int)
        def on_progress(self, phase: str, done: int, total: int) -> None:
            self.progress += 1

        @Slot(object)
        def on_finished(self, result: Any) -> None:
            self.report = result
            self.quit()

    sink = Sink()
    path = folder / "worker.sqlite"
    Store.open(path).close()  # created here, as the app does before starting the worker
    controller = SyncController(path, lambda: open_backend("aria", url, token), interval_ms=3_600_000)
    controller.worker.progress.connect(sink.on_progress)
    controller.worker.finished.connect(sink.on_finished)
    # The worker (and its QTimers) must die in its own thread, not at garbage collection here.
    controller.worker_thread.finished.connect(controller.worker.deleteLater)
    started = [0.0]

    def start(quit_: Callable[[], None]) -> None:
        sink.quit = quit_
        QTimer.singleShot(int(timeout_s * 1000), quit_)
        started[0] = time.perf_counter()
        controller.start()

    gc.callbacks.append(on_gc)
    busy = _lateness(start)
    gc.callbacks.remove(on_gc)
    elapsed = time.perf_counter() - started[0]
    stopped = controller.stop(10_000)
    report = sink.report
    from benchmarks.report import peak_rss_mib

    return {
        "idle": idle, "busy": busy, "elapsed": elapsed, "stopped": stopped, "progress": sink.progress,
        "status": None if report is None else report.status.value,
        "pulled": None if report is None else report.pulled,
        "gc_max_ms": max(gc_pauses, default=0.0), "gc_over_16ms": sum(1 for p in gc_pauses if p > 16),
        "peak_rss_mib": peak_rss_mib(),
    }


# -- a local edit until the server holds it, through the app's SyncController (own process) --------------


def _wait(app: Any, done: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the GUI thread's events until ``done`` (benchmark code: polls every few milliseconds)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.002)


def _more_than(items: list[Any], count: int) -> bool:
    return len(items) > count


def edit_latency(url: str, token: str, path: Path, runs: int, timeout_s: float) -> dict[str, Any]:
    """The app's ``SyncController`` worker, idle after its start-up sync; then, ``runs`` times, one
    edit through ``store.edits`` on a GUI-thread connection plus ``controller.local_edit()``, timed
    until a separate bare client GETs the new value from the server. Each run's baseline: one
    bare PATCH of the same record (with the value it now holds, so nothing conflicts later)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import uuid

    from PySide6.QtCore import QCoreApplication, QObject, Slot

    from crmdesk.remote.dialects import open_backend
    from crmdesk.store import Store
    from crmdesk.sync.worker import SyncController

    app = QCoreApplication.instance() or QCoreApplication([])

    class Sink(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.reports: list[Any] = []

        @Slot(object)
        def on_finished(self, report: Any) -> None:
            self.reports.append(report)

    sink = Sink()
    controller = SyncController(path, lambda: open_backend("aria", url, token))
    controller.worker.finished.connect(sink.on_finished)
    controller.worker_thread.finished.connect(controller.worker.deleteLater)
    started = time.perf_counter()
    controller.start()
    _wait(app, lambda: len(sink.reports) >= 1, timeout_s, "the start-up sync")
    first_sync = time.perf_counter() - started
    latencies: list[float] = []
    bare: list[float] = []
    statuses: list[str] = [sink.reports[0].status.value]
    gui = Store.open(path)
    people = sorted(gui.records.ids("people"))
    api = url + "/api/v1"
    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for run in range(runs):
            record_id = people[(run + 1) * len(people) // (runs + 1)]
            value = f"Edited {run} {uuid.uuid4().hex[:8]}"
            rounds = len(sink.reports)
            began = time.perf_counter()
            gui.edits.update_record(record_id, {"job_title": value})
            controller.local_edit()
            while True:
                app.processEvents()
                body = client.get(f"/objects/people/records/{record_id}").json()
                if body["data"]["values"].get("job_title") == value:
                    break
                if time.perf_counter() - began > timeout_s:
                    raise RuntimeError("the edit never reached the server")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - began)
            # The round that sent it ends (its outcome written) before the next edit or the baseline.
            _wait(app, partial(_more_than, sink.reports, rounds), timeout_s, "the push round")
            statuses.append(sink.reports[-1].status.value)
            began = time.perf_counter()
            client.patch(f"/objects/people/records/{record_id}",
                         json={"values": {"job_title": value}}).raise_for_status()
            bare.append(time.perf_counter() - began)
    gui.close()
    stopped = controller.stop(10_000)
    return {"latencies": latencies, "bare": bare, "first_sync": first_sync, "statuses": statuses,
            "stopped": stopped, "pulled_first": sink.reports[0].pulled}


def run_edit_latency(server: SandboxProcess, path: Path, runs: int, timeout_s: float) -> dict[str, Any]:
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.sync_support", "--edit-latency", server.url, str(path), str(runs),
         str(timeout_s)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=timeout_s * (runs + 2),
        env={**os.environ, "CRMDESK_BENCH_TOKEN": server.admin_token, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the edit latency run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


def _child_main() -> None:
    """``python -m benchmarks.sync_support URL FOLDER IDLE_S TIMEOUT_S`` (the GUI stall) or
    ``… --edit-latency URL DB RUNS TIMEOUT_S``; the token in CRMDESK_BENCH_TOKEN."""
    import json

    token = os.environ["CRMDESK_BENCH_TOKEN"]
    if sys.argv[1] == "--edit-latency":
        url, db, runs, timeout_s = sys.argv[2:6]
        result = edit_latency(url, token, Path(db), int(runs), float(timeout_s))
    else:
        url, folder, idle_s, timeout_s = sys.argv[1:5]
        result = gui_stall(url, token, Path(folder), float(idle_s), float(timeout_s))
    print(json.dumps(result), flush=True)
    # Skip interpreter teardown: PySide6 can crash while finalising Qt objects at exit.
    os._exit(0)


def run_gui_stall(server: SandboxProcess, folder: Path, idle_seconds: float, timeout_s: float) -> dict[str, Any]:
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.sync_support", server.url, str(folder), str(idle_seconds), str(timeout_s)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=timeout_s + 60,
        env={**os.environ, "CRMDESK_BENCH_TOKEN": server.admin_token, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the GUI stall run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


if __name__ == "__main__":
    _child_main()
