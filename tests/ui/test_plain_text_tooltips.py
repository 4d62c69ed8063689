"""Server text is plain text everywhere: an object, attribute, option, list, member, record, note
or task named like markup (``<b>Deals</b><img src=x> R&D``) shows those very characters in every
tooltip, label, header, button, menu and message box, never bold text with an image in it.

Qt reads any tooltip, and any label or message box left in its default ``AutoText`` format, as
HTML when ``Qt.mightBeRichText`` says the text looks like HTML; and a single ``&`` in a button's or
a menu item's text as a shortcut marker. The window is walked widget by widget over every view,
panel and dialog, and each text is checked as Qt would show it."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QTextDocument, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QMenu, QMessageBox, QTabBar, QWidget

from crmdesk.context import AppContext
from crmdesk.model import Member, MutationState
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.text import action_text, plain_for_autotext, plain_message_box, plain_tooltip

#: Shows whether Qt kept the characters: markup, and an ampersand.
MARK = "<img src=x> R&D"


def evil(name: str) -> str:
    return f"<b>{name}</b>{MARK}"


def shown(text: str, rich: bool) -> str:
    """The characters Qt puts on screen for ``text`` (``rich``: read as HTML when it looks like it)."""
    if rich and QtGui.Qt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def shown_on_button(text: str) -> str:
    """A button's or menu item's text as shown: ``&&`` is an ``&``, a lone ``&`` marks a shortcut."""
    return re.sub(r"&(.)", r"\1", text)


def poison(store: Store) -> None:
    """Every name the server gave the workspace becomes markup-like text, as a sync would store it."""
    with store.write():
        workspace = store.schema.workspace()
        assert workspace is not None
        store.schema.save_workspace(dataclasses.replace(workspace, name=evil(workspace.name)))
        store.schema.replace_members(
            [dataclasses.replace(m, name=evil(m.name)) for m in store.schema.members()]
            + [Member("mem-evil", evil("Eve"), "eve@example.com")]
        )
        for position, obj in enumerate(store.schema.objects().values()):
            attributes = tuple(
                dataclasses.replace(a, title=evil(a.title),
                                    options=tuple(dataclasses.replace(o, title=evil(o.title)) for o in a.options))
                for a in obj.attributes
            )
            store.schema.save_object(dataclasses.replace(
                obj, singular_name=evil(obj.singular_name), plural_name=evil(obj.plural_name), attributes=attributes),
                position)
        for position, list_def in enumerate(store.schema.lists().values()):
            store.schema.save_list(dataclasses.replace(list_def, name=evil(list_def.name)), position)
        for table, column in (("records", "title"), ("notes", "title"), ("tasks", "content")):
            store.conn.execute(f"UPDATE {table} SET {column} = '<b>' || {column} || '</b>' || ?", (MARK,))
    store.schema.invalidate()


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    # A list model's columnCount is private to it: one column.
    return 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)


def _model_tooltips(model: QAbstractItemModel, rows: int = 5) -> Iterator[tuple[str, str]]:
    """(where, tooltip) for a model's headers and its first rows (and their children)."""
    root = QModelIndex()
    for orientation, count in ((Qt.Orientation.Horizontal, _columns(model, root)),
                               (Qt.Orientation.Vertical, min(model.rowCount(root), rows))):
        for section in range(count):
            tip = model.headerData(section, orientation, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield f"{type(model).__name__} header {section}", tip

    def walk(parent: QModelIndex, depth: int) -> Iterator[tuple[str, str]]:
        for row in range(min(model.rowCount(parent), rows)):
            for column in range(_columns(model, parent)):
                tip = model.data(model.index(row, column, parent), Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str):
                    yield f"{type(model).__name__} ({row}, {column})", tip
            if depth < 2:
                yield from walk(model.index(row, 0, parent), depth + 1)

    yield from walk(root, 0)


def texts_on_screen(root: QWidget) -> Iterator[tuple[str, str, str]]:
    """(where, text, how Qt reads it: "rich" when it looks like HTML, "plain", "button") for
    everything under ``root`` that a user sees or gets as a tooltip."""
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if widget.toolTip():  # a tool button's is its action's
            yield f"{name} tooltip", widget.toolTip(), "rich"
        if isinstance(widget, QLabel | QMessageBox):
            yield f"{name} text", widget.text(), "plain" if widget.textFormat() == Qt.TextFormat.PlainText else "rich"
        if isinstance(widget, QAbstractButton):
            yield f"{name} text", widget.text(), "button"
        if isinstance(widget, QMenu):
            for action in widget.actions():
                yield f"{name} item", action.text(), "button"
                if widget.toolTipsVisible():
                    yield f"{name} item tooltip", action.toolTip(), "rich"
        if isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                yield f"{name} tab {tab}", widget.tabText(tab), "button"
                yield f"{name} tab {tab} tooltip", widget.tabToolTip(tab), "rich"
        # A bare QAbstractItemModel is Qt's empty placeholder, whose methods are private.
        if isinstance(widget, QAbstractItemView) and type(widget.model()) is not QAbstractItemModel:
            for where, tip in _model_tooltips(widget.model()):
                yield f"{name} {where}", tip, "rich"


def not_shown_literally(root: QWidget) -> tuple[list[str], int]:
    """Every place under ``root`` where server text does not show as written; and how many did."""
    problems, seen = [], 0
    for where, text, how in texts_on_screen(root):
        raw = html.unescape(text) if how == "rich" and QtGui.Qt.mightBeRichText(text) else text
        if "src=x" not in raw:
            continue
        seen += 1
        # (Names may be lower-cased, and a plain label elided: it still shows the characters.)
        if how == "rich" and "<img src=x>" not in shown(text, rich=True).lower():
            problems.append(f"{where}: {text!r}")
        if how == "button" and MARK.lower() not in shown_on_button(text).lower():
            problems.append(f"{where}: {text!r}")
    return list(dict.fromkeys(problems)), seen


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    opened = synced_store(records=60, seed=5)
    poison(opened)
    return opened


def _window(qtbot: Any, store: Store, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                         undo_stack=QUndoStack(), settings=settings)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def test_every_view_shows_server_names_as_written(qtbot: Any, store: Store, tmp_path: Path) -> None:
    window = _window(qtbot, store, tmp_path)
    objects = list(store.schema.objects())
    targets = ["home", "tasks", "notes", "notifications"]
    targets += [f"object:{slug}" for slug in objects] + [f"list:{list_id}" for list_id in store.schema.lists()]
    targets += [f"record:{min(store.records.ids(slug))}" for slug in objects]
    problems: list[str] = []
    seen = 0
    for target in targets:
        window.navigate(target)
        found, count = not_shown_literally(window.current_view() or window)
        problems += found
        seen += count
    for slug in objects:
        window.navigate(f"object:{slug}")
        view: Any = window.current_view()
        view.show_board()
        found, count = not_shown_literally(view)
        problems += found
        seen += count
    found, count = not_shown_literally(window)  # the sidebar, the status bar, every view built
    assert not problems + found, "\n".join(dict.fromkeys(problems + found))
    assert seen > 100 and count > 100  # the walk reached the names


# The offscreen platform cannot raise a window or grab the keyboard for a popup; says so each time.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_every_panel_and_dialog_shows_server_text_as_written(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = sorted(store.records.ids("people"))
    with store.write():
        refused = store.edits.update_record(people[0], {"job_title": "Mine"})
        assert refused is not None and refused.op_id is not None
        store.outbox.set_state(refused.op_id, MutationState.REJECTED, evil("The server refused it"))
        store.conflicts.add("record", people[1], "people", "job_title", evil("mine"), evil("theirs"), "base",
                            theirs_by="mem-evil")
    window = _window(qtbot, store, tmp_path)
    window.navigate("object:people")
    for action in window.component_actions.values():  # search, pending, conflicts, connect, admin
        action.trigger()
    components: Any = window._components
    palette = components["crmdesk.ui.widgets.search_palette:SearchPalette"]
    palette.field.setText("a")
    palette._search()
    components["crmdesk.ui.widgets.pending_panel:PendingPanel"].content.table.selectRow(0)
    view: Any = window.current_view()
    view.table.filter_bar.setVisible(True)
    objects = components["crmdesk.ui.admin.objects_dialog:ObjectsDialog"]
    objects.list.setCurrentRow(2)
    assert objects.current_slug() == "deals"  # its stage has options
    attributes = objects.edit_attributes()
    attributes.select("stage")
    opened = [objects.rename_object(), objects.delete_object(), attributes.edit_attribute(),
              attributes.edit_options(), attributes.delete_attribute()]
    assert None not in opened
    problems, seen = not_shown_literally(window)
    assert not problems, "\n".join(problems)
    assert seen > 50
    # The static message boxes read their text as HTML when it looks like it.
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    components["crmdesk.ui.dialogs.conflicts_dialog:ConflictsDialog"]._let_go()
    components["crmdesk.ui.widgets.pending_panel:PendingPanel"].content.discard()
    assert len(asked) == 2
    assert all("<img src=x>" in shown(text, rich=True).lower() for text in asked), asked


def test_the_table_header_tooltip_shows_an_attribute_title_as_written(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """The case the issue names: a table header's tooltip; and the table's own toolbar."""
    window = _window(qtbot, store, tmp_path)
    window.navigate("object:deals")
    view: Any = window.current_view()
    tip = view.table.model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    title = view.table.model.columns[0].title
    assert title.endswith(MARK) and shown(tip, rich=True).startswith(title)
    assert MARK.lower() in shown(view.table.new_action.toolTip(), rich=True)
    assert MARK.lower() in shown_on_button(view.table.new_action.text())


def test_a_label_shows_the_workspace_name_as_written(qtbot: Any, store: Store, tmp_path: Path) -> None:
    window = _window(qtbot, store, tmp_path)
    window.navigate("home")
    home: Any = window.current_view()
    assert home.heading.textFormat() == Qt.TextFormat.PlainText
    assert home.heading.text().endswith(MARK)


def test_the_helpers_keep_every_character(qtbot: Any) -> None:
    for text in ("<b>Deals</b><img src=x>", "a & b", "line one\nline two", "&lt;", "R&D"):
        assert shown(plain_tooltip(text), rich=True) == text
        assert shown(plain_for_autotext(text), rich=True).replace("\u2029", "\n") == text
        assert shown_on_button(action_text(text)) == text
    assert plain_tooltip("") == ""
    assert plain_for_autotext("Nothing to escape.") == "Nothing to escape."
    box = plain_message_box(None, "Could not open", "<b>x</b>")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText and box.text() == "<b>x</b>"
