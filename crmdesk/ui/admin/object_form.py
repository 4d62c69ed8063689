"""Create or rename one object: singular and plural name (the plural derived from the singular
until it is typed), slug (derived, editable), icon.

A new object gets a title attribute — Name, text, required — in the same call, so its records
have names in tables, pickers and the palette from the first one on (unless the server made
one itself)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from crmdesk.model import AttributeDef, AttributeType, ObjectDef
from crmdesk.remote.errors import RemoteError, ServerRejected
from crmdesk.ui.admin.common import describe, error_label, plural_of, show_error, slug_problem, slugify
from crmdesk.ui.admin.server_form import ServerForm
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.ui.admin.access import AdminAccess

ICONS = ("box", "building", "user", "users", "handshake", "briefcase", "star", "flag", "folder", "tag")
FIELDS = ("singular_name", "plural_name", "slug", "icon")
#: The attribute a new object's records are named by.
TITLE_ATTRIBUTE = AttributeDef(slug="name", title="Name", type=AttributeType.TEXT, required=True)

log = logging.getLogger(__name__)


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
        self.setMinimumWidth(440)  # room for the names and their error lines on one or two lines
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
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
        reading_order(self.singular, self.plural, self.slug, self.icon, self.buttons)
        #: Why the new object has no Name attribute (the server refused it), for the list to say;
        #: set on the GUI thread from what the pool call returned.
        self.title_problem: str | None = None
        self._slug_touched = existing is not None
        # A plural the user typed (or the one an existing object has) is theirs: not derived.
        self._plural_touched = existing is not None
        if existing is not None:
            self.singular.setText(existing.singular_name)
            self.plural.setText(existing.plural_name)
            self.slug.setText(existing.slug)
            self.slug.setReadOnly(True)
            self.slug.setToolTip("An object's slug cannot change once it exists.")
            self.icon.setCurrentText(existing.icon or "box")
        self.plural.textEdited.connect(self._touch_plural)
        self.singular.textEdited.connect(self._derive)
        self.slug.textEdited.connect(self._touch_slug)

    def _touch_slug(self) -> None:
        self._slug_touched = True

    def _touch_plural(self) -> None:
        # Emptied, it follows the singular again from the next edit of the singular (not at once:
        # the user is about to type their own).
        self._plural_touched = bool(self.plural.text())
        if not self._slug_touched:
            self.slug.setText(slugify(self.plural.text() or self.singular.text()))

    def _derive(self) -> None:
        if not self._plural_touched:
            self.plural.setText(plural_of(self.singular.text()))
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
                made = backend.create_object(slug, singular, plural, icon)
                return made, add_title_attribute(backend, made)
        else:
            def call(backend):  # type: ignore[no-untyped-def]
                return backend.update_object(existing.slug, singular_name=singular, plural_name=plural,
                                             icon=icon), None
        self.send_to_server(call)

    def _done(self, result: Any) -> None:
        """Back on the GUI thread: the object, and why it has no Name attribute (None: it has)."""
        made, self.title_problem = result
        super()._done(made)


def add_title_attribute(backend: Any, made: ObjectDef) -> str | None:
    """Runs on the pool, right after the object was made; why the object has no title attribute,
    or None when it has one. The object exists whatever happens here: a refusal is told, not
    raised, or Save would try to make the object again. A server that made its own ``name``
    (so refuses a second one: the slug already exists) leaves nothing to tell."""
    if made.title_attribute is not None:
        return None
    try:
        backend.create_attribute(made.slug, TITLE_ATTRIBUTE)
    except RemoteError as error:
        if _title_already_there(backend, made.slug, error):
            return None
        log.info("the new object %s got no Name attribute: %s", made.slug, error)
        return describe(error)
    return None


def _title_already_there(backend: Any, object_slug: str, error: RemoteError) -> bool:
    """Whether the refusal only says the server has a ``name`` attribute already: its words say
    so, or the object as the server now lists it has one."""
    if isinstance(error, ServerRejected) and "already exists" in error.message.lower():
        return True
    try:
        obj = backend.get_object(object_slug)
    except RemoteError:
        return False
    return obj.attribute(TITLE_ATTRIBUTE.slug) is not None
