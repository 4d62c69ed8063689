"""Stage probabilities: how likely a deal in each stage is to be won, for the weighted forecast.

One spin box per stage (0–100 %), starting at the workspace's setting, else the defaults
(``model.pipeline.default_probabilities``: open stages climb evenly, won 100 %, lost 0 %).
"Restore defaults" puts those back in the boxes; Save writes them to the workspace settings in
one transaction (they travel with the workspace file) and tells the dashboard (``saved``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from crmdesk.model.pipeline import PipelineShape, default_probabilities, stage_outcome
from crmdesk.store import StoreError
from crmdesk.ui.widgets.error_label import error_label, show_error_on

if TYPE_CHECKING:
    from crmdesk.store import Store


class StageProbabilitiesDialog(QDialog):
    saved = Signal()

    def __init__(self, store: Store, shape: PipelineShape, chosen: Mapping[str, float],
                 parent: QWidget | None = None) -> None:
        """``chosen``: each stage's chance as the forecast uses it now (the dashboard's)."""
        super().__init__(parent)
        self.setWindowTitle("Stage probabilities")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.store = store
        self.shape = shape
        intro = QLabel(f"How likely a deal of {shape.obj.plural_name} in each stage is to be won. "
                       "The weighted forecast multiplies each open deal's value by its stage's chance.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.boxes: dict[str, QSpinBox] = {}
        for option in shape.stages:
            box = QSpinBox()
            box.setRange(0, 100)
            box.setSuffix(" %")
            box.setValue(round(chosen.get(option.id, 0.0) * 100))
            box.setAccessibleName(f"{option.title} probability")
            outcome = stage_outcome(option)
            label = QLabel(option.title + (f" ({outcome})" if outcome else ""))
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setBuddy(box)
            form.addRow(label, box)
            self.boxes[option.id] = box
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        for stage_id, chance in default_probabilities(self.shape).items():
            if stage_id in self.boxes:
                self.boxes[stage_id].setValue(round(chance * 100))

    def values(self) -> dict[str, float]:
        return {stage_id: box.value() / 100 for stage_id, box in self.boxes.items()}

    def accept(self) -> None:
        try:
            with self.store.write():
                self.store.settings.set_stage_probabilities(self.shape.obj.slug, self.values())
        except (StoreError, ValueError) as error:
            show_error_on(self.error, str(error))
            return
        self.saved.emit()
        super().accept()
