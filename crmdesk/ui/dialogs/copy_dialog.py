"""File ▸ Copy workspace to…: the window's face of a workspace copy (``crmdesk.sync.copy``).

The source is the window's workspace file. The target is another workspace crmdesk knows, or
one the user connects to from here (the window stays where it is), reached with the credentials
the keyring keeps for it, as its own sync would reach it. Choosing it plans the copy (the
target's first sync, then ``CopyPlan.lines()``); nothing is written until Copy, which runs the
copy with a progress bar and Cancel, then shows what was written, sent and found on the target's
server. A copy cut short (cancelled, offline) goes on where it stopped when run again.

The work (``ui/copy_command.py``) runs on the thread pool through ``Background`` and touches no
QObject; its progress and messages go into a ``CopyWork`` that a timer on the GUI thread reads.
Closing the dialog while it works cancels the work and closes once the worker has stopped.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.remote.errors import RequestCancelled
from crmdesk.sync.copy import CopyFailed, CopyOutcome, CopyPlan
from crmdesk.sync.status import Cancelled
from crmdesk.ui.background import Background
from crmdesk.ui.copy_command import CopyWork, describe_failure, progress_words, run_copy
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.error_label import error_color, error_label
from crmdesk.ui.workspace_switcher import tokens_of
from crmdesk.workspaces import DEMO_WORKSPACE_ID, describe_workspace, known_workspaces

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.dialogs.connect_dialog import ConnectDialog

#: How often the GUI thread reads the worker's progress.
POLL_MS = 50
PLANNED = "Nothing is copied until you choose Copy."
COPIED = "Copied and verified"
COPIED_WITH_DIFFERENCES = "Copied, with differences (see below)"
CANCELLED = "Cancelled: what was copied stays; Copy again goes on where it stopped."
PLAN_CANCELLED = "Cancelled: nothing was copied."
#: The combo's role holding a target's workspace name (its text adds the server's address).
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class CopyWorkspaceDialog(QDialog):
    #: A plan is shown.
    planned = Signal()
    #: A run on the pool ended: "planned", "copied", "cancelled" or "failed".
    work_ended = Signal(str)
    #: The worker's progress as the dialog shows it (total -1: unknown).
    progressed = Signal(str, int, int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None, "the window opens this only with a workspace"
        self.setObjectName("copyWorkspaceDialog")
        self.setWindowTitle("Copy workspace to…")
        self.context = context
        self.source_path = Path(context.store.path)
        self._tokens = tokens_of(context)  # made here, on the GUI thread, before any worker reads it
        self._background = Background(self)
        self._work = CopyWork()
        # Gone with the dialog (the window closed under it): the worker stops at its next step.
        # A Python finalizer, not ``destroyed``: that signal hands its slot the dialog while Qt is
        # tearing it down, and converting it for Python crashed a test run.
        weakref.finalize(self, self._work.cancel.set)
        self._working: str | None = None
        self._closing = False
        self._said: list[str] = []
        self.plan: CopyPlan | None = None
        self.outcome: CopyOutcome | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._build()
        self.fill_targets()
        self.setMinimumSize(620, 460)
        self.resize(760, 600)

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = self._plain_label(
            "Copies this workspace's records, lists, notes and tasks to another workspace, on a server of "
            "any type. Choose where to: the plan shows what goes where before anything is written.")
        layout.addWidget(intro)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        source = describe_workspace(self.source_path)
        self.source_label = self._plain_label(self._title(source.name, source.server_url))
        form.addRow("From", self.source_label)
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("copyTarget")
        self.target_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target_combo.setMinimumContentsLength(24)
        self.connect_button = QPushButton("Connect to a server…")
        self.connect_button.setAutoDefault(False)
        target_row = QHBoxLayout()
        target_row.setSpacing(8)
        target_row.addWidget(self.target_combo, 1)
        target_row.addWidget(self.connect_button)
        form.addRow("To", target_row)
        layout.addLayout(form)

        self.headline = self._plain_label("")
        self.headline.setObjectName("copyHeadline")
        bold = self.headline.font()
        bold.setBold(True)
        self.headline.setFont(bold)
        self.headline.hide()
        layout.addWidget(self.headline)
        self.report = QPlainTextEdit()
        self.report.setObjectName("copyReport")
        self.report.setReadOnly(True)  # a QPlainTextEdit shows characters, never markup
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report.setPlaceholderText("The plan shows here once you choose where to copy to.")
        layout.addWidget(self.report, 1)
        self.error = error_label()
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error)

        self.progress_box = QWidget()
        progress_layout = QVBoxLayout(self.progress_box)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.setSpacing(4)
        self.phase_label = self._plain_label("")
        self.phase_label.setObjectName("copyPhase")
        progress_layout.addWidget(self.phase_label)
        bar_row = QHBoxLayout()
        bar_row.setSpacing(8)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)  # the phase says how far it is, in words
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        bar_row.addWidget(self.progress, 1)
        bar_row.addWidget(self.cancel_button)
        progress_layout.addLayout(bar_row)
        self.progress_box.hide()
        layout.addWidget(self.progress_box)

        self.buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAutoDefault(False)  # never started by a stray Return
        self.copy_button.setEnabled(False)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)
        layout.addWidget(self.buttons)

        self.target_combo.currentIndexChanged.connect(self._target_chosen)
        self.target_combo.activated.connect(self._target_chosen_again)
        self.connect_button.clicked.connect(self.connect_server)
        self.copy_button.clicked.connect(self.start_copy)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        reading_order(self.target_combo, self.connect_button, self.report, self.cancel_button, self.buttons)
        self._paint_error()

    @staticmethod
    def _plain_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names and messages come from servers
        label.setWordWrap(True)
        return label

    @staticmethod
    def _title(name: str, url: str) -> str:
        return f"{name} — {url}" if url else name

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_error()

    def _paint_error(self) -> None:
        # The red that reads on the palette in use (the light one's is murky on dark grey).
        self.error.setStyleSheet(f"color: {error_color(self.palette())};")

    # -- the targets -----------------------------------------------------------------------------

    def fill_targets(self, select: Path | None = None) -> None:
        """The workspaces crmdesk knows but this one (and the demo's: its server runs only while it
        is open, with credentials the keyring never holds); ``select`` chosen, which plans."""
        combo = self.target_combo
        combo.blockSignals(True)
        combo.clear()
        for path in known_workspaces(self.context.paths):
            if path.resolve() == self.source_path.resolve() or path.stem == DEMO_WORKSPACE_ID:
                continue
            summary = describe_workspace(path)
            combo.addItem(self._title(summary.name, summary.server_url), str(path))
            combo.setItemData(combo.count() - 1, summary.name, NAME_ROLE)
            combo.setItemData(combo.count() - 1, plain_tooltip(summary.id), Qt.ItemDataRole.ToolTipRole)
        combo.setPlaceholderText("Choose a workspace…" if combo.count() else
                                 "No other workspace yet: connect to a server")
        combo.setCurrentIndex(combo.findData(str(select)) if select is not None else -1)
        combo.blockSignals(False)
        if combo.currentIndex() >= 0:
            self._target_chosen()

    def target_path(self) -> Path | None:
        data = self.target_combo.currentData()
        return Path(data) if data else None

    def choose_target(self, path: Path) -> None:
        """Choose ``path`` as the target (as picking it in the list does): plans."""
        self.target_combo.setCurrentIndex(self.target_combo.findData(str(path)))

    def _target_chosen(self, *_: object) -> None:
        self.plan = None
        self.outcome = None
        self.report.clear()
        self._say("")
        self.copy_button.setEnabled(False)
        if self.target_path() is not None:
            self._start("plan")

    def _target_chosen_again(self, _index: int) -> None:
        """The same workspace picked again after its plan failed or was cancelled: plan again."""
        if self.plan is None and self._working is None:
            self._target_chosen()

    def connect_server(self) -> ConnectDialog:
        """Connect to a server…: the Connect dialog, which makes the workspace file and keeps its
        credentials but leaves the window where it is; the workspace is then chosen here."""
        from crmdesk.ui.dialogs.connect_dialog import ConnectDialog

        dialog = ConnectDialog(self.context, self, switch_to_workspace=False)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.connected.connect(self._connected)
        dialog.open_for_user()
        return dialog

    def _connected(self, path: Path) -> None:
        if Path(path).resolve() == self.source_path.resolve():
            self._show_error("That server holds this workspace itself: a workspace cannot be copied onto itself.")
            return
        self.fill_targets(select=Path(path))

    # -- the work on the pool --------------------------------------------------------------------

    def start_copy(self) -> None:
        if self.plan is not None and self._working is None:
            self._start("copy")

    def _start(self, kind: str) -> None:
        target = self.target_path()
        if target is None or self._working is not None:
            return
        self._working = kind
        self._said = []
        self._work.begin()
        self.error.hide()
        name = self.target_combo.currentData(NAME_ROLE)
        self._say(f"Reading “{name}” and planning…" if kind == "plan" else f"Copying to “{name}”…")
        self.phase_label.setText("Connecting…")
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.progress_box.show()
        for widget in (self.target_combo, self.connect_button, self.copy_button):
            widget.setEnabled(False)
        self._poll.start()
        paths, source, tokens, work = self.context.paths, self.source_path, self._tokens, self._work
        self._background.run(lambda: run_copy(paths, source, target, tokens, work, copy=kind == "copy"),
                             self._done, self._failed)

    def working(self) -> bool:
        return self._working is not None

    def _collect(self) -> None:
        """The worker's latest progress and its messages, on the GUI thread."""
        progress, said = self._work.take()
        self._said.extend(said)
        if self._work.cancel.is_set():
            return  # "Stopping…" stays until it has
        if said:
            self.phase_label.setText(said[-1])
        if progress is None:
            return
        phase, done, total = progress
        words = progress_words(phase, done, total, self._plural_name)
        if words is None:
            return
        self.phase_label.setText(words)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)  # busy: how much is left is not known
        self.progressed.emit(phase, done, -1 if total is None else total)

    def _plural_name(self, slug: str) -> str | None:
        store = self.context.store
        obj = store.schema.get_object(slug) if store is not None else None
        return obj.plural_name if obj is not None else None

    def cancel(self) -> None:
        """Cancel: the worker stops at its next step; what it wrote stays."""
        if self._working is None:
            return
        self._work.stop()
        self.cancel_button.setEnabled(False)
        self.phase_label.setText("Stopping…")

    def _finish(self) -> str:
        """The worker has stopped: the dialog is usable again. Returns what was running."""
        self._collect()
        self._poll.stop()
        kind, self._working = self._working or "", None
        self.progress_box.hide()
        self.close_button.setEnabled(True)
        self.target_combo.setEnabled(True)
        self.connect_button.setEnabled(True)
        self.copy_button.setEnabled(self.plan is not None)
        return kind

    def _done(self, result: Any) -> None:
        self._finish()
        if isinstance(result, CopyOutcome):
            self.outcome = result
            self._say(COPIED if result.complete else COPIED_WITH_DIFFERENCES)
            self.report.setPlainText("\n".join(self.outcome_lines(result)))
            self._ended("copied")
            return
        self.plan = result
        self.copy_button.setEnabled(True)
        self._say(PLANNED)
        self.report.setPlainText("\n".join(result.lines()))
        self.planned.emit()
        self._ended("planned")

    def outcome_lines(self, outcome: CopyOutcome) -> list[str]:
        lines = ["Written into the target's workspace:", *(f"  {line}" for line in outcome.written.lines()),
                 "Sent to its server:", f"  {outcome.sent.summary()}",
                 "Found on its server afterwards:", *(f"  {line}" for line in outcome.verification.lines)]
        if outcome.waiting:
            lines += ["Waiting in the target's workspace (open it: Pending changes, Conflicts):",
                      *(f"  {line}" for line in outcome.waiting)]
        if self._said:
            lines += ["Made on its server first:", *(f"  {line}" for line in self._said)]
        return lines

    def _failed(self, error: Exception) -> None:
        kind = self._finish()
        cancelled = self._work.cancel.is_set() and isinstance(error, (Cancelled, RequestCancelled, CopyFailed))
        if cancelled:
            self._say(CANCELLED if kind == "copy" else PLAN_CANCELLED)
            self._ended("cancelled")
            return
        message = describe_failure(error)
        self._say("The copy stopped." if kind == "copy" else "Could not plan the copy.")
        shown = message or f"Unexpected error: {type(error).__name__}"
        if kind == "copy":
            shown += " What was copied stays; Copy again goes on where it stopped."
        self._show_error(shown)
        self._ended("failed")
        if message is None:
            raise error  # our bug: the crash reporter shows it, with the log

    def _say(self, headline: str) -> None:
        """The line above the report (none: no room taken)."""
        self.headline.setText(headline)
        self.headline.setVisible(bool(headline))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _ended(self, how: str) -> None:
        self.work_ended.emit(how)
        if self._closing:
            super().reject()

    # -- closing ---------------------------------------------------------------------------------

    def reject(self) -> None:
        """Close, Escape or the window's close button: while the worker runs, cancel it and close
        once it has stopped (no thread goes on with the stores after the dialog)."""
        if self._working is not None:
            self._closing = True
            self.close_button.setEnabled(False)
            self.cancel()
            return
        super().reject()


def open_copy_dialog(context: AppContext, parent: QWidget | None = None) -> CopyWorkspaceDialog | None:
    """File ▸ Copy workspace to…: the dialog, window-modal, deleted when closed (None without a
    workspace)."""
    if context.store is None:
        return None
    dialog = CopyWorkspaceDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
