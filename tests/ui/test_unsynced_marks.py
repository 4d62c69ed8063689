"""Changes the server does not have yet are marked where the user sees the value: the table's
cell and row header, the board's card, the record page's field. A glyph and a tooltip saying
the state: queued ("Waiting to be sent"), refused (with the server's reason), in conflict.

The sync's side of it (refusing, sending, finding a conflict) is written through a second
connection to the file, as the worker's own connection writes it; the view then hears the
notice as the window hands it on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QWidget

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationState
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.models.board_model import CardIdRole
from crmdesk.ui.models.board_source import RecordSource
from crmdesk.ui.models.entry_table_model import EntryIdRole
from crmdesk.ui.models.entry_table_model import RecordIdRole as EntryRecordRole
from crmdesk.ui.models.marks import MarkRole
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.list_view import ListView
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.unsynced_glyph import gutter

TIP = Qt.ItemDataRole.ToolTipRole
QUEUED_WORDS = "Waiting to be sent"
CONFLICT_WORDS = "Conflict: changed here and on the server"


@pytest.fixture
def table(qtbot: Any, context: AppContext) -> RecordTableView:
    view = RecordTableView(context, "deals")
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the tests leave what they painted (PNG), for a person to look at."""
    folder = tmp_path / "shots"
    folder.mkdir()
    return folder


def dark_palette() -> QPalette:
    """A dark theme as desktop styles give one: light text on near-black, a blue highlight."""
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2d2f33",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3b6fd1",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.ToolTipBase: "#303134", QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    return palette


def cell_index(view: RecordTableView, row: int, slug: str) -> Any:
    return view.model.index(row, [a.slug for a in view.model.columns].index(slug))


def op_of(store: Store, record_id: str) -> int:
    mutations = store.outbox.for_target(record_id, entity=EntityKind.RECORD)
    assert len(mutations) == 1 and mutations[0].op_id is not None
    return mutations[0].op_id


def pixel(image: QImage, x: int, y: int) -> QColor:
    return QColor(image.pixel(x, y))


