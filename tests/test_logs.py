"""Logs go to ``<log dir>/crmdesk.log`` (``<data dir>/logs`` with ``--data-dir``), rotated, every
record redacted by the handler's filter whatever logger it came from; installed once.

The end-to-end test runs the real command in a subprocess against a real (loopback) HTTP server
that echoes the API key back in a response header, as a misconfigured proxy might: with
``CRMDESK_DEBUG`` httpcore logs the response headers, so the key reaches a log record, and the
file must show ``[REDACTED]`` where it was."""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.logs import CONSOLE_FORMAT, ConsoleHandler, LogFileHandler, install_logging, installed_file
from crmdesk.paths import Paths

ROOT = Path(__file__).resolve().parents[1]


def _token() -> str:
    return "oc_sk_" + secrets.token_hex(20)


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, LogFileHandler | ConsoleHandler)]


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[Paths]:
    resolved = Paths.resolve(tmp_path / "data")
    yield resolved
    assert not _ours(), "a test left crmdesk's handlers on the root logger"


class _EchoingServer(BaseHTTPRequestHandler):
    """Refuses every request (401), echoing the Authorization header it got back."""

    def do_GET(self) -> None:  # http.server's naming
        body = json.dumps({"message": "This API key is not valid."}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo-Authorization", self.headers.get("Authorization", ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def echoing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_failed_sync_logs_to_the_data_dir_s_log_file_with_the_key_redacted(
    tmp_path: Path, echoing_server: str
) -> None:
    token = _token()
    data = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=str(ROOT), CRMDESK_TOKEN=token, CRMDESK_DEBUG="1")
    env.pop("CRMDESK_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "crmdesk", "sync", "--url", echoing_server, "--data-dir", str(data), "--quiet"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "Could not open the workspace" in result.stderr
    log_file = data / "logs" / "crmdesk.log"
    text = log_file.read_text(encoding="utf-8")
    echoed = [line for line in text.splitlines() if "X-Echo-Authorization" in line]
    assert echoed, text
    assert all("[REDACTED]" in line for line in echoed)
    assert token not in text and token[6:] not in text
    assert token not in result.stderr and token not in result.stdout
    # time, level, logger, thread — then the message
    assert any(" DEBUG httpcore.http11 [MainThread] receive_response_headers" in line for line in echoed)
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_every_logger_s_records_are_redacted_in_the_file(paths: Paths, caplog: pytest.LogCaptureFixture) -> None:
    token = _token()
    installed = install_logging(paths, console_level=None)
    try:
        logging.getLogger("httpx").warning("Authorization: Bearer %s", token)
        logging.getLogger("crmdesk.sync.engine").info("sent %s with key %s", "a change", token)
        try:
            raise RuntimeError(f"the server said: invalid key {token}")
        except RuntimeError:
            logging.getLogger("some.library").exception("it failed")
        logging.getLogger("httpx").info("HTTP Request: GET https://crm.example.com/ \"HTTP/1.1 200 OK\"")
    finally:
        installed.remove()
    caplog.clear()  # (seen: the warning and the error are this test's own)
    text = paths.log_file.read_text(encoding="utf-8")
    assert token not in text
    assert " WARNING httpx [MainThread] Authorization: Bearer [REDACTED]" in text
    assert " INFO crmdesk.sync.engine [MainThread] sent a change with key [REDACTED]" in text
    assert "RuntimeError: the server said: invalid key [REDACTED]" in text  # the traceback too
    assert "HTTP Request" not in text  # one line per request: only with CRMDESK_DEBUG


def test_installed_once_and_removed_whole(
    paths: Paths, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    root = logging.getLogger()
    level = root.level
    first = install_logging(paths)
    second = install_logging(Paths.resolve(paths.data_dir / "elsewhere"))
    try:
        assert len(first.handlers) == 2 and second.handlers == []  # nothing added the second time
        assert sum(isinstance(h, LogFileHandler) for h in root.handlers) == 1
        assert installed_file() == second.file == paths.log_file
        logging.getLogger("crmdesk.test").warning("shown on stderr")
        logging.getLogger("crmdesk.test").info("in the file only")
    finally:
        second.remove()
        first.remove()
    caplog.clear()
    assert root.level == level
    assert capsys.readouterr().err == CONSOLE_FORMAT % {
        "levelname": "WARNING", "name": "crmdesk.test", "message": "shown on stderr"} + "\n"
    assert "in the file only" in paths.log_file.read_text(encoding="utf-8")


def test_the_log_file_rotates(paths: Paths) -> None:
    installed = install_logging(paths, console_level=None, max_bytes=4096, backup_count=2)
    try:
        for number in range(200):
            logging.getLogger("crmdesk.test").info("line %03d %s", number, "x" * 60)
    finally:
        installed.remove()
    names = sorted(p.name for p in paths.log_dir.iterdir())
    assert names == ["crmdesk.log", "crmdesk.log.1", "crmdesk.log.2"]
    assert all((paths.log_dir / name).stat().st_size <= 4096 for name in names)
    assert "line 199" in paths.log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE((paths.log_dir / "crmdesk.log.1").stat().st_mode) == 0o600


def test_a_command_writes_the_log_under_its_data_dir_and_leaves_no_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    (data / "workspaces").mkdir(parents=True)
    (data / "workspaces" / "ws.sqlite").mkdir()  # a folder where a workspace file should be
    assert main(["records", "list", "people", "--data-dir", str(data)]) == 1
    assert not _ours()
    err = capsys.readouterr().err
    assert err.startswith("crmdesk: The workspace file") and "is a folder" in err


def test_version_makes_no_log_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with pytest.raises(SystemExit):
        main(["--version", "--data-dir", str(data)])
    assert not data.exists()
    assert not _ours()


def test_log_level_sets_what_the_file_keeps(paths: Paths, caplog: pytest.LogCaptureFixture) -> None:
    installed = install_logging(paths, console_level=None, level=logging.WARNING)
    try:
        logging.getLogger("crmdesk.sync.engine").info("pulled 20 records")
        logging.getLogger("crmdesk.sync.engine").warning("the server is slow")
    finally:
        installed.remove()
    caplog.clear()  # (the warning is this test's own)
    text = paths.log_file.read_text(encoding="utf-8")
    assert "the server is slow" in text and "pulled 20 records" not in text


def test_log_level_debug_keeps_debug_records_and_every_request(paths: Paths) -> None:
    installed = install_logging(paths, console_level=None, level=logging.DEBUG)
    try:
        logging.getLogger("crmdesk.store").debug("opened the workspace file")
        logging.getLogger("httpx").info('HTTP Request: GET https://crm.example.com/ "HTTP/1.1 200 OK"')
    finally:
        installed.remove()
    text = paths.log_file.read_text(encoding="utf-8")
    assert " DEBUG crmdesk.store [MainThread] opened the workspace file" in text
    assert "HTTP Request" in text  # as CRMDESK_DEBUG does


def test_the_command_line_takes_a_log_level_and_refuses_others(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "crmdesk", "--data-dir", str(tmp_path), "--log-level", "loud"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "argument --log-level: invalid choice: 'loud' (choose from 'debug', 'info', 'warning', 'error')" \
        in result.stderr
    # Read before the window's parser, so the file is set up at that level from the first record.
    kept = {}
    for level in ("debug", "info", "warning"):
        data = tmp_path / level
        shot = subprocess.run([sys.executable, "-m", "crmdesk", "--data-dir", str(data), "--log-level", level,
                               "--screenshot", str(tmp_path / "x.png")], capture_output=True, text=True, env=env,
                              timeout=60)
        assert shot.returncode == 1, shot.stderr  # an empty data dir: nothing to picture
        log_file = data / "logs" / "crmdesk.log"
        kept[level] = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    assert " INFO crmdesk.app [MainThread] crmdesk " in kept["debug"] and " DEBUG crmdesk.app " in kept["debug"]
    assert " INFO crmdesk.app [MainThread] crmdesk " in kept["info"] and " DEBUG " not in kept["info"]
    assert " INFO " not in kept["warning"] and " DEBUG " not in kept["warning"]
