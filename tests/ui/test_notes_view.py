"""The Notes view: newest first, title, snippet and parent record shown, Enter opens the record."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import crmdesk.store.changes
from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.models import notes_model
from crmdesk.ui.models.notes_model import DetailRole, NotesModel, RecordIdRole, SubtitleRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.notes_view import NotesView


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


@pytest.fixture
def context(store: Store, ui_context: Callable[..., AppContext]) -> AppContext:
    return ui_context(store, navigator=Navigator(), undo_stack=None)


def shown(qtbot, context: AppContext) -> NotesView:  # type: ignore[no-untyped-def]
    view = NotesView(context)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    return view


def test_notes_newest_first_with_their_record(qtbot, context: AppContext, store: Store, qtmodeltester,
                                              tmp_path: Path) -> None:
    view = shown(qtbot, context)
    qtmodeltester.check(view.model)
    notes = store.notes.all()
    assert view.model.rowCount() == len(notes) > 0
    first = view.model.index(0)
    assert first.data() == notes[0].title
    assert first.data(SubtitleRole) == " ".join(notes[0].content.split())
    parent = store.records.get(notes[0].record_id)
    assert parent is not None
    object_name = store.schema.objects()[parent.object_slug].singular_name
    assert first.data(DetailRole).startswith(f"{parent.title}  ·  {object_name}")
    stamps = [view.model.note_at(r).created_at or "" for r in range(view.model.rowCount())]
    assert stamps == sorted(stamps, reverse=True)
    assert view.count_label.text() == f"{len(notes)} notes"
    shots = Path(os.environ.get("CRMDESK_UI_SHOTS", tmp_path))
    assert view.grab().save(str(shots / "notes_view.png"))


def test_enter_and_double_click_open_the_parent_record(qtbot, context: AppContext) -> None:
    view = shown(qtbot, context)
    assert context.navigator is not None
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(2))
    record_id = view.model.index(2).data(RecordIdRole)
    with qtbot.waitSignal(context.navigator.navigate_requested) as signal:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert signal.args == [f"record:{record_id}"]
    rect = view.list.visualRect(view.model.index(1))
    # A real double-click is a press and release first; QTest's double-click alone is not.
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(context.navigator.navigate_requested, timeout=1000) as signal:
        qtbot.mouseDClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [f"record:{view.model.index(1).data(RecordIdRole)}"]


def test_pages_arrive_as_the_list_scrolls(qtbot, context: AppContext, store: Store, qtmodeltester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notes_model, "PAGE", 7)
    model = NotesModel(store)
    assert model.rowCount() == 7 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert [model.note_at(r).id for r in range(model.rowCount())] == [n.id for n in store.notes.all()]


def test_empty_state_and_plain_text(qtbot, context: AppContext, store: Store) -> None:
    for note in store.notes.all():
        store.edits.delete_note(note.id)
    view = shown(qtbot, context)
    assert view.empty_label.isVisible() and not view.list.isVisible()
    assert view.empty_label.text().startswith("No notes yet")
    some_record = store.search("a")[0].id
    store.edits.create_note(some_record, "<b>x</b><img src=http://x>", "<i>y</i>\nline two")
    view.on_changed(crmdesk.store.changes.ChangeSet(notes=True))
    assert view.list.isVisible()
    index = view.model.index(0)
    assert index.data() == "<b>x</b><img src=http://x>"
    assert index.data(SubtitleRole) == "<i>y</i> line two"
    assert "&lt;img" in index.data(Qt.ItemDataRole.ToolTipRole)
