"""“crmdesk ran into a problem”: what happened, that the user's edits are safe, and a report to send.

Shown by ``ui/crash_reporter.py`` for an uncaught exception in any thread. The window goes on
running behind it: most problems spoil one action, not the session, and every edit made so far
is in the workspace file already (edits are committed before the outbox sends them), so
Continue is the default and Quit is there for a window that no longer behaves.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.crash_report import CrashReport
from crmdesk.ui.folders import open_folder

#: ``queued`` when counting the edits failed (the workspace file may be what broke).
QUEUED_UNKNOWN = -1


def edits_safe_text(queued: int | None) -> str:
    """What the dialog says of the user's edits, by how many still wait to be sent (None: no
    workspace open; ``QUEUED_UNKNOWN``: they could not be counted)."""
    if queued is None:
        return "No workspace is open, so no edit of yours is at stake."
    if queued == QUEUED_UNKNOWN:
        return ("crmdesk could not read the workspace file to count the edits waiting to be sent: "
                "each edit was written to it when you made it, but the report may tell why it cannot be read.")
    if queued == 0:
        return "Every edit you made is saved in the workspace file on this computer, and sent."
    waiting = "1 edit waits" if queued == 1 else f"{queued:,} edits wait"
    return (f"Your edits are safe: {waiting} to be sent, kept in the workspace file on this computer; "
            "they are sent at the next sync, even after a restart.")


class CrashDialog(QDialog):
    def __init__(self, report: CrashReport, *, saved_to: Path | None, log_dir: Path, queued: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("crmdesk ran into a problem")
        self.resize(720, 520)
        self.report = report
        self.log_dir = log_dir
        self.more = 0
        heading = QLabel("Something went wrong inside crmdesk.")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        # The exception's own words may name a record or a server's text: never read as markup.
        self.summary = QLabel(report.summary)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.safety = QLabel(edits_safe_text(queued))
        self.safety.setTextFormat(Qt.TextFormat.PlainText)
        self.safety.setWordWrap(True)
        where = (f"The report below was saved as {saved_to}." if saved_to
                 else "The report below was not saved (see the log).")
        self.advice = QLabel(f"{where} Copy it into a message to whoever supports crmdesk for you: it holds "
                             "the versions, what failed and the last lines of the log, with tokens and the "
                             "values crmdesk quotes hidden. Read it before you send it: a server's own "
                             "message may still name a record.")
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
        self.advice.setWordWrap(True)
        self.more_label = QLabel()
        self.more_label.setTextFormat(Qt.TextFormat.PlainText)
        self.more_label.hide()
        self.text = QPlainTextEdit(report.text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy report")
        self.copy_button.clicked.connect(self.copy_report)
        self.open_logs_button = QPushButton("Open log folder")
        self.open_logs_button.clicked.connect(self.open_log_folder)
        self.quit_button = QPushButton("Quit crmdesk")
        self.quit_button.clicked.connect(self.quit_app)
        self.continue_button = QPushButton("Continue")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.accept)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.safety)
        layout.addWidget(self.advice)
        layout.addWidget(self.more_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.continue_button.setFocus()

    def add_another(self) -> None:
        """A further problem while this one is on screen: counted here (each has its own file)."""
        self.more += 1
        problems = "1 more problem" if self.more == 1 else f"{self.more} more problems"
        self.more_label.setText(f"{problems} since: the log folder has their reports, the log each of them.")
        self.more_label.show()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.text)
        self.copy_button.setText("Copied")

    def open_log_folder(self) -> None:
        open_folder(self.log_dir)

    def quit_app(self) -> None:
        # Through the windows' own close: the window saves its state and stops the sync cleanly.
        self.accept()
        QApplication.closeAllWindows()
        QApplication.quit()
