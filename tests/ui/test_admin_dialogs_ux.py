"""The admin dialogs as an admin meets them, against the real sandbox: a new object gets a Name
attribute and a plural made from its singular, messages name things as the admin named them,
error lines and empty states are read whole (the dialog grows), Tab follows the form, every
dialog closes with a button, and statuses can be marked won or lost on this server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget

from crmdesk.context import AppContext
from crmdesk.model import AttributeType
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.admin.attributes_dialog import AttributesDialog
from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.members_dialog import MembersDialog
from crmdesk.ui.admin.objects_dialog import ObjectsDialog
from crmdesk.ui.admin.options_dialog import OptionsDialog
from tests.ui.test_admin_schema import Env, choose, click, env, new_attribute, opened_objects, save, wait_for

pytestmark = pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
__all__ = ["env"]  # the fixture, shared with the schema tests


def _read_whole(window: QWidget) -> list[str]:
    """The shown word-wrapped lines of ``window`` that are cut off (shorter than their text)."""
    QApplication.processEvents()
    shown = [label for label in window.findChildren(QLabel)
             if label.isVisibleTo(window) and label.wordWrap() and label.text()]
    return [label.text() for label in shown
            if label.height() < label.heightForWidth(label.width())
            or not window.rect().contains(label.mapTo(window, label.rect().bottomRight()))]


@pytest.mark.parametrize(("singular", "plural"), [
    ("Company", "Companies"), ("Person", "People"), ("Deal", "Deals"), ("Box", "Boxes"),
])
def test_the_plural_follows_the_singular_until_typed(qtbot: Any, tmp_path: Path, singular: str, plural: str) -> None:
    with Store.open(tmp_path / "w.sqlite") as store:
        dialog = ObjectsDialog(AppContext(paths=Paths.resolve(tmp_path / "data"), store=store))
        qtbot.addWidget(dialog)
        form = dialog.new_object()
        qtbot.keyClicks(form.singular, singular)
        assert form.plural.text() == plural
        qtbot.keyClicks(form.plural, " list")  # typed: the user's now
        qtbot.keyClicks(form.singular, "x")
        assert form.plural.text() == f"{plural} list"


def test_a_new_object_has_a_required_name_and_the_message_names_it(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    click(qtbot, objects.new_button)
    form = objects.form
    qtbot.keyClicks(form.singular, "Partner company")
    assert (form.plural.text(), form.slug.text()) == ("Partner companies", "partner_companies")
    save(qtbot, form)
    wait_for(qtbot, lambda: not form.isVisible())
    assert objects.status_line.text().startswith("“Partner companies” was saved on the server")
    _, attributes = env.api("GET", "/objects/partner_companies/attributes")
    [name] = [a for a in attributes if a["slug"] == "name"]
    assert (name["title"], name["type"], name["isRequired"]) == ("Name", "text", True)
    wait_for(qtbot, lambda: (o := env.schema().get_object("partner_companies")) is not None and o.attribute("name"))
    assert env.schema().get_object("partner_companies").title_attribute.title == "Name"


def test_saved_and_deleted_attributes_are_named_by_title(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    objects.select("companies")
    click(qtbot, objects.attributes_button)
    dialog: AttributesDialog = objects.attributes_dialog
    form = new_attribute(qtbot, dialog, "Partner tier", AttributeType.TEXT)
    save(qtbot, form)
    wait_for(qtbot, lambda: not form.isVisible())
    assert dialog.status_line.text() == "“Partner tier” was saved on the server; the workspace is syncing."
    objects.select("deals")
    confirm = objects.delete_object()
    qtbot.keyClicks(confirm.typed, "deals")
    click(qtbot, confirm.confirm_button)
    wait_for(qtbot, lambda: objects.status_line.text() == "“Deals” was deleted.")


def test_error_lines_are_read_whole_the_dialog_grows(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    form = objects.new_object()
    qtbot.waitExposed(form)
    save(qtbot, form)  # nothing typed: an error under each name
    assert form.errors["singular_name"].isVisibleTo(form)
    assert _read_whole(form) == []
    objects.select("deals")
    attributes = objects.edit_attributes()
    attribute = attributes.new_attribute()
    qtbot.waitExposed(attribute)
    qtbot.keyClicks(attribute.title, "Renewal stage of the partner agreement with the longest name")
    choose(attribute.type, AttributeType.STATUS)
    save(qtbot, attribute)
    assert attribute.errors["options"].isVisibleTo(attribute)
    assert _read_whole(attribute) == []


def test_an_empty_workspace_says_so_in_full(qtbot: Any, tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.sqlite") as store:
        context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store)
        for dialog in (ObjectsDialog(context), MembersDialog(context)):
            qtbot.addWidget(dialog)
            dialog.resize(300, 200)  # small: the lines must still be read whole
            dialog.open_for_user()
            qtbot.waitExposed(dialog)
            assert dialog.empty_line.isVisibleTo(dialog) and "yet" in dialog.empty_line.text()
            assert _read_whole(dialog) == []


def test_every_admin_dialog_closes_with_its_button(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    objects.select("deals")
    attributes = objects.edit_attributes()
    attributes.select("stage")
    options = attributes.edit_options()
    members = MembersDialog(env.context)
    qtbot.addWidget(members)
    members.open_for_user()
    dialog: AdminDialog
    for dialog in (options, attributes, members, objects):
        assert dialog.isVisible()
        assert dialog.close_button.text().replace("&", "") == "Close"
        click(qtbot, dialog.close_button)
        assert not dialog.isVisible()


def _tabbed(qtbot: Any, start: QWidget, count: int) -> list[QWidget]:
    """The widgets focus visits as the user presses Tab ``count`` times from ``start``."""
    start.setFocus()
    visited = [start]
    for _ in range(count):
        widget = QApplication.focusWidget()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    return visited


def _shown_buttons(box: QDialogButtonBox) -> list[QWidget]:
    """The box's buttons from left to right, as they are on screen."""
    return sorted(box.buttons(), key=lambda button: button.mapTo(box, button.rect().topLeft()).x())


