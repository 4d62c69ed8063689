"""Which editor edits which attribute type."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.editors.choice import CheckboxEditor, ChoiceEditor, MultiChoiceEditor
from crmdesk.ui.editors.rating import RatingEditor
from crmdesk.ui.editors.reference import ReferencePicker, member_source, record_source
from crmdesk.ui.editors.structured import InteractionEditor, LocationEditor, PersonalNameEditor
from crmdesk.ui.editors.temporal import DateEditor, TimestampEditor
from crmdesk.ui.editors.text_like import CurrencyEditor, TextEditor

_SINGLE_ONLY = {
    AttributeType.CURRENCY: CurrencyEditor,
    AttributeType.LOCATION: LocationEditor,
    AttributeType.INTERACTION: InteractionEditor,
    AttributeType.DATE: DateEditor,
    AttributeType.TIMESTAMP: TimestampEditor,
}


def create_editor(attr: AttributeDef, store: Store, ctx: StoreDisplayContext, parent: QWidget | None) -> QWidget:
    """A widget following the ``ValueEditor`` protocol (see ``crmdesk.ui.editors``)."""
    kind = attr.type
    if kind is AttributeType.CHECKBOX:
        return CheckboxEditor(attr, ctx, parent)
    if kind in (AttributeType.SELECT, AttributeType.STATUS):
        return MultiChoiceEditor(attr, ctx, parent) if attr.multiselect else ChoiceEditor(attr, ctx, parent)
    if kind is AttributeType.RATING:
        return RatingEditor(attr, ctx, parent)
    if kind is AttributeType.PERSONAL_NAME:
        return PersonalNameEditor(attr, ctx, parent)
    if kind is AttributeType.RECORD_REFERENCE:
        target = attr.target_object
        target_def = store.schema.get_object(target) if target else None
        noun = target_def.plural_name.lower() if target_def else "records"
        return ReferencePicker(attr, record_source(store, target), ctx.record_title, noun, parent)
    if kind is AttributeType.ACTOR_REFERENCE:
        return ReferencePicker(attr, member_source(store), ctx.member_name, "members", parent)
    editor_class = _SINGLE_ONLY.get(kind)
    if editor_class is not None and not (attr.multiselect and kind in (AttributeType.LOCATION,
                                                                         AttributeType.INTERACTION)):
        return editor_class(attr, ctx, parent)  # type: ignore[no-any-return]
    # Text, number, email, phone, domain — and multiselect lists of them, typed with separators.
    return TextEditor(attr, ctx, parent)
