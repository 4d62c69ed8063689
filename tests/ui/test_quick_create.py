"""Quick create, driven like a user over a store the sandbox filled: a deal from its key fields
(name, value, stage, owner = me, company) with Enter, refusals shown under their field, a board
column's stage preset, Esc asking before typed text goes, and ``quick_create`` run modally."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp
from crmdesk.store import Store
from crmdesk.ui.dialogs.quick_create_dialog import QuickCreateDialog, quick_create
from tests.ui._modal import close_if_open

#: The offscreen platform cannot raise a completer's popup or grab the keyboard for it.
pytestmark = __import__("pytest").mark.qt_log_ignore("This plugin does not support")


def make_me(store: Store, name: str) -> str:
    """Say which member is "me"; returns the id an owner value names for them."""
    member = next(m for m in store.schema.members() if m.name == name)
    with store.write():
        store.schema.set_me(member.id)
    return member.actor_id


def open_dialog(qtbot: Any, context: AppContext, slug: str, preset: dict[str, Any] | None = None,
                ) -> QuickCreateDialog:
    dialog = QuickCreateDialog(context, slug, None, preset)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def line(dialog: QuickCreateDialog, slug: str) -> QLineEdit:
    widget = dialog.field_widget(slug)
    assert isinstance(widget, QLineEdit)
    return widget


def combo(dialog: QuickCreateDialog, slug: str) -> QComboBox:
    widget = dialog.field_widget(slug)
    assert isinstance(widget, QComboBox)
    return widget


def labels(dialog: QuickCreateDialog) -> list[str]:
    form = dialog.layout().itemAt(0).layout()
    return [form.itemAt(row, form.ItemRole.LabelRole).widget().text() for row in range(form.rowCount())]


def test_a_deal_is_created_from_its_key_fields_with_enter(qtbot: Any, store: Store, context: AppContext) -> None:
    mine = make_me(store, "Leo Lead")
    company = store.records.rows(store.records.query_ids("companies"))[0]
    dialog = open_dialog(qtbot, context, "deals")
    assert labels(dialog) == ["Name *", "Value", "Stage *", "Owner", "Company"]
    assert combo(dialog, "owner").currentText() == "Leo Lead"  # the owner starts as me
    assert combo(dialog, "stage").currentText() == "Lead"  # a required stage starts on the first
    qtbot.waitUntil(line(dialog, "name").hasFocus)
    qtbot.keyClicks(line(dialog, "name"), "Harbor renewal")
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Tab)
    qtbot.keyClicks(line(dialog, "value"), "48,000 EUR")
    qtbot.mouseClick(line(dialog, "company"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(line(dialog, "company"), company.title)
    offered = line(dialog, "company").completer().model().stringList()  # type: ignore[attr-defined]
    assert offered[0] == company.title  # a company by that name, first
    line(dialog, "company").completer().popup().hide()
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result() == QuickCreateDialog.DialogCode.Accepted
    created = store.records.get(dialog.created_id or "")
    assert created is not None and created.object_slug == "deals"
    stage = store.schema.get_object("deals").attribute("stage")  # type: ignore[union-attr]
    assert created.values == {"name": "Harbor renewal", "value": {"amount": 48000, "currency": "EUR"},
                              "stage": stage.option_by_title("Lead").id, "owner": mine, "company": company.id}
    [mutation] = store.outbox.for_target(created.id, entity=EntityKind.RECORD)
    assert mutation.op is MutationOp.CREATE
    assert context.sync.local_edits == 1  # type: ignore[union-attr]


def test_a_refused_value_is_said_under_its_field_and_nothing_is_created(
        qtbot: Any, store: Store, context: AppContext) -> None:
    dialog = open_dialog(qtbot, context, "deals")
    qtbot.mouseClick(line(dialog, "value"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(line(dialog, "value"), "lots")
    qtbot.keyClick(line(dialog, "value"), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error_text("name") == "Name is required"
    assert "is not an amount" in dialog.error_text("value")
    qtbot.waitUntil(line(dialog, "name").hasFocus)  # the first field to fix
    assert store.outbox.count() == 0
    qtbot.keyClicks(line(dialog, "name"), "Fixed")
    line(dialog, "value").clear()
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Return)
    assert not dialog.isVisible() and store.outbox.count() == 1


def test_a_board_columns_stage_is_preset(qtbot: Any, store: Store, context: AppContext) -> None:
    stage = store.schema.get_object("deals").attribute("stage")  # type: ignore[union-attr]
    won = stage.option_by_title("Won").id
    dialog = open_dialog(qtbot, context, "deals", preset={"stage": won})
    assert combo(dialog, "stage").currentText() == "Won"
    qtbot.keyClicks(line(dialog, "name"), "Signed today")
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Enter)
    assert store.records.get(dialog.created_id or "").values["stage"] == won  # type: ignore[union-attr]


def test_a_person_asks_for_name_email_and_company(qtbot: Any, context: AppContext) -> None:
    dialog = open_dialog(qtbot, context, "people")
    assert labels(dialog) == ["Name *", "Email Addresses", "Company"]


def test_escape_with_typed_text_asks_before_dropping_it(qtbot: Any, store: Store, context: AppContext) -> None:
    dialog = open_dialog(qtbot, context, "deals")
    answers = [False, True]
    dialog.discard_guard.confirm = lambda: answers.pop(0)
    qtbot.keyClicks(line(dialog, "name"), "Half a thought")
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Escape)
    assert dialog.isVisible() and line(dialog, "name").text() == "Half a thought"  # "Keep editing"
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.created_id is None  # "Discard"
    assert store.outbox.count() == 0


def test_quick_create_runs_modally_and_returns_the_new_id(qtbot: Any, store: Store, context: AppContext) -> None:
    typed: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QuickCreateDialog):
            QTimer.singleShot(10, answer)
            return
        qtbot.keyClicks(line(dialog, "name"), "Acme Rockets")
        typed.append(line(dialog, "name").text())
        qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Return)
        QTimer.singleShot(50, lambda: close_if_open(dialog))  # a failed check must never hang on the dialog

    QTimer.singleShot(0, answer)
    created_id = quick_create(context, "companies", None)
    assert typed == ["Acme Rockets"]
    assert created_id is not None and store.records.get(created_id).title == "Acme Rockets"  # type: ignore[union-attr]