def near(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


def glyph_colour(view: RecordTableView, row: int, slug: str) -> QColor:
    """The colour at the centre of the cell's glyph strip, as painted on screen."""
    view.table.viewport().repaint()
    image = view.table.viewport().grab().toImage()
    centre = gutter(view.table.visualRect(cell_index(view, row, slug))).center()
    return pixel(image, centre.x(), centre.y())


# -- tables --------------------------------------------------------------------------------------


def test_a_queued_edit_is_marked_then_shown_refused_then_unmarked_once_sent(
    table: RecordTableView, store: Store, server_side: Store
) -> None:
    row = 2
    rid = cell_index(table, row, "name").data(RecordIdRole)
    assert cell_index(table, row, "name").data(MarkRole) is None
    store.edits.update_record(rid, {"name": "Renamed offline"})
    table.on_changed(ChangeSet(objects={"deals"}, record_ids={rid}, outbox=True))

    name = cell_index(table, row, "name")
    assert name.data(MarkRole) == "queued"
    assert name.data(TIP) == plain_tooltip(f"Renamed offline\n{QUEUED_WORDS}")
    assert cell_index(table, row, "value").data(MarkRole) is None  # only the changed field
    header = table.model.headerData(row, Qt.Orientation.Vertical, MarkRole)
    assert header == "queued"
    assert table.model.headerData(row, Qt.Orientation.Vertical, TIP) == plain_tooltip(QUEUED_WORDS)
    assert table.model.headerData(row + 1, Qt.Orientation.Vertical, MarkRole) is None
    palette = table.table.palette()
    assert near(glyph_colour(table, row, "name"), palette.color(QPalette.ColorRole.Link))

    with server_side.write():
        server_side.outbox.set_state(op_of(server_side, rid), MutationState.REJECTED, "Name <b>is taken</b>")
    table.on_changed(ChangeSet(outbox=True))
    assert name.data(MarkRole) == "refused"
    assert name.data(TIP) == plain_tooltip("Renamed offline\nRefused by the server: Name <b>is taken</b>")
    assert table.model.headerData(row, Qt.Orientation.Vertical, MarkRole) == "refused"
    assert near(glyph_colour(table, row, "name"), QColor("#c2410c"))

    with server_side.write():
        server_side.outbox.remove(op_of(server_side, rid))
    table.on_changed(ChangeSet(outbox=True))
    assert name.data(MarkRole) is None and name.data(TIP) == plain_tooltip("Renamed offline")
    assert table.model.headerData(row, Qt.Orientation.Vertical, MarkRole) is None
    assert not near(glyph_colour(table, row, "name"), QColor("#c2410c"))


def test_an_edit_in_the_table_is_marked_at_once(table: RecordTableView) -> None:
    index = cell_index(table, 4, "name")
    assert table.model.setData(index, "Typed in the table")
    assert index.data(MarkRole) == "queued"
    assert table.model.headerData(4, Qt.Orientation.Vertical, MarkRole) == "queued"


def test_a_conflict_is_marked_on_its_field(table: RecordTableView, server_side: Store) -> None:
    rid = cell_index(table, 1, "stage").data(RecordIdRole)
    with server_side.write():
        server_side.conflicts.add("record", rid, "deals", "stage", "mine", "theirs", "base")
    table.on_changed(ChangeSet(conflicts=True))
    stage = cell_index(table, 1, "stage")
    assert stage.data(MarkRole) == "conflict"
    assert CONFLICT_WORDS in stage.data(TIP)
    assert table.model.headerData(1, Qt.Orientation.Vertical, MarkRole) == "conflict"
    assert cell_index(table, 1, "name").data(MarkRole) is None


def test_the_glyph_shows_in_light_and_dark_palettes_beside_the_text(
    table: RecordTableView, store: Store, server_side: Store, shots: Path
) -> None:
    rids = [cell_index(table, row, "name").data(RecordIdRole) for row in (1, 2, 3)]
    for rid in rids:
        store.edits.update_record(rid, {"name": "A name long enough to fill the whole cell, and more"})
    with server_side.write():
        server_side.outbox.set_state(op_of(server_side, rids[1]), MutationState.REJECTED, "Too long")
        server_side.conflicts.add("record", rids[2], "deals", "stage", "a", "b", None)
    table.on_changed(ChangeSet(objects={"deals"}, record_ids=set(rids), outbox=True, conflicts=True))
    table.table.selectRow(5)
    for name, palette in (("light", table.palette()), ("dark", dark_palette())):
        table.setPalette(palette)
        shown = table.table.palette()
        table.table.viewport().repaint()
        assert table.grab().save(str(shots / f"marks-{name}.png"))
        queued = glyph_colour(table, 1, "name")
        background = pixel(table.table.viewport().grab().toImage(), 4,
                           table.table.visualRect(cell_index(table, 1, "name")).top() + 2)
        assert near(queued, shown.color(QPalette.ColorRole.Link)), name
        assert not near(queued, background, 60), name
        warning = QColor("#fbbf24" if name == "dark" else "#c2410c")
        assert near(glyph_colour(table, 2, "name"), warning), name
        assert near(glyph_colour(table, 3, "stage"), warning), name


def test_a_list_table_marks_entry_and_record_changes(qtbot: Any, store: Store, context: AppContext) -> None:
    list_def = next(lst for lst in store.schema.lists().values() if lst.name == "Sales pipeline")
    view = ListView(context, list_def.id)
    qtbot.addWidget(view)
    view.show()
    model = view.table.model
    slugs = [a.slug for a in model.columns]
    entry_id, record = model.index(1, 0).data(EntryIdRole), model.index(1, 0).data(EntryRecordRole)
    store.edits.update_entry(entry_id, {"next_step": "Call back on Monday"})
    view.on_changed(ChangeSet(lists={list_def.id}, outbox=True))
    assert model.index(1, slugs.index("next_step")).data(MarkRole) == "queued"
    assert model.index(1, slugs.index("name")).data(MarkRole) is None
    assert model.headerData(1, Qt.Orientation.Vertical, MarkRole) == "queued"
    store.edits.update_record(record, {"name": "Renamed in the list's record"})
    view.on_changed(ChangeSet(objects={list_def.parent_object}, record_ids={record}, outbox=True))
    name = model.index(1, slugs.index("name"))
    assert name.data(MarkRole) == "queued" and QUEUED_WORDS in name.data(TIP)


# -- boards --------------------------------------------------------------------------------------


def open_board(qtbot: Any, context: AppContext, store: Store, palette: QPalette | None = None) -> BoardView:
    """A board in a window of ``palette`` from the start (columns tint themselves when built);
    the window is kept alive by the board's ``host`` attribute until the test ends."""
    host = QWidget()
    if palette is not None:
        host.setPalette(palette)
    qtbot.addWidget(host)
    board = BoardView(context, RecordSource(store, "deals"), host)
    host.resize(1400, 700)
    board.resize(1400, 700)
    host.show()
    qtbot.waitExposed(host)
    board.host = host  # type: ignore[attr-defined]  # qtbot holds widgets weakly
    return board


def test_a_card_with_an_unsynced_move_is_marked(
    qtbot: Any, store: Store, server_side: Store, tmp_path: Path, ui_context: Callable[..., AppContext], shots: Path
) -> None:
    context = ui_context(store, data=tmp_path)
    board = open_board(qtbot, context, store)
    lead = board.model.columns[0]
    card = lead.model.index(0)
    card_id = card.data(CardIdRole)
    assert card.data(MarkRole) is None
    assert board.model.move_card(card_id, board.model.columns[1].key, 0)
    moved = board.model.columns[1].model.index(0)
    assert moved.data(MarkRole) == "queued" and QUEUED_WORDS in moved.data(TIP)
    assert board.grab().save(str(shots / "board-marks-light.png"))

    with server_side.write():
        server_side.outbox.set_state(op_of(server_side, card_id), MutationState.REJECTED, "Stage is locked")
    board.on_changed(ChangeSet(outbox=True))
    assert moved.data(MarkRole) == "refused"
    assert "Refused by the server: Stage is locked" in moved.data(TIP)
    dark = open_board(qtbot, context, store, dark_palette())
    where = dark.model.locate(card_id)
    assert where is not None and where[0] == 1
    assert dark.model.columns[1].model.index(where[1]).data(MarkRole) == "refused"
    cards = dark.column_widgets[1].cards
    cards.scrollTo(dark.model.columns[1].model.index(where[1]))
    assert dark.grab().save(str(shots / "board-marks-dark.png"))
    # The glyph at the end of the card's title line (as board_delegate lays the card out), in the
    # warning colour for a dark palette.
    from PySide6.QtGui import QFontMetrics

    from crmdesk.ui.widgets.board_delegate import GAP_Y, MARGIN_X, PAD
    title_font = cards.font()
    title_font.setBold(True)
    card_rect = cards.visualRect(dark.model.columns[1].model.index(where[1]))
    line = card_rect.adjusted(MARGIN_X + PAD, GAP_Y + PAD, -MARGIN_X - PAD, 0)
    line.setHeight(QFontMetrics(title_font).height())
    cards.viewport().repaint()
    centre = gutter(line).center()
    assert near(pixel(cards.viewport().grab().toImage(), centre.x(), centre.y()), QColor("#fbbf24"))

    with server_side.write():
        server_side.outbox.remove(op_of(server_side, card_id))
    board.on_changed(ChangeSet(outbox=True))
    assert moved.data(MarkRole) is None


# -- the record page -----------------------------------------------------------------------------


def test_the_record_page_marks_the_field_with_an_unsynced_change(
    qtbot: Any, store: Store, server_side: Store, ui_context: Callable[..., AppContext], shots: Path
) -> None:
    deal = store.records.rows(store.records.query_ids("deals")[:1])[0]
    page = RecordPage(ui_context(store), deal.id)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.form.height() > 0)  # the posted layout requests settled
    assert page.form.mark_of("name") is None
    assert page._commit("name", "Renamed on its page") is None
    badge = page.form.findChild(QWidget, "mark_name")
    assert badge is not None and badge.isVisible()
    assert page.form.mark_of("name") is not None and badge.toolTip() == plain_tooltip(QUEUED_WORDS)
    assert page.form.mark_of("value") is None

    with server_side.write():
        server_side.conflicts.add("record", deal.id, "deals", "value", 1, 2, 0)
    page.on_changed(ChangeSet(conflicts=True))
    assert page.form.findChild(QWidget, "mark_value").toolTip() == plain_tooltip(CONFLICT_WORDS)
    assert page.grab().save(str(shots / "page-marks-light.png"))
    page.setPalette(dark_palette())
    assert page.grab().save(str(shots / "page-marks-dark.png"))
    for slug, colour in (("name", dark_palette().color(QPalette.ColorRole.Link)), ("value", QColor("#fbbf24"))):
        mark = page.form.findChild(QWidget, f"mark_{slug}")  # the glyph sits at the badge's centre
        assert mark is not None
        centre = mark.rect().center()
        assert near(pixel(mark.grab().toImage(), centre.x(), centre.y()), colour), slug
    with server_side.write():
        server_side.outbox.remove(op_of(server_side, deal.id))
    page.on_changed(ChangeSet(outbox=True))
    assert page.form.mark_of("name") is None and badge.toolTip() == ""
