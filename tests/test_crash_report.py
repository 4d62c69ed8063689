"""The crash report: what it tells, what it hides, and where it is kept."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from crmdesk import __version__
from crmdesk.crash_report import KEEP_REPORTS, CrashReport, build_report, log_tail, write_report

TOKEN = "oc_sk_" + "a1B2c3D4e5F6g7H8i9J0" * 2
WHEN = datetime(2026, 12, 2, 9, 30, 5, tzinfo=UTC)


def _report(message: str, log_file: Path | None = None, dialect: str = "aria") -> CrashReport:
    def fail() -> None:
        raise ValueError(message)

    try:
        fail()
    except ValueError as error:
        return build_report(ValueError, error, error.__traceback__, thread_name="sync-worker", qt_version="6.11.3",
                            dialect=dialect, log_file=log_file, now=WHEN)
    raise AssertionError("fail() raised")


def test_the_report_says_what_failed_where_and_on_what(tmp_path: Path) -> None:
    log = tmp_path / "crmdesk.log"
    log.write_text("".join(f"2026-12-02 line {n}\n" for n in range(100)), encoding="utf-8")
    report = _report("the page had no cursor", log)
    assert report.summary == "ValueError: the page had no cursor"
    lines = report.text.splitlines()
    assert lines[0] == f"crmdesk {__version__} crash report"
    assert "When: 2026-12-02T09:30:05+00:00" in lines
    assert "Thread: sync-worker" in lines and "Qt: 6.11.3" in lines and "Dialect: aria" in lines
    assert any(line.startswith("Python: 3.") for line in lines)
    assert 'in fail' in report.text and "ValueError: the page had no cursor" in report.text  # the frames
    # The log's end, not its beginning: the last 40 lines, the newest last.
    assert lines[-1] == "2026-12-02 line 99"
    assert "2026-12-02 line 60" in lines and "2026-12-02 line 59" not in lines


def test_a_token_never_reaches_the_report(tmp_path: Path) -> None:
    log = tmp_path / "crmdesk.log"
    log.write_text(f"INFO sent with Authorization: Bearer {TOKEN}\n", encoding="utf-8")
    report = _report(f"the server refused key {TOKEN}", log)
    assert TOKEN not in report.text and TOKEN not in report.summary
    assert TOKEN[8:24] not in report.text
    assert "[REDACTED]" in report.summary


def test_a_missing_log_or_workspace_still_gives_a_report(tmp_path: Path) -> None:
    report = _report("boom", tmp_path / "gone.log", dialect="")
    assert "Dialect: no workspace open" in report.text
    assert "(the log could not be read: No such file or directory)" in report.text
    assert "No log file." in _report("boom", None).text


def test_the_tail_of_a_big_log_is_read_from_its_end(tmp_path: Path) -> None:
    log = tmp_path / "crmdesk.log"
    log.write_text("x" * 200 + "\n" + "".join(f"entry {n:06d}\n" for n in range(200_000)), encoding="utf-8")
    tail = log_tail(log, count=3)
    assert tail == ["entry 199997", "entry 199998", "entry 199999"]
    assert log_tail(tmp_path / "empty.log") == ["(the log could not be read: No such file or directory)"]
    (tmp_path / "empty.log").write_text("")
    assert log_tail(tmp_path / "empty.log") == ["(the log is empty)"]


def test_reports_are_kept_private_and_none_overwrites_another(tmp_path: Path) -> None:
    report = _report("boom")
    first = write_report(report, tmp_path / "logs")
    second = write_report(report, tmp_path / "logs")  # the same second
    assert first is not None and second is not None and first != second
    assert first.name == "crash-20261202-093005.txt" and second.name == "crash-20261202-093005-1.txt"
    assert first.read_text(encoding="utf-8") == report.text
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_an_unwritable_log_folder_loses_the_file_not_the_report(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    assert write_report(_report("boom"), blocked / "logs") is None


def test_old_reports_make_room_for_new_ones(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for n in range(KEEP_REPORTS + 5):
        old = folder / f"crash-20250101-0000{n:02d}.txt"
        old.write_text("old")
        os.utime(old, ns=(n * 1_000_000_000, n * 1_000_000_000))
    newest = write_report(_report("boom"), folder)
    kept = sorted(folder.glob("crash-*.txt"))
    assert len(kept) == KEEP_REPORTS and newest in kept
    assert folder / "crash-20250101-000000.txt" not in kept and folder / "crash-20250101-000054.txt" in kept


def test_an_exception_that_cannot_say_what_it_is_still_gets_a_report() -> None:
    class Mute(Exception):
        def __str__(self) -> str:
            raise TypeError("no words")

    try:
        raise Mute()
    except Mute as error:
        report = build_report(Mute, error, error.__traceback__, thread_name="MainThread")
    assert report.summary.endswith("Mute: <exception str() failed>")
    assert "<exception str() failed>" in report.text
