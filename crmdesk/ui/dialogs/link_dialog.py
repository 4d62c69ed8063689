"""Link a record to another one with roles, or change a link's roles.

The other record is picked offline from the local copy (the record reference picker: type a
name, arrows and Enter), among one object's records or every object's. Roles are free text,
separated by commas; the roles already used are offered as the user types each one.

The dialog never writes: it emits ``link_ready(other id, roles)`` and the caller saves, then
accepts it or shows the store's refusal in it (what was typed and picked stays)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.store import Store
from crmdesk.store.links import clean_roles
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, TypedText, save_on_ctrl_enter
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.editors.reference import MAX_RESULTS, ReferencePicker, record_source
from crmdesk.ui.widgets.elided_label import ElidedLabel
from crmdesk.ui.widgets.error_label import error_label, show_error_on
from crmdesk.ui.widgets.section import muted

#: What the picker is for: one record, always one (no "— none —" row).
_OTHER = AttributeDef("other", "Record", AttributeType.RECORD_REFERENCE, required=True)


def parse_roles(text: str) -> list[str]:
    """"Employee, decision maker ,, Employee" → ["Employee", "decision maker"]: the text split at
    commas, then cleaned by the store's one rule for roles (``clean_roles``)."""
    return list(clean_roles(text.split(",")))


class RolesCompleter(QCompleter):
    """Completes the role being typed after the last comma, keeping the ones before it."""

    def __init__(self, roles: Iterable[str], edit: QLineEdit) -> None:
        super().__init__(edit)
        # Owned by the completer: a model without a parent would be collected by Python.
        self.setModel(QStringListModel(sorted(set(roles), key=str.casefold), self))
        self._edit = edit
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)

    def splitPath(self, path: str) -> list[str]:  # Qt override
        return [path.split(",")[-1].lstrip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # Qt override
        done = self._edit.text().split(",")[:-1]
        chosen = str(index.data())
        return ", ".join([piece.strip() for piece in done if piece.strip()] + [chosen])


class LinkDialog(GuardedDialog):
    """``other_id`` given: the link exists and only its roles change (nothing to pick)."""

    link_ready = Signal(str, list)  # the other record's id, the roles

    def __init__(self, store: Store, record_id: str, *, other_id: str | None = None, roles: Sequence[str] = (),
                 known_roles: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id = record_id
        self.other_id = other_id
        row = store.records.get(record_id)
        title = row.title if row is not None and row.title else "this record"
        self.resize(460, 440 if other_id is None else 200)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.object_combo: QComboBox | None = None
        self.picker: ReferencePicker | None = None
        if other_id is None:
            self.setWindowTitle(f"Link {title} to…")
            self.object_combo = QComboBox()
            self.object_combo.addItem("Any object", None)
            for slug, obj in store.schema.objects().items():
                self.object_combo.addItem(obj.plural_name or slug, slug)
            self.object_combo.setAccessibleName("Object")
            form.addRow("Object", self.object_combo)
            self.picker = ReferencePicker(_OTHER, self._search, self._title_of, "records")
            self.picker.setAccessibleName("Record to link")
            self.picker.results.itemDoubleClicked.connect(lambda _item: self._submit())
            self.object_combo.currentIndexChanged.connect(self._object_chosen)
        else:
            other = store.records.get(other_id)
            self.setWindowTitle("Edit roles")
            self.other_label = ElidedLabel(other.title if other is not None else "(not in the local copy)")
            form.addRow("Linked to", self.other_label)
        self.roles_edit = QLineEdit(", ".join(roles))
        self.roles_edit.setPlaceholderText("Employee, Decision maker")
        self.roles_edit.setAccessibleName("Roles")
        self.roles_edit.setToolTip("Roles, separated by commas (none is fine too)")
        self.roles_edit.setCompleter(RolesCompleter(known_roles, self.roles_edit))
        self.roles_hint = muted("Separate roles with commas; a link may have none.")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Link" if other_id is None else "Save roles")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        # One form, so "Object", "Linked to" and "Roles" share a label column.
        if self.picker is not None:
            form.addRow(self.picker)
        form.addRow("Roles", self.roles_edit)
        form.addRow("", self.roles_hint)
        layout.addLayout(form, 1)
        if self.picker is None:
            layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        # Enter links (or saves), from the search field and the roles alike; made the default
        # once it is in the dialog, where the button box would otherwise pick Cancel.
        self.save_button.setDefault(True)
        typed = TypedText(self.roles_edit, *([self.picker.search] if self.picker is not None else []))
        self.discard_guard = DiscardGuard(self, typed.changed, "link")
        save_on_ctrl_enter(self, self._submit)
        reading_order(self.object_combo, self.picker, self.roles_edit, self.buttons)
        if self.picker is not None:
            self._object_chosen()
            self.picker.setFocus()
        else:
            self.roles_edit.setFocus()
            self.roles_edit.selectAll()

    # -- picking -------------------------------------------------------------------------------

    def target(self) -> str | None:
        """The object whose records are offered (None: every object's)."""
        return self.object_combo.currentData() if self.object_combo is not None else None

    def _object_chosen(self) -> None:
        assert self.picker is not None
        obj = self.store.schema.get_object(self.target() or "")
        noun = obj.plural_name.lower() if obj is not None else "every object"
        self.picker.search.setPlaceholderText(f"Search {noun}…")
        self.picker.refresh(self.picker.search.text())

    def _search(self, text: str) -> list[tuple[str, str]]:
        """The picker's rows: ``record_source``'s, minus this record; with every object's
        records, each title says its object ("Ada Lovelace · Contact")."""
        target = self.target()
        found = [(rid, title) for rid, title in record_source(self.store, target)(text) if rid != self.record_id]
        if target is not None or not found:
            return found
        where = self.store.records.where_are(rid for rid, _ in found[:MAX_RESULTS])
        objects = self.store.schema.objects()
        named: list[tuple[str, str]] = []
        for rid, title in found[:MAX_RESULTS]:
            obj = objects.get(where[rid][0]) if rid in where else None
            named.append((rid, f"{title} · {obj.singular_name}" if obj is not None else title))
        return named

    def _title_of(self, record_id: str) -> str | None:
        row = self.store.records.get(record_id)
        return row.title if row is not None else None

    def picked(self) -> str | None:
        """The record chosen (the highlighted row), or the one whose roles are edited."""
        if self.picker is None:
            return self.other_id
        item = self.picker.results.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(value) if value else None

    def roles(self) -> list[str]:
        return parse_roles(self.roles_edit.text())

    # -- saving --------------------------------------------------------------------------------

    def _submit(self) -> None:
        other = self.picked()
        if other is None:
            self.show_error("Choose the record to link: type a name and pick it from the list.")
            return
        self.link_ready.emit(other, self.roles())

    def show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)
