"""Create or rename one object: singular and plural name, slug (derived, editable), icon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from crmdesk.model import ObjectDef
from crmdesk.ui.admin.common import error_label, show_error, slug_problem, slugify
from crmdesk.ui.admin.server_form import ServerForm

if TYPE_CHECKING:
    from crmdesk.ui.admin.access import AdminAccess

ICONS = ("box", "building", "user", "users", "handshake", "briefcase", "star", "flag", "folder", "tag")
FIELDS = ("singular_name", "plural_name", "slug", "icon")


class ObjectForm(ServerForm):
    error_fields = FIELDS
    saved = Signal(str)  # slug

    def __init__(self, access: AdminAccess, existing: ObjectDef | None, taken: set[str], parent=None) -> None:
        super().__init__(parent)
        self.access = access
        self.existing = existing
        self.taken = taken - ({existing.slug} if existing else set())
        self.setWindowTitle("Rename object" if existing else "New object")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.singular = QLineEdit(self)
        self.singular.setPlaceholderText("Partner")
        self.plural = QLineEdit(self)
        self.plural.setPlaceholderText("Partners")
        self.slug = QLineEdit(self)
        self.icon = QComboBox(self)
        self.icon.setEditable(True)
        self.icon.addItems(ICONS)
        self.errors = {name: error_label(self) for name in FIELDS}
        for label, name, widget in (("Singular name", "singular_name", self.singular),
                                    ("Plural name", "plural_name", self.plural),
                                    ("Slug", "slug", self.slug), ("Icon", "icon", self.icon)):
            form.addRow(label, widget)
            form.addRow("", self.errors[name])
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._slug_touched = existing is not None
        if existing is not None:
            self.singular.setText(existing.singular_name)
            self.plural.setText(existing.plural_name)
            self.slug.setText(existing.slug)
            self.slug.setReadOnly(True)
            self.slug.setToolTip("An object's slug cannot change once it exists.")
            self.icon.setCurrentText(existing.icon or "box")
        self.plural.textEdited.connect(self._derive)
        self.singular.textEdited.connect(self._derive)
        self.slug.textEdited.connect(self._touch_slug)

    def _touch_slug(self) -> None:
        self._slug_touched = True

    def _derive(self) -> None:
        if not self._slug_touched:
            self.slug.setText(slugify(self.plural.text() or self.singular.text()))

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.singular.text().strip():
            found["singular_name"] = "Give the singular name, like “Partner”."
        if not self.plural.text().strip():
            found["plural_name"] = "Give the plural name, like “Partners”."
        if self.existing is None:
            problem = slug_problem(self.slug.text().strip(), self.taken, "this workspace's objects")
            if problem:
                found["slug"] = problem
        return found

    def submit(self) -> None:
        found = self.problems()
        for name, label in self.errors.items():
            show_error(label, found.get(name))
        if found:
            return
        singular, plural = self.singular.text().strip(), self.plural.text().strip()
        slug, icon = self.slug.text().strip(), self.icon.currentText().strip() or None
        existing = self.existing
        if existing is None:
            def call(backend):  # type: ignore[no-untyped-def]
                return backend.create_object(slug, singular, plural, icon)
        else:
            def call(backend):  # type: ignore[no-untyped-def]
                return backend.update_object(existing.slug, singular_name=singular, plural_name=plural, icon=icon)
        self.send_to_server(call)
