"""An uncaught exception, in the GUI thread or any other, shows the crash dialog and keeps a report."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer, qCritical
from PySide6.QtGui import QGuiApplication

from crmdesk.context import AppContext
from crmdesk.logs import DEBUG_ENV, install_logging, installed_file
from crmdesk.store import Store
from crmdesk.ui.crash_reporter import MAX_REPORT_FILES, CrashReporter
from crmdesk.ui.dialogs.crash_dialog import QUEUED_UNKNOWN, CrashDialog, edits_safe_text
from crmdesk.ui.main_window import MainWindow
from tests.ui._desktop import OpenedUrls

ROOT = Path(__file__).resolve().parents[2]
UNCAUGHT = pytest.mark.allow_log_warnings("uncaught exception in ")


@pytest.fixture
def context(store: Store, tmp_path: Path, ui_context: Any) -> AppContext:
    """The synced 200-record workspace, with no sync running."""
    return ui_context(store, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: Any, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def reporter(window: MainWindow, context: AppContext) -> Iterator[CrashReporter]:
    assert context.store is not None
    store = context.store
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None, dialect=lambda: "aria",
                             queued=store.outbox.count, parent_widget=lambda: window)
    reporter.install(qt_messages=False)  # (pytest-qt's message handler stays: Qt warnings fail tests)
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.close()


def _crash_files(context: AppContext) -> list[Path]:
    return sorted(context.paths.log_dir.glob("crash-*.txt"))


def _dialog(qtbot: Any, reporter: CrashReporter) -> CrashDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert isinstance(reporter.dialog, CrashDialog)
    return reporter.dialog


@UNCAUGHT
def test_an_exception_in_a_slot_shows_the_dialog_and_says_the_edits_are_safe(
    qtbot: Any, window: MainWindow, context: AppContext, reporter: CrashReporter
) -> None:
    store = context.store
    assert store is not None
    person = next(iter(store.records.ids("people")))
    store.edits.update_record(person, {"job_title": "Head of sales"})
    store.edits.update_record(person, {"job_title": "Head of sales, EMEA"})
    queued = store.outbox.count()
    assert queued >= 1

    def broken_slot() -> None:
        raise LookupError("the view lost its row")

    with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
        QTimer.singleShot(0, broken_slot)  # PySide hands a slot's exception to sys.excepthook
    report, saved_to = reported.args
    dialog = _dialog(qtbot, reporter)
    assert dialog.summary.text() == "LookupError: the view lost its row"
    waiting = "1 edit waits" if queued == 1 else f"{queued} edits wait"
    assert dialog.safety.text().startswith(f"Your edits are safe: {waiting} to be sent")
    assert dialog.text.toPlainText() == report.text
    assert "Dialect: aria" in report.text and "in broken_slot" in report.text
    assert _crash_files(context) == [saved_to]
    assert saved_to.read_text(encoding="utf-8") == report.text
    assert str(saved_to) in dialog.advice.text()
    assert window.isVisible()  # the window goes on


@UNCAUGHT
def test_an_exception_ending_another_thread_reaches_the_dialog_in_the_gui_thread(
    qtbot: Any, context: AppContext, reporter: CrashReporter
) -> None:
    shown_in: list[str] = []
    reporter.reported.connect(lambda *_: shown_in.append(threading.current_thread().name))

    def work() -> None:
        raise ConnectionResetError("the server hung up")

    thread = threading.Thread(target=work, name="pull-pages")
    with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
        thread.start()
    thread.join()
    report, _ = reported.args
    assert shown_in == ["MainThread"]
    assert "Thread: pull-pages" in report.text
    assert _dialog(qtbot, reporter).summary.text() == "ConnectionResetError: the server hung up"


@UNCAUGHT
def test_a_second_problem_is_counted_in_the_open_dialog_and_kept_in_its_own_file(
    qtbot: Any, context: AppContext, reporter: CrashReporter
) -> None:
    for n in (1, 2):
        with qtbot.waitSignal(reporter.reported, timeout=5000):
            try:
                raise ValueError(f"problem {n}")
            except ValueError:
                sys.excepthook(*sys.exc_info())  # as Python calls it for an uncaught exception
    dialog = _dialog(qtbot, reporter)
    assert dialog.summary.text() == "ValueError: problem 1"
    assert dialog.more_label.isVisible()
    assert dialog.more_label.text().startswith("1 more problem since")
    assert len(_crash_files(context)) == 2


@UNCAUGHT
def test_copy_and_open_log_folder(
    qtbot: Any, context: AppContext, reporter: CrashReporter, opened_urls: OpenedUrls
) -> None:
    with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
        try:
            raise KeyError("stage")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    dialog = _dialog(qtbot, reporter)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == reported.args[0].text
    assert dialog.copy_button.text() == "Copied"
    dialog.open_logs_button.click()
    assert [url.toLocalFile() for url in opened_urls.urls] == [str(context.paths.log_dir)]
    dialog.continue_button.click()
    assert not dialog.isVisible()


def test_ctrl_c_in_a_terminal_is_not_a_crash(context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda exc_type, *_: seen.append(exc_type))  # Python's, as it were
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None)
    reporter.install(qt_messages=False)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        reporter.uninstall()
    assert seen == [KeyboardInterrupt]
    assert _crash_files(context) == [] and reporter.dialog is None


def test_hooks_are_put_back_and_installing_twice_changes_nothing(context: AppContext) -> None:
    before = (sys.excepthook, threading.excepthook)
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None)
    reporter.install(qt_messages=False)
    reporter.install(qt_messages=False)
    assert (sys.excepthook, threading.excepthook) == (reporter.on_exception, reporter.on_thread_exception)
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@UNCAUGHT
def test_a_failure_while_reporting_never_comes_back_into_the_reporter(
    qtbot: Any, context: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report over a window that is gone: the reporting fails, Python's own hook prints both
    problems, the report file is there, and the next problem is reported again."""
    def gone() -> Any:
        raise RuntimeError("Internal C++ object (MainWindow) already deleted.")

    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None, parent_widget=gone)
    reporter.install(qt_messages=False)
    try:
        for n in (1, 2):
            try:
                raise LookupError(f"problem {n}")
            except LookupError:
                sys.excepthook(*sys.exc_info())
            qtbot.waitUntil(lambda n=n: len(_crash_files(context)) == n)
    finally:
        reporter.uninstall()
    printed = capsys.readouterr().err
    assert printed.count("RuntimeError: Internal C++ object (MainWindow) already deleted.") == 2
    assert "LookupError: problem 1" in printed and "LookupError: problem 2" in printed
    assert reporter.dialog is None


