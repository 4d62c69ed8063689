"""Catches what nothing else caught, in any thread, and shows it (``dialogs/crash_dialog.py``).

Three doors lead here:

* ``sys.excepthook``: an exception in the GUI thread, including one raised in a slot or a Qt
  virtual override (PySide prints those through the hook and goes on), and one in a Python
  ``QRunnable`` or ``QThread`` (same route, in that thread);
* ``threading.excepthook``: an exception that ends a ``threading.Thread``;
* Qt's message handler: Qt's own warnings go to the log, and a fatal one writes a report before
  Qt aborts the process (there is no window left to show it in).

Whatever the thread, the report is built and shown in the GUI thread: the hooks only log the
exception and emit a signal, which Qt queues to this object's thread. One dialog at a time: a
problem while it is open is counted in it, and each gets its own report file.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QThread, QtMsgType, Signal, qInstallMessageHandler, qVersion

from crmdesk.crash_report import CrashReport, build_report, log_tail, write_report
from crmdesk.ui.dialogs.crash_dialog import QUEUED_UNKNOWN, CrashDialog

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

#: Set in the environment, the window raises an exception once it has painted: proof that a
#: crash reaches the dialog and the log folder (``crmdesk.app``; Help ▸ in debug mode too).
CRASH_TEST_ENV = "CRMDESK_CRASH_TEST"

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

#: Report files one session writes at most: an error repeating every sync round must not fill the
#: log folder (the log still records each one).
MAX_REPORT_FILES = 20

ExcInfo = tuple[type[BaseException], BaseException | None, TracebackType | None]


class CrashTest(RuntimeError):
    """The exception ``CRMDESK_CRASH_TEST`` and Help ▸ Test the crash reporter raise."""


def raise_crash_test() -> None:
    raise CrashTest("a test of the crash reporter (CRMDESK_CRASH_TEST or Help ▸ Test the crash reporter)")


class CrashReporter(QObject):
    #: A report was built, saved (its path, or None) and shown.
    reported = Signal(object, object)
    _caught = Signal(object, object, object, str, object)

    def __init__(self, log_dir: Path, *, log_file: Callable[[], Path | None],
                 dialect: Callable[[], str] = lambda: "", queued: Callable[[], int | None] = lambda: None,
                 parent_widget: Callable[[], Any] = lambda: None, show_dialog: bool = True) -> None:
        """``queued``: the edits still to be sent, None when no workspace is open (a failure to
        count them is told apart: ``QUEUED_UNKNOWN``)."""
        super().__init__()
        self.log_dir = log_dir
        self._log_file = log_file
        self._dialect = dialect
        self._queued = queued
        self._parent_widget = parent_widget
        self._show_dialog = show_dialog
        self.dialog: Any = None
        self._installed = False
        self._previous_sys_hook: Callable[..., Any] = sys.__excepthook__
        self._previous_thread_hook: Callable[..., Any] = threading.__excepthook__
        self._previous_qt_handler: Any = None
        self._qt_handler_installed = False
        #: True while a report is being made in the GUI thread: an exception raised by the
        #: reporting itself goes to Python's own hook instead of coming back here.
        self._reporting = False
        self.files_written = 0
        self._caught.connect(self._report)

    # -- installing -------------------------------------------------------------------------

    def install(self, *, qt_messages: bool = True) -> None:
        """Take over the hooks (the previous ones are kept: ``uninstall`` puts them back, and a
        Ctrl+C in a terminal still goes to Python's). Installing twice changes nothing."""
        if self._installed:
            return
        self._installed = True
        self._previous_sys_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.on_exception
        threading.excepthook = self.on_thread_exception
        if qt_messages:
            self._previous_qt_handler = qInstallMessageHandler(self.on_qt_message)
            self._qt_handler_installed = True

    def uninstall(self) -> None:
        """Put the previous hooks back, where ours are still in place (a hook installed after
        ours stays)."""
        if not self._installed:
            return
        self._installed = False
        if sys.excepthook == self.on_exception:
            sys.excepthook = self._previous_sys_hook
        if threading.excepthook == self.on_thread_exception:
            threading.excepthook = self._previous_thread_hook
        if self._qt_handler_installed:
            qInstallMessageHandler(self._previous_qt_handler)
            self._qt_handler_installed = False

    # -- the doors (any thread) -------------------------------------------------------------

    def on_exception(self, exc_type: type[BaseException], exc_value: BaseException | None,
                     exc_traceback: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_sys_hook(exc_type, exc_value, exc_traceback)
            return
        self._caught_in(threading.current_thread().name, (exc_type, exc_value, exc_traceback))

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # a thread that asked to end, as Python's own hook treats it
        name = args.thread.name if args.thread is not None else "a thread"
        self._caught_in(name, (args.exc_type, args.exc_value, args.exc_traceback))

    def _caught_in(self, thread_name: str, exc_info: ExcInfo) -> None:
        if self._reporting and QThread.currentThread() == self.thread():
            sys.__excepthook__(*exc_info)  # raised while reporting: never back into the reporter
            return
        try:
            # The log's end as it was: the record below repeats the traceback the report has.
            tail = self._tail()
            log.critical("uncaught exception in %s", thread_name, exc_info=exc_info)
            self._caught.emit(*exc_info, thread_name, tail)  # queued to the GUI thread when raised elsewhere
        except Exception:  # the reporter itself failed: Python's hook still prints the first one
            sys.__excepthook__(*exc_info)

    def on_qt_message(self, mode: QtMsgType, context: Any, message: str) -> None:
        level = _QT_LEVELS.get(mode, logging.WARNING)
        qt_log.log(level, "%s", message)
        if mode == QtMsgType.QtFatalMsg:
            # Qt aborts the process when this returns: the file is all the user will have.
            report = build_report(RuntimeError, RuntimeError(f"Qt fatal error: {message}"), None,
                                  thread_name=threading.current_thread().name, qt_version=qVersion(),
                                  dialect=self._safe(self._dialect, ""), log_file=self._safe(self._log_file, None))
            write_report(report, self.log_dir)

    # -- the report (GUI thread) ------------------------------------------------------------

    def _report(self, exc_type: type[BaseException], exc_value: BaseException | None,
                exc_traceback: TracebackType | None, thread_name: str, tail: list[str] | None) -> None:
        self._reporting = True
        try:
            report = build_report(exc_type, exc_value, exc_traceback, thread_name=thread_name,
                                  qt_version=qVersion(), dialect=self._safe(self._dialect, ""),
                                  log_file=self._safe(self._log_file, None), log_lines=tail)
            saved_to = None
            if self.files_written < MAX_REPORT_FILES:
                saved_to = write_report(report, self.log_dir)
            if saved_to is not None:
                self.files_written += 1
                log.info("crash report saved as %s", saved_to)
            if self._show_dialog:
                self._show(report, saved_to)
            self.reported.emit(report, saved_to)
        except Exception:
            # Reporting failed (a window already deleted, a full disk…): both exceptions are
            # printed, and the log has the first already.
            sys.__excepthook__(*sys.exc_info())
            sys.__excepthook__(exc_type, exc_value or exc_type(), exc_traceback)
        finally:
            self._reporting = False

    def _show(self, report: CrashReport, saved_to: Path | None) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_another()
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = CrashDialog(report, saved_to=saved_to, log_dir=self.log_dir,
                                  queued=self._safe(self._queued, QUEUED_UNKNOWN), parent=self._parent_widget())
        self.dialog.open()  # window-modal, not a nested event loop: the hooks may fire again meanwhile

    def report_now(self, error: BaseException) -> None:
        """Report ``error`` at once, in a dialog that waits for the user (``exec``): for a failure
        before the window's event loop runs, when a queued report would never be shown."""
        tail = self._tail()
        log.critical("crmdesk could not start", exc_info=error)
        self._report(type(error), error, error.__traceback__, threading.current_thread().name, tail)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.exec()

    def _tail(self) -> list[str] | None:
        """The log's last lines now, before the exception's own record is written (None: no log)."""
        return self._safe(lambda: log_tail(path) if (path := self._log_file()) else None, None)

    @staticmethod
    def _safe(read: Callable[[], Any], fallback: Any) -> Any:
        """A detail for the report, or ``fallback`` when reading it fails too (the store may be
        what broke): a report is never lost for want of a detail."""
        try:
            return read()
        except Exception:
            return fallback
