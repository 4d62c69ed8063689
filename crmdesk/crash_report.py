"""What crmdesk says about an uncaught exception: a plain-text report a user can read, copy and send.

The report holds what a developer needs to find the bug: the version, the platform, Python and
Qt, the open workspace's dialect, the exception with its frames, and the tail of the log file.
Every line passes the token redaction the log file uses (``remote.redact``), so a token that
reached an exception message or a log line is replaced before anything is shown or written, and
values crmdesk quotes in its messages (“…”: a typed email, a refused phone number) are replaced
by “…”. What a library or a server wrote unquoted can still appear: the dialog asks the user to
read the report before sending it.

Kept free of Qt so it can be built from any thread and tested without a window; the dialog
that shows it is ``ui/dialogs/crash_dialog.py`` and the hooks that call it ``ui/crash_reporter.py``.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from crmdesk import __version__
from crmdesk.remote.redact import redact

#: How much of the log file's end goes into a report.
LOG_TAIL_LINES = 40
#: A log file is read from its end only: a report never reads megabytes.
_LOG_TAIL_BYTES = 64 * 1024
#: Report files kept in the log folder: the oldest go when there are more.
KEEP_REPORTS = 50
#: A value as crmdesk quotes it in a message: “ann@example.com” is not …
_QUOTED = re.compile(r"“[^”\n]*”")


@dataclass(frozen=True)
class CrashReport:
    """One uncaught exception, as the dialog shows it and the file keeps it."""

    #: One line for the dialog's heading: the exception's type and message.
    summary: str
    #: The whole report (plain text, redacted).
    text: str
    #: When it happened (aware, UTC).
    at: datetime


def build_report(
    exc_type: type[BaseException],
    exc_value: BaseException | None,
    exc_traceback: TracebackType | None,
    *,
    thread_name: str,
    qt_version: str = "",
    dialect: str = "",
    log_file: Path | None = None,
    log_lines: list[str] | None = None,
    now: datetime | None = None,
) -> CrashReport:
    """``log_lines``: the log's end as it was before this exception was logged (else read from
    ``log_file`` now)."""
    at = now or datetime.now(UTC)
    # (traceback's own wording survives an exception whose str() fails, which str() would not)
    summary = traceback.format_exception_only(exc_type, exc_value)[-1].strip()
    summary = hide(summary.removeprefix(f"{exc_type.__module__}."))  # "CrashTest: …", not "crmdesk.ui…"
    frames = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    lines = [
        f"crmdesk {__version__} crash report",
        f"When: {at.isoformat(timespec='seconds')}",
        f"Thread: {thread_name}",
        f"Platform: {platform_text()}",
        f"Python: {platform.python_version()} ({sys.executable and Path(sys.executable).name})",
        f"Qt: {qt_version or 'not loaded'}",
        f"Dialect: {dialect or 'no workspace open'}",
        "",
        "What happened:",
        frames.rstrip("\n"),
        "",
        f"The last lines of the log ({log_file}):" if log_file else "No log file.",
    ]
    if log_file is not None:
        lines.extend(log_lines if log_lines is not None else log_tail(log_file))
    return CrashReport(summary=summary, text=hide("\n".join(lines)) + "\n", at=at)


def platform_text() -> str:
    """The operating system and machine, as the report and Help ▸ About name them."""
    return f"{platform.platform()} ({platform.machine()})"


def hide(text: str) -> str:
    """``text`` with secrets and the values crmdesk quotes (“…”) replaced."""
    return _QUOTED.sub("“…”", redact(text))


def log_tail(path: Path, count: int = LOG_TAIL_LINES) -> list[str]:
    """The last ``count`` lines of the log file (already redacted when written), or one line
    saying why there are none: a report is never lost for want of its log."""
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - _LOG_TAIL_BYTES))
            data = file.read()
    except OSError as error:
        return [f"(the log could not be read: {error.strerror or error})"]
    text = data.decode("utf-8", errors="replace")
    if size > _LOG_TAIL_BYTES:
        text = text.partition("\n")[2]  # the first line read may be cut in half
    return text.splitlines()[-count:] or ["(the log is empty)"]


def write_report(report: CrashReport, log_dir: Path) -> Path | None:
    """Keep ``report`` beside the log file as ``crash-<when>.txt`` (readable by this user only);
    None when the folder cannot be written (the dialog still shows the report)."""
    stamp = report.at.strftime("%Y%m%d-%H%M%S")
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        for attempt in range(100):  # two crashes in one second keep both reports
            path = log_dir / (f"crash-{stamp}.txt" if attempt == 0 else f"crash-{stamp}-{attempt}.txt")
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(report.text)
            _prune(log_dir)
            return path
    except OSError:
        return None
    return None


def _prune(log_dir: Path) -> None:
    """Keep the newest ``KEEP_REPORTS`` reports: an error that comes back every session must not
    fill the disk."""
    reports = sorted(log_dir.glob("crash-*.txt"), key=lambda path: path.stat().st_mtime_ns)
    for old in reports[:-KEEP_REPORTS]:
        old.unlink(missing_ok=True)
