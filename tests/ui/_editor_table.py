"""A record table over a small store with one attribute of each choice and time type, for the
tests that drive its cell editors with keys and clicks (``test_choice_editors_pick``,
``test_dialog_tab_order``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QWidget

from crmdesk.context import AppContext
from crmdesk.model import AttributeDef, AttributeType, Member, ObjectDef, Option
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.ui.views.record_table_view import RecordTableView

T = AttributeType
ATTRIBUTES = (
    AttributeDef("name", "Name", T.TEXT, required=True),
    AttributeDef("phase", "Phase", T.STATUS, options=(
        Option("p1", "Planned", "#6366f1", 0), Option("p2", "Running", "#f59e0b", 1), Option("p3", "Done", None, 2))),
    AttributeDef("tags", "Tags", T.SELECT, multiselect=True, options=(
        Option("t1", "Hot", "#ef4444", 0), Option("t2", "Partner", "#22c55e", 1), Option("t3", "Renewal", None, 2))),
    AttributeDef("owner", "Owner", T.ACTOR_REFERENCE),
    AttributeDef("client", "Client", T.RECORD_REFERENCE, config={"target_object": "clients"}),
    AttributeDef("kickoff", "Kickoff", T.TIMESTAMP),
    AttributeDef("size", "Size", T.NUMBER),
)


def make_store(path: Path) -> Store:
    store = Store.open(path)
    with store.write():
        store.schema.save_object(ObjectDef("clients", "Client", "Clients", attributes=(
            AttributeDef("name", "Name", T.TEXT, required=True),)))
        store.schema.save_object(ObjectDef("projects", "Project", "Projects", attributes=ATTRIBUTES))
        store.schema.replace_members([Member("m1", "Ada Admin", "ada@x.test"), Member("m2", "Leo Lead", "leo@x.test")])
    for client in ("Acme", "Globex", "Initech"):
        store.edits.create_record("clients", {"name": client})
    store.edits.create_record("projects", {"name": "Apollo", "phase": "p1"})
    return store


def make_view(qtbot: Any, store: Store, tmp_path: Path) -> RecordTableView:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, undo_stack=QUndoStack(),
                         settings=settings)
    view = RecordTableView(context, "projects")
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def start_editing(qtbot: Any, view: RecordTableView, slug: str) -> Any:
    """Go to the project's ``slug`` cell and press F2, as a user starts editing a cell."""
    column = [a.slug for a in view.model.columns].index(slug)
    index = view.model.index(0, column)
    view.table.scrollTo(index)
    view.table.setCurrentIndex(index)
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    # This cell's editor (a closed one may still be waiting for deletion under the same name).
    editor = view.table.indexWidget(index)
    assert isinstance(editor, QWidget) and editor.objectName() == f"editor_{slug}"
    qtbot.waitUntil(editor.isVisible)
    return editor


def editing(view: RecordTableView) -> bool:
    return view.table.state() == QAbstractItemView.State.EditingState


def stored(store: Store, slug: str) -> Any:
    row = store.records.rows(store.records.query_ids("projects"))[0]
    return row.values.get(slug)
