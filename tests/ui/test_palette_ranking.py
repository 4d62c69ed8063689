"""Ctrl+K finds the record named as typed first: a title equal to the text, then titles starting
with it, then the rest; a typo still finds it ("wlson" → Wilson Inc), and Enter opens it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.models.notes_model import DetailRole
from crmdesk.ui.models.search_model import ItemRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.search_palette import SearchPalette

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


@pytest.fixture
def palette(qtbot, store: Store, ui_context: Callable[..., AppContext]) -> Iterator[SearchPalette]:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    opened = SearchPalette(ui_context(store, navigator=Navigator(), undo_stack=None), window)
    opened.open_for_user()
    yield opened


def company(store: Store, name: str, **values: str) -> str:
    return store.edits.create_record("companies", {"name": name, **values}).target_id


def type_in(qtbot, palette: SearchPalette, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(palette.field, text)
    qtbot.waitUntil(lambda: palette.model.query == palette.field.text(), timeout=2000)
    return [palette.model.index(r).data() for r in range(palette.model.rowCount())]


def records_shown(palette: SearchPalette) -> list[str]:
    items = [palette.model.index(r).data(ItemRole) for r in range(palette.model.rowCount())]
    return [item.title for item in items if item.kind == "record"]


def test_the_exact_title_then_titles_starting_with_it(qtbot, palette: SearchPalette, store: Store) -> None:  # type: ignore[no-untyped-def]
    # Every one of these holds "pine" as a prefix more often than the record named just "Pine",
    # which bm25 alone ranks above it.
    company(store, "Pinewood Pinecrest Pineview")
    company(store, "Old Pine Pinery")
    company(store, "Pine Ridge Partners")
    company(store, "Pine")
    company(store, "Harbour Supplies", description="Pine pine pine furniture, pinewood and pineapple crates")
    type_in(qtbot, palette, "pine")
    found = records_shown(palette)
    assert found[:5] == ["Pine", "Pine Ridge Partners", "Pinewood Pinecrest Pineview", "Old Pine Pinery",
                         "Harbour Supplies"]  # the last found in a value only
    with qtbot.waitSignal(palette.context.navigator.navigate_requested, timeout=1000) as opened:  # type: ignore[union-attr]
        qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    assert opened.args == [f"record:{store.records.ids_titled('Pine')[0]}"]


def test_two_words_typed_rank_the_title_that_starts_with_them(qtbot, palette: SearchPalette, store: Store) -> None:  # type: ignore[no-untyped-def]
    company(store, "Part Northgate Part")  # shorter, and "part" twice: bm25 alone puts it first
    company(store, "Northgate Partners Consulting Group International")
    type_in(qtbot, palette, "northgate part")
    assert records_shown(palette)[:2] == ["Northgate Partners Consulting Group International", "Part Northgate Part"]


def test_a_typo_still_finds_the_record(qtbot, palette: SearchPalette, store: Store) -> None:  # type: ignore[no-untyped-def]
    wilson = company(store, "Wilson Inc")
    company(store, "Olsen Brothers")
    shown = type_in(qtbot, palette, "wlson")
    assert "Wilson Inc" in shown
    assert records_shown(palette)[0].startswith("Wilson") or records_shown(palette)[0].endswith("Wilson")
    row = next(r for r in range(palette.model.rowCount()) if palette.model.index(r).data() == "Wilson Inc")
    assert palette.model.index(row).data(DetailRole) == "Company"
    for _ in range(row):
        qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    with qtbot.waitSignal(palette.context.navigator.navigate_requested, timeout=1000) as opened:  # type: ignore[union-attr]
        qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    assert opened.args == [f"record:{wilson}"]
    # Nonsense is not "corrected" into something: nothing matches, and the palette says so.
    palette.open_for_user()
    assert type_in(qtbot, palette, "xqzzyv") == []
    assert palette.empty_label.isVisible()


def test_a_typo_while_still_typing_and_in_the_second_word(qtbot, palette: SearchPalette, store: Store) -> None:  # type: ignore[no-untyped-def]
    company(store, "Wilson Inc")
    company(store, "Quarrystone Holdings")
    assert "Quarrystone Holdings" in type_in(qtbot, palette, "quarystone")  # a letter left out
    palette.field.clear()
    assert "Quarrystone Holdings" in type_in(qtbot, palette, "quarrystone holdngs")
    palette.field.clear()
    assert "Wilson Inc" in type_in(qtbot, palette, "wlso")  # not finished typing

