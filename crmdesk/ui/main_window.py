"""The main window: sidebar, the current view, and the sync status bar."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from crmdesk.store.changes import ChangeSet
from crmdesk.ui.change_feed import ChangeFeed
from crmdesk.ui.help_menu import HelpMenu
from crmdesk.ui.history import History
from crmdesk.ui.icons import action_icon
from crmdesk.ui.nav_controls import NavigationControls, follow_in_sidebar
from crmdesk.ui.open_views import OpenViews
from crmdesk.ui.recent_visits import watch_visits
from crmdesk.ui.view_focus import ViewStack, focus_view
from crmdesk.ui.when import format_when
from crmdesk.ui.widgets.sidebar import Sidebar
from crmdesk.ui.widgets.status_hint import KEY_HINT_NAME
from crmdesk.ui.widgets.sync_status import SyncStatusWidget
from crmdesk.ui.window_reminders import WindowReminders

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import Store
    from crmdesk.store.csv_import import ImportResult

log = logging.getLogger(__name__)

#: Work put off until the first paint runs by then at the latest: a window started minimized (or
#: on a platform that paints it only once seen) must not keep its sync from starting.
AFTER_FIRST_PAINT_LATEST_MS = 1000


class MainWindow(QMainWindow):
    #: The start-up keyring look-up is over: the sync is attached, or the workspace has no token.
    token_looked_up = Signal()

    def __init__(self, context: AppContext, first_view: str | None = None) -> None:
        super().__init__()
        #: When the window was first painted (time.monotonic), for --screenshot's report.
        self.first_painted_at: float | None = None
        #: What waits for the first paint (``after_first_paint``); None once it has run.
        self._after_first_paint: list[Callable[[], None]] | None = []
        self.context = context
        self._looking_up_token = False
        self._startup_background: Any = None  # (crmdesk.ui.startup_access)
        #: The open workspace's dialect, when this crmdesk does not speak it (it opens without syncing).
        self._unspoken_dialect = ""
        self.setWindowTitle("crmdesk")
        self.resize(1280, 800)
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(180)
        self.sidebar.target_chosen.connect(self.navigate)
        # Asks only the view on screen how small it may get: a 1024 px window, or 900 px, fits.
        self.stack = ViewStack()
        #: The views built so far, by target, and what keeps them true to the workspace.
        self.open_views = OpenViews(self)
        splitter = QSplitter(self)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1060])
        self.setCentralWidget(splitter)
        #: Where Back and Forward lead (Alt+Left / Alt+Right, the Go menu, the toolbar).
        self.history = History()
        self.navigation = NavigationControls(self, self.history, splitter, self.go_back, self.go_forward,
                                             lambda: self.context.store)
        self.addToolBar(self.navigation.toolbar)
        self.sync_status = SyncStatusWidget()
        self.statusBar().addWidget(self.sync_status, 1)
        # What the keys do in the view just focused (widgets/status_hint.py): a label of its own,
        # on the right, so the sync state is never covered by it.
        self.key_hint = QLabel()
        self.key_hint.setObjectName(KEY_HINT_NAME)
        self.key_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.key_hint.setEnabled(False)  # drawn in the palette's muted text colour
        self.statusBar().addPermanentWidget(self.key_hint)
        self._build_actions()
        # Every committed change reaches every open view through one feed (ui/change_feed.py).
        self.change_feed = ChangeFeed(self)
        self.change_feed.dispatched.connect(self.on_changed)
        self.change_feed.watch(context.store)
        # What waits is counted from this thread's store, refusals included, from the moment a
        # workspace is open: before the worker starts, and when there is no worker at all.
        self.sync_status.watch(context)
        if context.navigator is not None:
            context.navigator.navigate_requested.connect(self.navigate)
            context.navigator.action_requested.connect(self.on_action)
            watch_visits(context)  # recently opened records, for the palette's "Recent"
        self._connect_sync()
        self.sidebar.rebuild(context.store, self.unread())
        self.open_views.watch(context.store)
        #: Task reminders and server notifications on the desktop, the status bar's bell (window_reminders.py).
        self.reminders = WindowReminders(self)
        self._restore_window_state(first_view)
        if context.store is not None:
            self._workspace_ready(context.store)

    def _workspace_ready(self, store: Store) -> None:
        """What starts with each workspace the window opens, before its sync starts: reminders
        (missed ones come together, after the first sync round), and field history's pruning."""
        self.reminders.start()
        store.prune_history(self.context.now())

    @property
    def views(self) -> dict[str, QWidget]:
        """The views built so far, by target (``open_views``)."""
        return self.open_views.views

    def _open_component(self, spec: str) -> None:
        """Open a dialog or panel by ``module:Class``; built as ``Class(context, parent)``."""
        import importlib

        existing = self._components.get(spec)
        if existing is None:
            module_name, _, class_name = spec.partition(":")
            cls = getattr(importlib.import_module(module_name), class_name)
            existing = cls(self.context, self)
            self._components[spec] = existing
        show = getattr(existing, "open_for_user", None) or existing.show
        show()

    def _build_actions(self) -> None:
        self._components: dict[str, Any] = {}
        components = {
            "Search…": ("Ctrl+K", "crmdesk.ui.widgets.search_palette:SearchPalette"),
            "Pending changes": ("Ctrl+Shift+P", "crmdesk.ui.widgets.pending_panel:PendingPanel"),
            "Conflicts": (None, "crmdesk.ui.dialogs.conflicts_dialog:ConflictsDialog"),
            "Connect to a server…": (None, "crmdesk.ui.dialogs.connect_dialog:ConnectDialog"),
            "Objects and attributes…": (None, "crmdesk.ui.admin.objects_dialog:ObjectsDialog"),
            "Members…": (None, "crmdesk.ui.admin.members_dialog:MembersDialog"),
        }
        self.component_actions: dict[str, QAction] = {}
        for title, (shortcut, spec) in components.items():
            action = QAction(title, self)
            if title == "Search…":
                action.setIcon(action_icon("search"))
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, spec=spec: self._open_component(spec))
            self.addAction(action)
            self.component_actions[spec] = action
        self.sync_status.pending_clicked.connect(
            lambda: self._open_component("crmdesk.ui.widgets.pending_panel:PendingPanel"))
        self.sync_status.conflicts_clicked.connect(
            lambda: self._open_component("crmdesk.ui.dialogs.conflicts_dialog:ConflictsDialog"))
        sync_now = QAction(action_icon("sync_now"), "Sync now", self)
        sync_now.setShortcut(QKeySequence("Ctrl+R"))
        sync_now.triggered.connect(self.sync_now)
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.component_actions["crmdesk.ui.dialogs.connect_dialog:ConnectDialog"])
        file_menu.addAction(sync_now)
        # Ctrl+N belongs to the window, not to a view: it works wherever the focus is (new_record.py).
        self.new_record_action = file_menu.addAction(action_icon("new_record"), "New record…")
        self.new_record_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_record_action.triggered.connect(self.new_record)
        self.addAction(self.new_record_action)
        self.new_list_action = file_menu.addAction("New list…")
        self.new_list_action.triggered.connect(self.new_list)
        self.import_action = file_menu.addAction("Import CSV…")
        self.import_action.triggered.connect(self.import_csv)
        self.copy_workspace_action = file_menu.addAction("Copy workspace to…")
        self.copy_workspace_action.triggered.connect(self.open_copy_workspace)
        self._add_workspace_menu(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.addAction(sync_now)
        self.navigation.add_trailing([
            self.component_actions["crmdesk.ui.widgets.search_palette:SearchPalette"],
            self.new_record_action, sync_now])
        edit_menu = self.menuBar().addMenu("&Edit")
        if self.context.undo_stack is not None:
            undo = self.context.undo_stack.createUndoAction(self, "Undo")
            undo.setShortcut(QKeySequence.StandardKey.Undo)
            redo = self.context.undo_stack.createRedoAction(self, "Redo")
            redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
            edit_menu.addAction(undo)
            edit_menu.addAction(redo)
            self.addAction(undo)
            self.addAction(redo)
        self.navigation.fill_view_menu(self.menuBar().addMenu("&View"))
        go_menu = self.menuBar().addMenu("&Go")
        self.navigation.fill_go_menu(go_menu)
        go_menu.addAction(self.component_actions["crmdesk.ui.widgets.search_palette:SearchPalette"])
        go_menu.addAction(self.component_actions["crmdesk.ui.widgets.pending_panel:PendingPanel"])
        go_menu.addAction(self.component_actions["crmdesk.ui.dialogs.conflicts_dialog:ConflictsDialog"])
        self.go_reminders_action = go_menu.addAction("Reminders")
        self.go_reminders_action.triggered.connect(lambda: self.navigate("reminders"))
        settings_menu = self.menuBar().addMenu("&Workspace").addMenu("Settings")
        settings_menu.addAction(self.component_actions["crmdesk.ui.admin.objects_dialog:ObjectsDialog"])
        settings_menu.addAction(self.component_actions["crmdesk.ui.admin.members_dialog:MembersDialog"])
        settings_menu.addSeparator()
        self.scan_interval_action = settings_menu.addAction("Check the whole server every…")
        self.scan_interval_action.triggered.connect(self.choose_scan_interval)
        self.preferences_action = settings_menu.addAction("Home, history and reminders…")
        self.preferences_action.triggered.connect(lambda: self.reminders.open_preferences())
        self.help_menu = HelpMenu(self, self.context.paths)

    def bring_to_front(self) -> None:
        """A second start of crmdesk with this data folder asked for this window (single_instance.py)."""
        # Un-minimized as it was (a maximized window stays maximized), then raised. On Wayland, and
        # on Windows for a request from another process, the desktop may only flash its entry.
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def unread(self) -> int:
        store = self.context.store
        return store.notifications.unread_count() if store is not None else 0

    @Slot(str)
    def navigate(self, target: str) -> None:
        """The user goes to ``target``: shown, a step for Back, and the keyboard in it."""
        self.history.visit(target)
        self.show_target(target, take_focus=True)

    def go_back(self) -> None:
        self._show_step(self.history.back())

    def go_forward(self) -> None:
        self._show_step(self.history.forward())

    def _show_step(self, target: str | None) -> None:
        if target is not None:  # (None: nothing that way)
            self.show_target(target, take_focus=True)

    def show_target(self, target: str, *, take_focus: bool) -> None:
        """Show ``target``'s view (built the first time) without recording a step."""
        self.current_target = target
        view = self.open_views.view_for(target)
        self.stack.setCurrentWidget(view)
        follow_in_sidebar(self.sidebar, self.context.store, target)
        self.navigation.refresh()
        self.open_views.held_notices.shown(view)
        if take_focus:
            # The view's own shortcuts (New, Filter, Delete…) work at once (crmdesk.ui.view_focus).
            focus_view(view)

    def focus_in_views(self) -> bool:
        """The keyboard is in the view area, or nowhere in the window (a view rebuilt under it)."""
        focused = self.focusWidget()
        return focused is None or focused is self.stack or self.stack.isAncestorOf(focused)

    @Slot(str)
    def on_action(self, action: str) -> None:
        """Requests from views and the palette: ``sync_now``, ``new_record:<slug>``."""
        if action == "sync_now":
            self.sync_now()
        elif action == "new_list":
            self.new_list()
        elif action == "lists_changed":
            self.lists_changed()
        elif action.startswith("new_record:"):
            target = f"object:{action.partition(':')[2]}"
            self.navigate(target)
            handler = getattr(self.views.get(target), "create_record", None)
            if handler is not None:
                handler()

    def new_record(self) -> None:
        """File ▸ New record… (Ctrl+N): a record of the object the current view is about."""
        from crmdesk.ui.new_record import new_record_from

        new_record_from(self.context, self.current_view(), self)

    def new_list(self) -> None:
        """File ▸ New list…: name, parent object, privacy; made offline, synced in the background."""
        from crmdesk.ui.dialogs.list_dialog import ListDialog

        if self.context.store is None:
            self.statusBar().showMessage("Connect a workspace first.", 4000)
            return
        dialog = ListDialog(self.context.store, None, self, context=self.context)
        dialog.finished.connect(dialog.deleteLater)  # each New list… is a new dialog, not a hidden one kept
        if dialog.exec() and dialog.mutation is not None:
            self.lists_changed()
            self.navigate(f"list:{dialog.mutation.target_id}")

    def import_csv(self) -> None:
        """File ▸ Import CSV…: pick a file, then the import dialog (``open_import``)."""
        from PySide6.QtWidgets import QFileDialog

        if self.context.store is None:
            self.statusBar().showMessage("Connect a workspace first.", 4000)
            return
        chosen, _ = QFileDialog.getOpenFileName(self, "Import a CSV file", str(Path.home()),
                                                "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if chosen:
            self.open_import(Path(chosen))

    def open_import(self, path: Path) -> QDialog | None:
        """The import dialog for ``path`` (window-modal, deleted when closed), or a message saying
        why the file cannot be read; returns the dialog."""
        from crmdesk.model.csv_text import CsvError
        from crmdesk.store.csv_import import read_csv_file
        from crmdesk.ui.dialogs.import_dialog import ImportDialog
        from crmdesk.ui.new_record import object_of_view

        store = self.context.store
        if store is None:
            return None
        try:
            table = read_csv_file(path)
        except CsvError as error:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot import", str(error), QMessageBox.StandardButton.Ok,
                              self)
            box.setObjectName("importUnreadable")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return None
        dialog = ImportDialog(self.context, store, path, table, self, object_of_view(self.context, self.current_view()),
                              tell=lambda message: self.statusBar().showMessage(message, 8000))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._imported)
        dialog.open()
        return dialog

    def open_copy_workspace(self) -> QDialog | None:
        """File ▸ Copy workspace to…: this workspace to another server (``dialogs/copy_dialog.py``)."""
        from crmdesk.ui.dialogs.copy_dialog import open_copy_dialog

        dialog = open_copy_dialog(self.context, self)
        if dialog is None:
            self.statusBar().showMessage("Connect a workspace first.", 4000)
        return dialog

    def _imported(self, result: ImportResult) -> None:
        created, updated = len(result.created), len(result.updated)
        stopped = " before it was cancelled" if result.cancelled else ""
        self.statusBar().showMessage(f"Imported {created:,} new and {updated:,} updated records{stopped}. "
                                     "Edit ▸ Undo takes the import back.", 10000)
        self.navigate(f"object:{result.object_slug}")

    def lists_changed(self, id_changes: dict[str, str] | None = None) -> None:
        """A list was made, renamed, deleted or given its server id (``OpenViews.lists_changed``)."""
        self.open_views.lists_changed(id_changes)

    def current_view(self) -> QWidget | None:
        return self.stack.currentWidget()

    def sync_now(self) -> None:
        if self.context.sync is not None:
            self.context.sync.sync_now()

    def choose_scan_interval(self) -> None:
        """How often a server that cannot say what changed is read whole (crmdesk.ui.scan_interval)."""
        from crmdesk.ui.scan_interval import choose_scan_interval

        choose_scan_interval(self, self.context)

    @Slot(object)
    def on_changed(self, changes: ChangeSet) -> None:
        store = self.context.store
        if store is not None and (changes.schema or changes.full_reset):
            # This thread's connection caches the schema; the worker changed it.
            store.schema.invalidate()
        if changes.schema or changes.notifications or changes.full_reset:
            self.sidebar.rebuild(store, self.unread())
        if getattr(self, "current_target", None) in self.open_views.drop_placeholders():
            self.show_target(self.current_target, take_focus=self.focus_in_views())
        if store is not None and changes.schema and (changes.id_changes or changes.lists):
            self.lists_changed(changes.id_changes)
        elif changes.id_changes:  # records made offline got their server ids
            self.open_views.follow_new_ids(changes.id_changes)
        self.sync_status.on_changed(changes)
        # Only the view on screen does its work now (crmdesk.ui.held_notices).
        self.open_views.held_notices.deliver(changes, self.stack.currentWidget(), list(self.views.values()))

    # -- workspaces, welcome screen, window state -----------------------------------------------
    # The logic lives in crmdesk.ui.workspace_switcher and crmdesk.ui.window_state.

    def _connect_sync(self) -> None:
        sync = self.context.sync
        if sync is not None:
            worker = sync.worker
            worker.state_changed.connect(self.sync_status.show_state)
            worker.progress.connect(self.sync_status.show_progress)
            worker.retry_scheduled.connect(self.sync_status.show_retry)
            # Merged with the window's own notices; the status bar counts what waits again when
            # one names the outbox or the conflicts.
            worker.changed.connect(self.change_feed.add)
            worker.finished.connect(self._show_last_sync)
        if self.context.store is not None:
            self._show_last_sync()
        if sync is None and self.context.store is not None and not self.context.services \
                and not self._looking_up_token:
            if self._unspoken_dialect:
                from crmdesk.ui.workspace_switcher import newer_dialect_message

                self.sync_status.show_state("error", newer_dialect_message(self._unspoken_dialect))
            else:
                # A workspace without a token (signed out, or a session-only token from an earlier run).
                self.sync_status.show_state("auth_needed", "Use File ▸ Connect to a server… to sign in again.")

    @Slot()
    def _show_last_sync(self, *_: object) -> None:
        """“Last synced …” from the store (the worker writes it after each complete round)."""
        store = self.context.store
        stamp = store.schema.get_meta("last_sync_at") if store is not None else None
        # On the right, next to what waits: "Last synced Today 14:02   All saved".
        self.sync_status.show_last_sync(f"Last synced {format_when(stamp)}" if stamp else "")

    def _restore_window_state(self, first_view: str | None = None) -> None:
        from crmdesk.ui import window_state

        window_state.restore_geometry(self)
        self.navigation.sidebar_state_changed()  # a sidebar hidden last time comes back hidden
        if self.context.store is None:
            self.show_welcome()
            return
        # Only the view the user will see is built: Home counts every object's records.
        self.navigate(first_view or window_state.last_view(self) or "home")

    def _add_workspace_menu(self, file_menu: Any) -> None:
        from crmdesk.workspaces import known_workspaces

        switch_menu = file_menu.addMenu("Switch workspace")

        def fill() -> None:
            switch_menu.clear()
            current = self.context.store.path if self.context.store is not None else None
            for db_path in known_workspaces(self.context.paths):
                action = switch_menu.addAction(db_path.stem)
                action.setCheckable(True)
                action.setChecked(db_path == current)
                action.triggered.connect(lambda _=False, p=db_path: self.switch_workspace(p))

        switch_menu.aboutToShow.connect(fill)
        self.sign_out_action = file_menu.addAction("Sign out…")
        self.sign_out_action.triggered.connect(self.sign_out)

    def switch_workspace(self, db_path: Any) -> None:
        """Close the current workspace (stopping its sync) and open ``db_path`` (None: none)."""
        from crmdesk.ui import workspace_switcher

        workspace_switcher.close_workspace(self.context)
        unspoken = ""
        if db_path is not None:
            try:
                unspoken = workspace_switcher.open_workspace(self.context, db_path)
            except Exception as error:  # a locked, corrupt or newer file: say which, stay usable
                workspace_switcher.close_workspace(self.context)
                self.statusBar().showMessage(f"Could not open {db_path}: {error}", 10000)
        self.workspace_opened(unspoken_dialect=unspoken)

    def attach_sync_in_background(self, db_path: Path) -> None:
        """Look up the workspace's credentials off the GUI thread, then sync (``startup_access``)."""
        from crmdesk.ui.startup_access import attach_sync_in_background

        attach_sync_in_background(self, db_path)

    def after_first_paint(self, work: Callable[[], None]) -> None:
        """Run ``work`` once the window has painted the first time, from the event loop (at once,
        from it, if it already has): start-up work the first picture does not need (the keyring
        look-up, the sync worker) then does not hold it up, nor compete with it for the GIL.
        At the latest ``AFTER_FIRST_PAINT_LATEST_MS`` after the first call, painted or not."""
        # The window is each timer's context: work never runs for a window already deleted.
        if self._after_first_paint is None:
            QTimer.singleShot(0, self, work)
            return
        if not self._after_first_paint:
            QTimer.singleShot(AFTER_FIRST_PAINT_LATEST_MS, self, self._run_after_first_paint)
        self._after_first_paint.append(work)

    def _run_after_first_paint(self) -> None:
        waiting, self._after_first_paint = self._after_first_paint, None
        for work in waiting or ():
            # Each from the event loop, after the paint has been flushed.
            QTimer.singleShot(0, self, work)

    def attach_sync_after_first_paint(self, db_path: Path) -> None:
        """``attach_sync_in_background`` once the window has painted; until then the status bar
        already says "Connecting" (the look-up has as good as begun)."""
        from crmdesk.ui.startup_access import expect_sync

        expect_sync(self)
        self.after_first_paint(lambda: self.attach_sync_in_background(db_path))

    def finish_background_work(self, timeout_ms: int = 3000) -> None:
        """On quit: let calls still running on the thread pool (a keyring look-up) end before
        the window and their relays are deleted; they then have no one to report to."""
        QThreadPool.globalInstance().waitForDone(timeout_ms)

    def workspace_opened(self, unspoken_dialect: str = "") -> None:
        """The context holds a new store and sync (or none): rebuild what showed the old ones.
        ``unspoken_dialect``: the new workspace's dialect when this crmdesk does not speak it."""
        for component in self._components.values():
            if hasattr(component, "setFloating"):
                self.removeDockWidget(component)
            component.close()
            component.deleteLater()
        self._components.clear()
        self.open_views.clear(self.context.store)  # (and the notices held for them)
        self.change_feed.watch(self.context.store)
        self._unspoken_dialect = unspoken_dialect
        self.sync_status.show_state("idle", "")
        self.sync_status.watch(self.context)  # counts what waits in the new workspace (none without one)
        self._connect_sync()
        self.sidebar.rebuild(self.context.store, self.unread())
        self.history.clear()  # the old workspace's records and lists are not here
        if self.context.store is None:
            self.reminders.pause()  # no looks, and the bell goes with the workspace
            self.show_welcome()
        else:
            self.navigate("home")
            self._workspace_ready(self.context.store)
        if self.context.sync is not None:
            self.context.sync.start()

    def show_welcome(self) -> None:
        from crmdesk.ui.views.welcome_view import WelcomeView

        view = self.views.get("welcome")
        if view is None:
            view = WelcomeView(self.context, "", self)
            view.demo_requested.connect(self._start_demo)
            view.connect_requested.connect(
                self.component_actions["crmdesk.ui.dialogs.connect_dialog:ConnectDialog"].trigger)
            self.views["welcome"] = view
            self.stack.addWidget(view)
        self.current_target = "welcome"
        self.stack.setCurrentWidget(view)
        self.sidebar.clearSelection()
        self.navigation.refresh()

    def _start_demo(self) -> None:
        from crmdesk.ui import workspace_switcher
        from crmdesk.ui.background import Background

        welcome: Any = self.views.get("welcome")
        if welcome is not None:
            welcome.show_busy("Starting the demo server and its sample data…")

        def failed(error: Exception) -> None:
            if welcome is not None:
                welcome.show_busy("")
                welcome.status.setText(f"The demo could not start: {error}")

        self._background = getattr(self, "_background", None) or Background(self)
        workspace_switcher.start_demo(self.context, self._background, self.workspace_opened, failed)

    def sign_out(self) -> None:
        from crmdesk.ui import workspace_switcher

        if workspace_switcher.sign_out(self.context, self):
            self.workspace_opened()

    def event(self, event: QEvent) -> bool:  # Qt override
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and self.first_painted_at is None:
            # The first backing-store flush has painted the whole window, the first view included.
            self.first_painted_at = time.monotonic()
            self._run_after_first_paint()
        return handled

    def closeEvent(self, event: Any) -> None:
        from crmdesk.ui import window_state

        window_state.save(self)
        self.reminders.stop()
        super().closeEvent(event)

    # -- screenshots (crmdesk.ui.window_screenshot) ------------------------------------------

    def save_screenshot_when_ready(self, path: str, *, wait_for_sync: bool,
                                   size: tuple[int, int] = (1280, 800)) -> None:
        """Render the window, ``size`` big, to ``path`` and quit: after the first sync round
        (``wait_for_sync``), else once the start-up keyring look-up is over, else now."""
        from crmdesk.ui.window_screenshot import WindowScreenshot

        self._screenshot = WindowScreenshot(self, path, size)
        self._screenshot.when_ready(wait_for_sync=wait_for_sync, looking_up_token=self._looking_up_token)
