"""“Which workspace?”: shown on start when the data dir holds several and none was used last.

The decision of when to ask is ``crmdesk.workspaces.choose_workspace``'s; this only asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.when import format_when
from crmdesk.workspaces import WorkspaceSummary

COLUMNS = ("Workspace", "Server", "Last synced")


class WorkspaceChooser(QDialog):
    def __init__(self, workspaces: list[WorkspaceSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a workspace")
        self.resize(640, 320)
        intro = QLabel("This computer holds several workspaces. Which one should crmdesk open?")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        # Item views paint their text as plain characters: names and addresses come from servers.
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 260)
        # Most recently synced first: the likeliest choice is on top and pre-selected.
        for summary in sorted(workspaces, key=lambda w: w.last_synced_at or "", reverse=True):
            item = QTreeWidgetItem([summary.name, summary.server_url or "—",
                                    format_when(summary.last_synced_at) if summary.last_synced_at else "never"])
            item.setData(0, Qt.ItemDataRole.UserRole, str(summary.path))
            item.setToolTip(0, plain_tooltip(summary.id))
            self.table.addTopLevelItem(item)
        self.table.setCurrentItem(self.table.topLevelItem(0))
        self.table.itemDoubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        reading_order(self.table, buttons)

    def chosen(self) -> Path | None:
        item = self.table.currentItem()
        return Path(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None


def ask_for_workspace(workspaces: list[WorkspaceSummary], parent: QWidget | None = None) -> Path | None:
    """The workspace the user picked; None when they cancelled."""
    dialog = WorkspaceChooser(workspaces, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