@UNCAUGHT
def test_values_crmdesk_quotes_and_the_exception_s_own_log_record_stay_out_of_the_report(
    qtbot: Any, context: AppContext
) -> None:
    installed = install_logging(context.paths, console_level=None)
    reporter = CrashReporter(context.paths.log_dir, log_file=installed_file, show_dialog=False)
    reporter.install(qt_messages=False)
    try:
        logging.getLogger("crmdesk.sync.engine").info("pulled 20 records")
        with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
            try:
                raise ValueError("“ann@acme.example” is not an email address like name@example.com")
            except ValueError:
                sys.excepthook(*sys.exc_info())
    finally:
        reporter.uninstall()
        installed.remove()
    report = reported.args[0]
    assert report.summary == "ValueError: “…” is not an email address like name@example.com"
    assert "ann@acme.example" not in report.text
    tail = report.text.split("The last lines of the log", 1)[1]
    assert "pulled 20 records" in tail
    assert "uncaught exception in" not in tail  # the traceback is in the report once, not twice


@pytest.mark.allow_log_warnings("crmdesk could not start")
def test_a_failure_before_the_window_is_reported_at_once(qtbot: Any, context: AppContext) -> None:
    """``crmdesk`` fails while opening (no event loop yet): the dialog is shown and waited on."""
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None, queued=lambda: None)
    reporter.install(qt_messages=False)
    seen: list[str] = []

    def answer() -> None:
        seen.append(reporter.dialog.safety.text())
        reporter.dialog.continue_button.click()

    QTimer.singleShot(0, answer)
    try:
        reporter.report_now(OSError(28, "No space left on device"))
    finally:
        reporter.uninstall()
    assert seen == ["No workspace is open, so no edit of yours is at stake."]
    (saved,) = _crash_files(context)
    assert "OSError: [Errno 28] No space left on device" in saved.read_text(encoding="utf-8")


