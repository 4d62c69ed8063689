"""Help ▸ About crmdesk: the version, what it runs on, where its data and log live, its licence.

The details are what a support request needs, so they can be copied in one click.
"""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk import __version__
from crmdesk.crash_report import platform_text

LICENCE = "MIT licence"


def about_details(data_dir: Path, log_file: Path | None) -> list[tuple[str, str]]:
    """(label, value) rows, in the order shown and copied."""
    return [
        ("Version", __version__),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", platform.python_version()),
        ("Platform", platform_text()),
        ("Data folder", str(data_dir)),
        ("Log file", str(log_file) if log_file is not None else "none (the log folder cannot be written)"),
        ("Licence", LICENCE),
    ]


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About crmdesk")
        self.details = about_details(data_dir, log_file)
        icon = QLabel()
        icon.setPixmap(QGuiApplication.windowIcon().pixmap(48, 48))
        title = QLabel(f"crmdesk {__version__}")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        tagline = QLabel("A local-first desktop CRM: your customers, companies and deals, online or offline.")
        tagline.setWordWrap(True)
        heading = QGridLayout()
        heading.addWidget(icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(title, 0, 1)
        heading.addWidget(tagline, 1, 1)
        heading.setColumnStretch(1, 1)
        heading.setHorizontalSpacing(12)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for label, value in self.details:
            # Paths are the user's own and may hold any character: plain text, selectable.
            shown = QLabel(value)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            form.addRow(f"{label}:", shown)
            self.values[label] = shown
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def details_text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")
