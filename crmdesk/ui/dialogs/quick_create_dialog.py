"""Quick create: a new record from anywhere (Ctrl+N, a board column's "+") with the fields
that make it worth having at once — the object's title, every required attribute, and its key
fields: a deal's value, stage, company and owner; a person's email and employer; a company's
domain. The owner starts as the person using the workspace (``store.schema.my_actor_id()``).

Enter creates the record offline, as the table's New record does (``store.edits.create_record``:
validated by the model, queued in the outbox, shown by every open view through the change feed).
A refused value keeps the dialog open with the model's message under its field; Esc with typed
text asks before dropping it (``discard_guard``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, ValidationError
from crmdesk.model.values import edit_text, elements
from crmdesk.store import NotFound, Store, StoreError
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.user_text import resolve_references
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, TypedText, save_on_ctrl_enter
from crmdesk.ui.models.record_table_model import ValueRole, check_value
from crmdesk.ui.reference_search import member_matches, record_matches
from crmdesk.ui.widgets.error_label import error_label, refusal_text
from crmdesk.ui.widgets.section import muted

if TYPE_CHECKING:
    from crmdesk.context import AppContext

#: Types whose first attribute is a key field when the object has one (single values only
#: for references and choices: a deal has one company and one owner to name at once).
_KEY_TYPES = (AttributeType.CURRENCY, AttributeType.STATUS, AttributeType.RECORD_REFERENCE,
              AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN, AttributeType.ACTOR_REFERENCE)
_SINGLE_ONLY = frozenset({AttributeType.STATUS, AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})
#: Titles a reference field offers to complete with.
COMPLETIONS = 10
#: More fields than this and it is no longer quick; the record page has them all.
MAX_FIELDS = 8
NO_CHOICE = "—"


def quick_create_attributes(obj: ObjectDef, preset: dict[str, Any] | None = None) -> list[AttributeDef]:
    """The title, the required attributes, the first attribute of each key type, and any
    attribute a preset fills (a board column's stage), in the object's order."""
    ordered = sorted(obj.attributes, key=lambda a: a.order)
    wanted: set[str] = set(preset or ())
    if obj.title_attribute is not None:
        wanted.add(obj.title_attribute.slug)
    wanted |= {a.slug for a in ordered if a.required}
    for kind in _KEY_TYPES:
        first = next((a for a in ordered if a.type is kind
                      and not (kind in _SINGLE_ONLY and a.multiselect)), None)
        if first is not None and len(wanted) < MAX_FIELDS:
            wanted.add(first.slug)
    return [a for a in ordered if a.slug in wanted]


class QuickField:
    """One attribute's input in the dialog: ``value()`` is canonical or raises ValidationError."""

    def __init__(self, attr: AttributeDef, widget: QWidget) -> None:
        self.attr = attr
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def checked(self, role: int, raw: Any) -> Any:
        """``raw`` as the table's editors check it; an empty required field "is required" (the
        table's "cannot be emptied" is about a value that was there)."""
        canonical = check_value(replace(self.attr, required=False), role, raw)
        if canonical is None and self.attr.required:
            raise ValidationError(self.attr.title or self.attr.slug, "is required")
        return canonical

    def text_widget(self) -> QLineEdit | None:
        return None


class LineField(QuickField):
    """Typed text parsed by the model's codecs; references are typed by title, with completion."""

    def __init__(self, attr: AttributeDef, store: Store, display: StoreDisplayContext, preset: Any) -> None:
        super().__init__(attr, QLineEdit())
        self.store = store
        self.edit: QLineEdit = self.widget  # type: ignore[assignment]
        self.edit.setPlaceholderText(_placeholder(attr))
        if attr.type is AttributeType.RECORD_REFERENCE:
            self.edit.setText("; ".join(display.record_title(str(i)) or str(i) for i in elements(preset)))
            self.completions = QStringListModel(self.edit)
            completer = QCompleter(self.completions, self.edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            self.edit.setCompleter(completer)
            self.edit.textEdited.connect(self._complete)
        elif preset is not None:
            self.edit.setText(edit_text(attr, preset, display))

    def _complete(self, text: str) -> None:
        piece = text.split(";")[-1].strip()
        # The reference pickers' own search (the whole object, in SQL): ten titles to complete with.
        found = record_matches(self.store, self.attr.target_object, piece, COMPLETIONS) if piece else []
        self.completions.setStringList([title for _id, title in found])

    def value(self) -> Any:
        return self.checked(Qt.ItemDataRole.EditRole, resolve_references(self.store, self.attr, self.edit.text()))

    def text_widget(self) -> QLineEdit | None:
        return self.edit


class ChoiceField(QuickField):
    """A status, single select or member, picked from a list (a required status starts on its first stage)."""

    def __init__(self, attr: AttributeDef, choices: list[tuple[str, str]], preset: Any) -> None:
        super().__init__(attr, QComboBox())
        self.combo: QComboBox = self.widget  # type: ignore[assignment]
        if not attr.required:
            self.combo.addItem(NO_CHOICE, None)
        for identifier, title in choices:
            self.combo.addItem(title, identifier)
        self.combo.setCurrentIndex(max(self.combo.findData(preset), 0) if preset is not None else 0)

    def value(self) -> Any:
        return self.checked(ValueRole, self.combo.currentData())


class CheckField(QuickField):
    def __init__(self, attr: AttributeDef, preset: Any) -> None:
        super().__init__(attr, QCheckBox())
        self.box: QCheckBox = self.widget  # type: ignore[assignment]
        self.box.setChecked(bool(preset))

    def value(self) -> Any:
        return self.box.isChecked()


def _placeholder(attr: AttributeDef) -> str:
    return {
        AttributeType.CURRENCY: f"Amount, e.g. 50,000 {attr.currency_code or 'USD'}",
        AttributeType.DATE: "YYYY-MM-DD",
        AttributeType.TIMESTAMP: "YYYY-MM-DD HH:MM",
        AttributeType.RECORD_REFERENCE: "Type a name" + ("; separate several with “;”" if attr.multiselect else ""),
        AttributeType.EMAIL_ADDRESS: "name@example.com",
    }.get(attr.type, "Required" if attr.required else "")


class QuickCreateDialog(GuardedDialog):
    """A new ``object_slug`` record from a few fields; ``created_id`` names it after accept."""

    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None,
                 preset: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.store = context.store
        obj = self.store.schema.get_object(object_slug)
        if obj is None:
            raise NotFound(f"The object “{object_slug}”")
        self.object_def = obj
        self.preset = dict(preset or {})
        self.display = StoreDisplayContext(self.store)
        #: The new record's id (a local id until the next sync sends it), once created.
        self.created_id: str | None = None
        self.setWindowTitle(f"New {obj.singular_name.lower()}")
        self.fields: dict[str, QuickField] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for attr in quick_create_attributes(obj, self.preset):
            field = self._field_for(attr)
            field.widget.setObjectName(f"quick_{attr.slug}")
            error = error_label()
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(field.widget)
            cell.addWidget(error)
            form.addRow(attr.title + (" *" if attr.required else ""), cell)
            self.fields[attr.slug] = field
            self.errors[attr.slug] = error
        self.message = error_label()
        hint = muted("Enter creates it; the record page has every other field.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = self.buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(hint)
        layout.addStretch(1)  # a dialog made taller keeps its fields together at the top
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        typed = [w for w in (f.text_widget() for f in self.fields.values()) if w is not None]
        self.discard_guard = DiscardGuard(self, TypedText(*typed).changed, obj.singular_name.lower())
        save_on_ctrl_enter(self, self.accept)
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.widget.setFocus()

    def _field_for(self, attr: AttributeDef) -> QuickField:
        preset = self.preset.get(attr.slug)
        if attr.type is AttributeType.CHECKBOX:
            return CheckField(attr, preset)
        if attr.type is AttributeType.ACTOR_REFERENCE and not attr.multiselect:
            members = member_matches(self.store, "", limit=len(self.store.schema.members()))
            return ChoiceField(attr, list(members),
                               preset if preset is not None else self.store.schema.my_actor_id())
        if attr.has_options and not attr.multiselect:
            options = sorted(attr.options, key=lambda o: o.order)
            keep_all = attr.type is AttributeType.STATUS  # closed stages stay choosable; archived options do not
            return ChoiceField(attr, [(o.id, o.title) for o in options if keep_all or o.active], preset)
        return LineField(attr, self.store, self.display, preset)

    def field_widget(self, slug: str) -> QWidget:
        return self.fields[slug].widget

    def error_text(self, slug: str) -> str:
        return self.errors[slug].text()

    # -- saving -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any] | None:
        """The canonical values, or None after showing each refused field's message."""
        values: dict[str, Any] = {}
        refused: list[QuickField] = []
        for slug, field in self.fields.items():
            label = self.errors[slug]
            try:
                values[slug] = field.value()
            except ValidationError as error:
                # Under its field: "Name is required", "No record is called “Acme”".
                starts_with_verb = error.message.startswith(("is ", "has ", "must "))
                label.setText(f"{field.attr.title or error.attribute} {error.message}" if starts_with_verb
                              else refusal_text(error))
                label.show()
                refused.append(field)
                continue
            label.clear()
            label.hide()
        # A preset for an attribute not shown (none today: presets are shown) is still kept.
        values.update({k: v for k, v in self.preset.items() if k not in self.fields})
        if refused:
            refused[0].widget.setFocus()
            self.adjustSize()  # the messages take room: the dialog grows rather than clipping them
            return None
        return {k: v for k, v in values.items() if v is not None}

    def accept(self) -> None:
        values = self.values()
        if values is None:
            return
        try:
            mutation = self.store.edits.create_record(self.object_def.slug, values)
        except (ValidationError, StoreError) as error:
            self.message.setText(str(error))
            self.message.show()
            return
        self.created_id = mutation.target_id
        if self.context.sync is not None:
            self.context.sync.local_edit()  # send it soon
        super().accept()


def quick_create(context: AppContext, object_slug: str, parent: QWidget | None,
                 preset: dict[str, Any] | None = None) -> str | None:
    """Ask for a new record modally; its id when created, None when the user cancelled."""
    dialog = QuickCreateDialog(context, object_slug, parent, preset)
    try:
        dialog.exec()
        return dialog.created_id
    finally:
        dialog.deleteLater()