def test_tab_follows_the_forms_in_reading_order(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    objects.select("deals")
    attributes = objects.edit_attributes()
    form = attributes.new_attribute()
    choose(form.type, AttributeType.STATUS)
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    choices = form.choices
    # Save and Cancel as the box shows them (the platform decides which comes first).
    shown = _shown_buttons(form.buttons)
    assert set(shown) == {form.buttons.button(QDialogButtonBox.StandardButton.Save),
                          form.buttons.button(QDialogButtonBox.StandardButton.Cancel)}
    assert _tabbed(qtbot, form.title, 11) == [
        form.title, form.slug, form.type, choices.list, choices.title, choices.color, choices.add_button,
        choices.remove_button, form.required, form.unique, *shown]
    # (A status is never multiselect: Tab passes the box by.)
    form.reject()
    objects.activateWindow()
    object_form = objects.new_object()
    qtbot.waitExposed(object_form)
    object_form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is object_form)
    assert _tabbed(qtbot, object_form.singular, 5) == [
        object_form.singular, object_form.plural, object_form.slug, object_form.icon,
        *_shown_buttons(object_form.buttons)]
    object_form.reject()
    attributes.select("stage")
    options: OptionsDialog = attributes.edit_options()
    qtbot.waitExposed(options)
    options.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is options)
    wait_for(qtbot, lambda: options.editable)
    # (The Active box is off on this server: Tab passes it by. The won/lost choice is on.)
    assert _tabbed(qtbot, options.list, 10) == [
        options.list, options.title, options.color, options.outcome, options.add_button, options.rename_button,
        options.recolor_button, options.delete_button, options.up_button, options.down_button, options.close_button]


def test_statuses_can_be_marked_won_or_lost_here(qtbot: Any, env: Env) -> None:
    objects = opened_objects(qtbot, env)
    objects.select("deals")
    attributes = objects.edit_attributes()
    attributes.select("stage")
    options = attributes.edit_options()
    wait_for(qtbot, lambda: options.editable)
    # This server keeps a status's outcome: the choice has no reason to give, the note none to add.
    assert options.outcome.isVisibleTo(options) and options.outcome.toolTip() == ""
    assert "won or lost" not in options.note.text()
    # Renaming and reordering work as before (the order on this computer, as the note says).
    options.select_title("Proposal")
    assert options.outcome.isEnabled() and options.outcome.currentText() == "Open"
    options.title.selectAll()
    qtbot.keyClicks(options.title, "Offer")
    click(qtbot, options.rename_button)
    wait_for(qtbot, lambda: env.schema().get_object("deals").attribute("stage").option_by_title("Offer") is not None)
