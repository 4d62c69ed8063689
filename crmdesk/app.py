"""Wiring: build the application context and start the GUI."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.context import AppContext
from crmdesk.paths import Paths

if TYPE_CHECKING:
    from crmdesk.context import DemoServer
    from crmdesk.ui.crash_reporter import CrashReporter
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.single_instance import SingleInstance
    from crmdesk.ui.workspace_switcher import StartWorkspace
    from crmdesk.workspaces import WorkspaceSummary

log = logging.getLogger(__name__)

__all__ = ["open_window", "run_gui", "view_target"]


def _start_demo_server(data_dir: Path) -> DemoServer:
    """The window's demo starter (``AppContext.start_demo``): the UI never imports the sandbox."""
    from crmdesk.sandbox.server import start_demo_sandbox  # uvicorn and SQLModel load only for the demo

    return start_demo_sandbox(data_dir)


def _start_demo(context: AppContext, server: DemoServer | None = None) -> None:
    """Start the local sandbox server (unless the welcome screen already did, off the GUI
    thread) and a demo workspace synced with it."""
    from crmdesk.ui.workspace_switcher import open_demo_workspace

    open_demo_workspace(context, server or _start_demo_server(context.paths.data_dir))


def _ask_for_workspace(workspaces: list[WorkspaceSummary], parent: Any = None) -> Path | None:
    """The workspace chooser, loaded only when there is a choice to make (rarely: the last
    workspace opens by itself), not on every start before the first paint."""
    from crmdesk.ui.dialogs.workspace_chooser import ask_for_workspace

    return ask_for_workspace(workspaces, parent)


def view_target(context: AppContext, view: str) -> str:
    """``--view`` → a navigation target: home, dashboard, reminders, tasks, notes, notifications, record:<id>,
    list:<id>, an object slug (its table) or board:<slug> (its board)."""
    if view in ("home", "dashboard", "reminders", "tasks", "notes", "notifications") or view.startswith(
        ("record:", "list:", "object:", "dashboard:")
    ):
        return view
    mode, _, slug = view.rpartition(":")
    # The object's Table | Board switch is remembered under this key (crmdesk.ui.views.object_view),
    # so the view opens in that mode whenever it is built (now, or after a first sync).
    if context.settings is not None:
        context.settings.setValue(f"view/object-{slug}/mode", "board" if mode == "board" else "table")
    return f"object:{slug}"


def show_start_problem(window: Any, start: StartWorkspace) -> Any:
    """The message box telling why the workspace named or chosen did not open (the window shows
    the welcome screen behind it), opened window-modal without blocking; None when all is well
    or there is nothing to tell (no workspace yet: the welcome screen says what to do)."""
    if not start.failed:
        return None
    from crmdesk.ui.text import plain_message_box

    box = plain_message_box(window, "crmdesk could not open the workspace", start.problem)
    box.open()
    return box


def open_window(context: AppContext, first_view: str | None, reopened: Path | None) -> MainWindow:
    """Build and show the main window over the workspace ``context`` holds (``reopened``: its file,
    when its sync is still to be attached). The worker, and the keyring look-up before it (its
    thread imports the network stack), start once the window has painted: neither changes the
    first picture, and both would delay it."""
    from crmdesk.ui.main_window import MainWindow

    window = MainWindow(context, first_view=first_view)
    window.show()
    if context.sync is not None:  # the demo's, attached already
        sync = context.sync
        # Not if the workspace was switched or closed before the paint: that stopped this sync.
        window.after_first_paint(lambda: sync.start() if context.sync is sync else None)
    elif reopened is not None:
        window.attach_sync_after_first_paint(reopened)
    return window


def _claim_data_dir(paths: Paths) -> tuple[SingleInstance | None, int | None]:
    """(this process's claim on the data dir, None) when the window may open; (None, exit code)
    when another crmdesk has it: brought to the front (0), or holding it without answering (1)."""
    from crmdesk.logs import SHOWN
    from crmdesk.ui.single_instance import Claim, SingleInstance, held_message

    single = SingleInstance(paths.data_dir)
    claim = single.claim()
    if claim is Claim.FIRST:
        return single, None
    if claim is Claim.RAISED:
        print(f"crmdesk is already running with the data folder {paths.data_dir}: its window was asked "
              "to come to the front.", file=sys.stderr)
        return None, 0
    if claim is Claim.STARTING:
        print(f"crmdesk is already starting with the data folder {paths.data_dir}: its window comes to the "
              "front when it opens.", file=sys.stderr)
        return None, 0
    assert single.holder is not None
    message = held_message(paths.data_dir, single.holder)
    log.warning("%s", message, extra=SHOWN)
    print(f"crmdesk: {message}", file=sys.stderr)
    from crmdesk.ui.text import plain_message_box

    plain_message_box(None, "crmdesk is already running", message).exec()
    return None, 1


def _crash_reporter(paths: Paths, shown: dict[str, Any]) -> CrashReporter:
    """Every uncaught exception, in any thread, from now on shows the crash dialog
    (crmdesk.ui.crash_reporter), over the window once ``shown`` holds it (``"window"``, with its
    ``"context"``), and names the open workspace's dialect and the edits still to be sent."""
    from crmdesk.logs import installed_file
    from crmdesk.store.schema_repo import DIALECT_META
    from crmdesk.ui.crash_reporter import CrashReporter
    from crmdesk.ui.widgets.sync_status import count_waiting

    def store() -> Any:
        context = shown.get("context")
        return context.store if context is not None else None

    def dialect() -> str:
        return (store().schema.get_meta(DIALECT_META) or "") if store() is not None else ""

    def queued() -> int | None:
        """Edits still to be sent, as the status bar counts them (refused ones wait for the user)."""
        return count_waiting(store()).waiting if store() is not None else None

    reporter = CrashReporter(paths.log_dir, log_file=installed_file, dialect=dialect, queued=queued,
                             parent_widget=lambda: shown.get("window"))
    reporter.install()
    return reporter