def test_what_the_dialog_says_of_the_edits() -> None:
    assert edits_safe_text(None) == "No workspace is open, so no edit of yours is at stake."
    assert edits_safe_text(QUEUED_UNKNOWN).startswith("crmdesk could not read the workspace file to count")
    assert edits_safe_text(0).startswith("Every edit you made is saved")
    assert edits_safe_text(1).startswith("Your edits are safe: 1 edit waits to be sent")
    assert edits_safe_text(1200).startswith("Your edits are safe: 1,200 edits wait to be sent")


def test_qt_messages_reach_the_log_and_a_fatal_one_leaves_a_report(
    context: AppContext, caplog: pytest.LogCaptureFixture, qtlog: Any
) -> None:
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None, show_dialog=False)
    reporter.install()
    try:
        qCritical("QPainter::begin: Paint device returned engine == 0")
    finally:
        reporter.uninstall()
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("qt", "ERROR", "QPainter::begin: Paint device returned engine == 0")]
    caplog.clear()
    # A fatal message aborts the process once the handler returns: only the file can be left.
    from PySide6.QtCore import QtMsgType

    reporter.on_qt_message(QtMsgType.QtFatalMsg, None, "Could not find the Qt platform plugin")
    caplog.clear()
    (saved,) = _crash_files(context)
    assert "RuntimeError: Qt fatal error: Could not find the Qt platform plugin" in saved.read_text(encoding="utf-8")


@UNCAUGHT
def test_help_menu_has_a_crash_test_in_debug_mode_only(
    qtbot: Any, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = MainWindow(context)
    qtbot.addWidget(plain)
    assert plain.help_menu.crash_test_action is None
    assert [a.text() for a in plain.help_menu.menu.actions() if a.text()] == ["Open log folder", "About crmdesk"]
    monkeypatch.setenv(DEBUG_ENV, "1")
    debug = MainWindow(context)
    qtbot.addWidget(debug)
    reporter = CrashReporter(context.paths.log_dir, log_file=lambda: None, parent_widget=lambda: debug)
    reporter.install(qt_messages=False)
    try:
        assert debug.help_menu.crash_test_action is not None
        with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
            debug.help_menu.crash_test_action.trigger()
    finally:
        reporter.uninstall()
    assert reported.args[0].summary.startswith("CrashTest: a test of the crash reporter")
    assert reporter.dialog is not None and reporter.dialog.isVisible()
    reporter.dialog.close()


def test_the_app_started_with_crmdesk_crash_test_writes_a_report(tmp_path: Path) -> None:
    """The whole wiring: ``crmdesk`` installs the reporter before its first paint (the demo workspace,
    offscreen), and the forced exception leaves its report in the log folder; the app carries on."""
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), CRMDESK_CRASH_TEST="1")
    result = subprocess.run(
        [sys.executable, "-m", "crmdesk", "--data-dir", str(data), "--demo", "--screenshot",
         str(tmp_path / "shot.png"), "--view", "deals"],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "object:deals (ObjectView)" in result.stdout
    (report,) = (data / "logs").glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "CrashTest: a test of the crash reporter" in text
    assert "Dialect: aria" in text
    assert "uncaught exception in MainThread" in (data / "logs" / "crmdesk.log").read_text(encoding="utf-8")


@UNCAUGHT
def test_an_error_that_keeps_coming_back_does_not_fill_the_log_folder(
    qtbot: Any, context: AppContext, reporter: CrashReporter
) -> None:
    for n in range(MAX_REPORT_FILES + 3):
        with qtbot.waitSignal(reporter.reported, timeout=5000) as reported:
            try:
                raise TimeoutError(f"round {n}")
            except TimeoutError:
                sys.excepthook(*sys.exc_info())
    assert reported.args[1] is None  # the last ones: shown, logged, not saved
    assert len(_crash_files(context)) == MAX_REPORT_FILES
    dialog = _dialog(qtbot, reporter)
    assert dialog.more_label.text().startswith(f"{MAX_REPORT_FILES + 2} more problems since")
