"""Create or edit one attribute: title, slug (derived, validated), type (the 17), required,
unique, multiselect where the type allows, and the type's own settings (currency code,
referenced object, options, statuses).

An existing attribute keeps its type: the ``Backend`` protocol has no way to change it, and
crmdesk does not convert values between types — the form says so, with the number of records
that have values. Its options and statuses are edited in the Options dialog. Whether a select
may hold several options is the server's ``Capabilities.value_limits``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import MULTISELECT_TYPES, AttributeDef, AttributeType
from crmdesk.model.limits import ValueLimits
from crmdesk.ui.admin.choices_editor import ChoicesEditor
from crmdesk.ui.admin.common import TYPE_TITLES, error_label, show_error, slug_problem, slugify
from crmdesk.ui.admin.server_form import ServerForm
from crmdesk.ui.admin.values import records_with_value
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.admin.access import AdminAccess

FIELDS = ("title", "slug", "type", "currency_code", "target_object", "options")
CURRENCY = re.compile(r"^[A-Z]{3}$")


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class AttributeForm(ServerForm):
    error_fields = FIELDS
    saved = Signal(str)  # slug

    def __init__(self, context: AppContext, access: AdminAccess, object_slug: str,
                 existing: AttributeDef | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.access, self.object_slug, self.existing = context, access, object_slug, existing
        store = context.store
        self.obj = store.schema.get_object(object_slug) if store is not None else None
        owner = self.obj.plural_name if self.obj is not None else object_slug
        self.setWindowTitle(f"Edit attribute of {owner}" if existing else f"New attribute of {owner}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("Partner tier")
        self.slug = QLineEdit(self)
        self.type = QComboBox(self)
        for kind in AttributeType:
            self.type.addItem(TYPE_TITLES[kind], kind)
        self.type_note = _plain(QLabel(self))
        self.type_note.setObjectName("typeNote")
        self.type_note.setStyleSheet("color: #57534e;")
        self.required = QCheckBox("Required: every record must have a value", self)
        self.unique = QCheckBox("Unique: no two records share a value", self)
        self.multiselect = QCheckBox("Allow several values", self)
        self.currency = QLineEdit(self)
        self.currency.setPlaceholderText("EUR")
        self.currency.setMaxLength(3)
        self.target = QComboBox(self)
        self.target.addItem("Choose an object…", None)
        if store is not None:
            for slug, obj in store.schema.objects().items():
                self.target.addItem(obj.plural_name, slug)
        self.choices = ChoicesEditor(self)
        self.errors = {name: error_label(self) for name in FIELDS}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        for name, label, widget in (
            ("title", "Title", self.title), ("slug", "Slug", self.slug), ("type", "Type", self.type),
            ("currency_code", "Currency", self.currency), ("target_object", "Points at", self.target),
            ("options", "Options", self.choices),
        ):
            caption = QLabel(label, self)
            form.addRow(caption, widget)
            self._rows[name] = (caption, widget)
            form.addRow("", self.errors[name])
            if name == "type":
                form.addRow("", self.type_note)
        checks = QVBoxLayout()
        for box in (self.required, self.unique, self.multiselect):
            checks.addWidget(box)
        form.addRow("", _wrap(checks))
        layout.addLayout(form)
        self.message = _plain(QLabel(self))
        self.message.setObjectName("formMessage")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # As the form reads: the check boxes were made before the type's own fields above them.
        reading_order(self.title, self.slug, self.type, self.currency, self.target, self.choices.list,
                        self.choices.title, self.choices.color, self.choices.add_button, self.choices.remove_button,
                        self.required, self.unique, self.multiselect, self.buttons)
        self._slug_touched = existing is not None
        self.title.textEdited.connect(self._derive)
        self.slug.textEdited.connect(lambda _t: setattr(self, "_slug_touched", True))
        self.type.currentIndexChanged.connect(self._type_changed)
        if existing is not None:
            self._load(existing)
        self._type_changed()

    def _load(self, attr: AttributeDef) -> None:
        self.title.setText(attr.title)
        self.slug.setText(attr.slug)
        self.slug.setReadOnly(True)
        self.type.setCurrentIndex(self.type.findData(attr.type))
        self.type.setEnabled(False)
        self.required.setChecked(attr.required)
        self.unique.setChecked(attr.unique)
        self.multiselect.setChecked(attr.multiselect)
        self.currency.setText(attr.currency_code or "")
        self.target.setCurrentIndex(max(0, self.target.findData(attr.target_object)))
        for widget in (self.currency, self.target, self.multiselect):
            widget.setEnabled(False)
            widget.setToolTip("This server cannot change it once the attribute exists.")
        store = self.context.store
        count = records_with_value(store, self.object_slug, attr) if store is not None else 0
        if count:
            why = (f"The type cannot change: {count:,} record{'s have' if count != 1 else ' has'} values, and "
                   "crmdesk does not convert values between types. Create a new attribute instead.")
        else:
            why = "The type cannot change: this server's API has no way to; delete and re-create the attribute."
        self.type_note.setText(why)

    def set_editable(self, editable: bool) -> None:
        for widget in (self.title, self.required, self.unique):
            widget.setEnabled(editable)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(editable)

    def _derive(self) -> None:
        if not self._slug_touched:
            self.slug.setText(slugify(self.title.text()))

    def _limits(self) -> ValueLimits:
        """What this workspace's server cannot hold: as probed now, else as the last sync kept."""
        probed = self.access.capabilities.value_limits
        store = self.context.store
        kept = store.schema.value_limits() if store is not None else ValueLimits()
        return ValueLimits(one_value={**kept.one_value, **probed.one_value})

    def kind(self) -> AttributeType:
        return AttributeType(self.type.currentData())

    def _type_changed(self) -> None:
        kind = self.kind()
        if self.existing is None:
            self.type_note.setText("")
            # What the model cannot hold, then what this server cannot (its value limits: one
            # option per select on some).
            why_not = (None if kind in MULTISELECT_TYPES else f"{TYPE_TITLES[kind]} attributes hold one value.") or (
                self._limits().multiselect_problem(kind))
            self.multiselect.setEnabled(why_not is None)
            self.multiselect.setToolTip(why_not or "")
            self.multiselect.setText("Allow several values" + (f" — {why_not.rstrip('.')}." if why_not else ""))
            if why_not is not None:
                self.multiselect.setChecked(False)
        self.type_note.setVisible(bool(self.type_note.text()))
        shown = {"currency_code": kind is AttributeType.CURRENCY,
                 "target_object": kind is AttributeType.RECORD_REFERENCE,
                 "options": kind in (AttributeType.SELECT, AttributeType.STATUS) and self.existing is None}
        for name, visible in shown.items():
            caption, widget = self._rows[name]
            caption.setVisible(visible)
            widget.setVisible(visible)
            if not visible:
                show_error(self.errors[name], None)
        self._rows["options"][0].setText("Statuses" if kind is AttributeType.STATUS else "Options")
        self.choices.set_placeholder("New status title" if kind is AttributeType.STATUS else "New option title")

    # -- saving ---------------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.title.text().strip():
            found["title"] = "Give the attribute a title."
        if self.existing is None:
            taken = {a.slug for a in self.obj.attributes} if self.obj is not None else set()
            owner = f"“{self.obj.plural_name}”" if self.obj is not None else "this object"
            problem = slug_problem(self.slug.text().strip(), taken, owner)
            if problem:
                found["slug"] = problem
            kind = self.kind()
            if kind is AttributeType.CURRENCY and not CURRENCY.match(self.currency.text().strip()):
                found["currency_code"] = "A currency code is three capital letters, like EUR or USD."
            if kind is AttributeType.RECORD_REFERENCE and not self.target.currentData():
                found["target_object"] = "Choose the object this attribute points at."
            if kind in (AttributeType.SELECT, AttributeType.STATUS):
                noun = "status" if kind is AttributeType.STATUS else "option"
                problem = self.choices.problem(kind is AttributeType.STATUS, noun)
                if problem:
                    found["options"] = problem
        return found

    def attribute(self) -> AttributeDef:
        kind = self.kind()
        config: dict[str, Any] = {}
        if kind is AttributeType.CURRENCY:
            config["currency_code"] = self.currency.text().strip()
        if kind is AttributeType.RECORD_REFERENCE:
            config["target_object"] = self.target.currentData()
        options = tuple(self.choices.options()) if kind in (AttributeType.SELECT, AttributeType.STATUS) else ()
        return AttributeDef(
            slug=self.slug.text().strip(), title=self.title.text().strip(), type=kind,
            required=self.required.isChecked(), unique=self.unique.isChecked(),
            multiselect=self.multiselect.isChecked() and kind in MULTISELECT_TYPES, config=config, options=options,
        )

    def submit(self) -> None:
        found = self.problems()
        for name, label in self.errors.items():
            show_error(label, found.get(name))
        if found:
            self.message.setText("")
            return
        slug, attr, existing = self.object_slug, self.attribute(), self.existing
        if existing is None:
            def call(backend: Any) -> Any:
                return backend.create_attribute(slug, attr)
        else:
            def call(backend: Any) -> Any:
                return backend.update_attribute(slug, str(existing.id), title=attr.title,
                                                required=attr.required, unique=attr.unique)
        self.send_to_server(call)


def _wrap(layout: QVBoxLayout | QHBoxLayout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
