"""The log file: ``<log dir>/crmdesk.log``, rotated, every record redacted.

``install_logging`` is called once at the start of the window and of each command (``cli.main``);
it puts two handlers on the root logger, so records from every logger (crmdesk's, httpx's, Qt's
relays) reach them:

* the file, ``Paths.log_file`` (under ``<data dir>/logs`` with ``--data-dir``, else the
  platform's log folder), rotated at 1 MiB with five older files kept, created mode 0600 with
  the first record;
* stderr, WARNING and above, in the short form the commands always printed.

Both carry the token redaction filter (``remote.redact.RedactingFilter``) on the handler, not on
a logger: a handler's filter sees records propagated from every library. Installing twice adds
nothing (the root logger's handlers say whether it is done; no module state). ``CRMDESK_DEBUG``
lowers the file to DEBUG (stderr to INFO) and lets httpx's one-line-per-request records into the
file. ``--log-level`` (debug, info, warning, error) sets the file's level instead; debug does
what ``CRMDESK_DEBUG`` does.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path

from crmdesk.paths import Paths
from crmdesk.remote.redact import RedactingFilter

DEBUG_ENV = "CRMDESK_DEBUG"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
CONSOLE_FORMAT = "%(levelname)s %(name)s: %(message)s"
#: Libraries that log every request at INFO: in the file only with CRMDESK_DEBUG.
CHATTY = ("httpx", "httpcore")
#: What ``--log-level`` takes.
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class LogFileHandler(RotatingFileHandler):
    """crmdesk's log file: private (0600) like the workspace files, as it may name records; and
    a file that stops taking records (a disk filled up) says so once on stderr, not per record."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        self._complained = False
        # Opened with the first record: ``crmdesk --version`` makes no folder and no file.
        super().__init__(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True)

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # (self.mode is "a")

    def handleError(self, record: logging.LogRecord) -> None:  # logging override
        if not self._complained:
            self._complained = True
            error = sys.exc_info()[1]
            print(f"crmdesk: the log file {self.baseFilename} cannot be written ({error}); "
                  "going on without it.", file=sys.stderr)


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings and errors on stderr (the stream current when installed: tests capture it), but
    not a record logged with ``extra=SHOWN``: its message was printed for the user already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "shown", False) and super().filter(record)


#: ``log.warning(..., extra=SHOWN)``: for the file only, the user has read it on stderr already.
SHOWN = {"shown": True}


class QuietLibraries(logging.Filter):
    """Drops the chatty libraries' records below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith(CHATTY)


@dataclass
class InstalledLogging:
    """What ``install_logging`` added; ``remove()`` takes it away again (a command run inside a
    test process must not leave handlers on the root logger)."""

    handlers: list[logging.Handler] = field(default_factory=list)
    previous_level: int | None = None
    #: The log file, when there is one.
    file: Path | None = None
    #: Why there is none, when the user should know.
    problem: str = ""

    def remove(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        if self.previous_level is not None:
            root.setLevel(self.previous_level)
        self.handlers.clear()


def installed_file(root: logging.Logger | None = None) -> Path | None:
    """The log file a handler on the root logger writes, if ``install_logging`` put one there."""
    for handler in (root or logging.getLogger()).handlers:
        if isinstance(handler, LogFileHandler):
            return Path(handler.baseFilename)
    return None


def install_logging(
    paths: Paths,
    *,
    console_level: int | None = logging.WARNING,
    debug: bool | None = None,
    level: int | None = None,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> InstalledLogging:
    """Log to ``paths.log_file`` (and stderr at ``console_level``; None: not at all), redacted.

    Nothing is added when crmdesk's handlers are already on the root logger. The folder and the
    file are made with the first record; one that cannot be written leaves crmdesk without a log
    file (said once on stderr), not without a window. ``level`` (``--log-level``) is the file's
    level; DEBUG is what ``CRMDESK_DEBUG`` turns on.
    """
    root = logging.getLogger()
    if any(isinstance(handler, LogFileHandler | ConsoleHandler) for handler in root.handlers):
        return InstalledLogging(file=installed_file(root))
    if level is None:
        debug = bool(os.environ.get(DEBUG_ENV)) if debug is None else debug
        level = logging.DEBUG if debug else logging.INFO
    else:
        debug = level <= logging.DEBUG
    redactor = RedactingFilter()
    installed = InstalledLogging(previous_level=root.level)
    if _can_write(paths.log_dir):
        file_handler = LogFileHandler(paths.log_file, max_bytes, backup_count)
        file_handler.setLevel(level)
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        file_handler.addFilter(redactor)
        if not debug:
            file_handler.addFilter(QuietLibraries())
        installed.handlers.append(file_handler)
        installed.file = Path(file_handler.baseFilename)
    elif _can_write(paths.data_dir):
        # Only the log folder is in the way: say so. (A read-only data dir is what the command
        # or the window reports, in one message.)
        installed.problem = f"crmdesk cannot write its log file in {paths.log_dir} (not writable)"
    if console_level is not None:
        console = ConsoleHandler(sys.stderr)
        console.setLevel(min(console_level, logging.INFO) if debug else console_level)
        console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        console.addFilter(redactor)
        installed.handlers.append(console)
    if root.level != logging.NOTSET:  # (NOTSET lets everything through already)
        root.setLevel(min(root.level, level))  # WARNING, Python's default, would hide INFO from the file
    for handler in installed.handlers:
        root.addHandler(handler)
    if installed.problem:
        logging.getLogger(__name__).warning("%s", installed.problem)
    return installed


def _can_write(folder: Path) -> bool:
    """Whether this user may create ``folder``'s files: in it, or in the nearest folder that exists."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False