def run_gui(options: argparse.Namespace) -> int:
    if options.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = Paths.resolve(options.data_dir)
    from crmdesk.logs import SHOWN, install_logging
    from crmdesk.store.errors import StoreError

    install_logging(paths)  # (already done when started through crmdesk.cli: then nothing happens)
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    from crmdesk import __version__

    # The log's first lines of a session: what a crash report's log tail starts from.
    log.info("crmdesk %s starting, data folder %s", __version__, paths.data_dir)
    log.debug("Python %s, Qt %s, %s", sys.version.split()[0], qVersion(), sys.platform)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from crmdesk.ui.gc_guard import MainThreadCollector

    # Cycles are freed in this thread only: a Qt wrapper freed in the sync worker's thread
    # crashes the process (crmdesk.ui.gc_guard).
    collector = MainThreadCollector(app)
    try:
        paths.ensure()
    except StoreError as error:  # a read-only data dir: say so, before any window
        log.warning("cannot start: %s", error.message, extra=SHOWN)
        print(f"crmdesk: {error.message}", file=sys.stderr)
        if not options.screenshot:
            from crmdesk.ui.text import plain_message_box

            plain_message_box(None, "crmdesk cannot start", error.message).exec()
        return 1
    app.setApplicationName("crmdesk")
    app.setOrganizationName("crmdesk")
    app.setDesktopFileName("io.github.crmdesk.CrmDesk")
    single = None
    if not options.screenshot:  # an unattended picture never raises or blocks the user's window
        single, refused = _claim_data_dir(paths)
        if refused is not None:
            return refused
    shown: dict[str, Any] = {}
    reporter = _crash_reporter(paths, shown)
    try:
        started = _open(app, options, paths, shown)
    except Exception as error:
        if "context" in shown:
            with contextlib.suppress(Exception):  # the start's own error is the one to report
                _stop_workspace(shown["context"])
        if options.screenshot:
            raise  # unattended: the traceback on stderr and the log is the report
        # No event loop runs yet, so a queued report would never show: now, and wait for the user.
        reporter.report_now(error)
        reporter.uninstall()
        return 1
    if started is None:
        _stop_workspace(shown["context"])
        reporter.uninstall()
        return 1
    context, window = started

    def shut_down() -> None:
        _stop_workspace(context)
        # A keyring look-up still running would report to a window that is about to be deleted.
        window.finish_background_work()
        collector.stop()
        reporter.uninstall()
        if single is not None:
            single.release()

    app.aboutToQuit.connect(shut_down)
    if single is not None:
        single.connect_window(window.bring_to_front)
    from crmdesk.ui.crash_reporter import CRASH_TEST_ENV, raise_crash_test

    if os.environ.get(CRASH_TEST_ENV):
        from PySide6.QtCore import QTimer

        window.after_first_paint(lambda: QTimer.singleShot(0, raise_crash_test))
    if options.screenshot:
        # With the demo's sync, wait for its first round so the picture shows data; otherwise for
        # the keyring look-up (the status bar then says whether the workspace is signed in).
        window.save_screenshot_when_ready(options.screenshot, wait_for_sync=context.sync is not None,
                                          size=options.screenshot_size)
    return app.exec()


def _stop_workspace(context: AppContext) -> None:
    """The sync, the services beside the workspace (the demo's server) and the workspace file: at
    quit, and after a start that did not get as far as a window."""
    if context.sync is not None:
        context.sync.stop()
    for service in context.services:
        service.stop()
    if context.store is not None:
        context.store.close()


def _open(app: Any, options: argparse.Namespace, paths: Paths,
          shown: dict[str, Any]) -> tuple[AppContext, MainWindow] | None:
    """The theme, the context, the start workspace and the shown window (None: a screenshot or
    view with no workspace to show, said on stderr)."""
    from crmdesk.ui import theme
    from crmdesk.ui.workspace_switcher import StartWorkspace

    theme.apply(app)  # spacing, hover/pressed, the focus ring, visible check boxes (crmdesk.ui.theme)
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(Path(__file__).parent / "resources" / "crmdesk.svg")))
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crmdesk.ui.navigation import Navigator

    # UI state lives next to the data when --data-dir is given, so test runs never touch a real profile.
    settings = (
        QSettings(str(paths.data_dir / "settings.ini"), QSettings.Format.IniFormat)
        if options.data_dir or os.environ.get("CRMDESK_DATA_DIR")
        else QSettings()
    )
    context = AppContext(paths=paths, navigator=Navigator(), undo_stack=QUndoStack(), settings=settings,
                         start_demo=_start_demo_server)
    shown["context"] = context
    reopened = None
    start = StartWorkspace(None)
    if options.demo:
        _start_demo(context)
    else:
        from crmdesk.ui.workspace_switcher import open_start_workspace

        # A screenshot runs unattended: it never waits on a dialog. The sync (and the keyring
        # look-up it needs) is attached after the first paint.
        start = open_start_workspace(context, requested=options.workspace,
                                     ask=None if options.screenshot else _ask_for_workspace, with_sync=False)
        reopened = start.path
        if reopened is None and (options.view or options.screenshot):
            # Drawing the welcome page instead of the view asked for would hide the problem.
            print(f"crmdesk: {start.problem}", file=sys.stderr)
            return None
    # Only the first view is built at start: the one asked for, else the last one used.
    window = open_window(context, view_target(context, options.view) if options.view else None, reopened)
    shown["window"] = window
    show_start_problem(window, start)
    return context, window
