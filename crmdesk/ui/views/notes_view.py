"""Notes: every note, newest first, the selected one shown whole beside the list (headings,
lists, links as written); double-click or Enter opens the record it belongs to.

Also home of ``TwoLineDelegate``, the painter for every two-line list (notes, notifications,
the search palette): text is drawn with ``drawText``, which never interprets markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.links import LinkOpener
from crmdesk.ui.markdown import MarkdownView
from crmdesk.ui.models.notes_model import DetailRole, EmphasisRole, NotesModel, RecordIdRole, SubtitleRole
from crmdesk.ui.views.view_heading import heading  # (here too: other views import it from here)

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet

Index = QModelIndex | QPersistentModelIndex


class TwoLineDelegate(QStyledItemDelegate):
    """Title (bold when emphasised) and a muted detail on line one; a muted snippet on line two."""

    PAD_X = 12
    PAD_Y = 7
    GAP = 3
    DETAIL_MAX = 0.45  # the detail never takes more than this share of the width

    def _fonts(self, option: QStyleOptionViewItem, emphasis: bool) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(emphasis)
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.9, 7.0))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title, small = self._fonts(option, True)
        height = QFontMetrics(title).height() + 2 * self.PAD_Y
        if index.data(SubtitleRole):
            height += self.GAP + QFontMetrics(small).height()
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else None
        painter.save()
        if style is not None:
            # The background, selection and focus frame as the style draws them, without text.
            option.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active else \
            QPalette.ColorGroup.Inactive
        text_color = option.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QPalette(option.palette).color(group, QPalette.ColorRole.PlaceholderText)
        if selected:
            muted = text_color
        title_font, small_font = self._fonts(option, bool(index.data(EmphasisRole)))
        title_metrics, small_metrics = QFontMetrics(title_font), QFontMetrics(small_font)
        area = option.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        line_one = QRect(area.left(), area.top(), area.width(), title_metrics.height())
        detail = str(index.data(DetailRole) or "")
        detail_width = 0
        if detail:
            detail = small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, int(area.width() * self.DETAIL_MAX))
            detail_width = small_metrics.horizontalAdvance(detail) + self.PAD_X
            painter.setFont(small_font)
            painter.setPen(muted)
            painter.drawText(line_one, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), detail)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        title = title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(area.width() - detail_width, 0))
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(line_one, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        subtitle = str(index.data(SubtitleRole) or "")
        if subtitle:
            line_two = QRect(area.left(), line_one.bottom() + 1 + self.GAP, area.width(), small_metrics.height())
            subtitle = small_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, area.width())
            painter.setFont(small_font)
            painter.setPen(muted)
            painter.drawText(line_two, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), subtitle)
        painter.restore()


def empty_state(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setProperty("placeholder", True)
    label.setEnabled(False)  # drawn in the palette's muted text colour, light or dark
    return label


def two_line_list(model: QAbstractItemModel, accessible_name: str, parent: QWidget, *, uniform: bool = True
                  ) -> QListView:
    """A list drawn by ``TwoLineDelegate``; ``uniform`` when every row has a second line, so the
    view can skip measuring each row (long lists); rows without one are then as tall."""
    view = QListView(parent)
    view.setModel(model)
    view.setItemDelegate(TwoLineDelegate(view))
    view.setAccessibleName(accessible_name)
    view.setUniformItemSizes(uniform)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


class NotePreview(QScrollArea):
    """The selected note in full: its title, where it belongs, and its text with its structure."""

    def __init__(self, links: LinkOpener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.links = links
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body: MarkdownView | None = None
        self.show_note("", "", "")

    def show_note(self, title: str, detail: str, content: str) -> None:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title_label = heading(title)
        self.title_label.setWordWrap(True)
        self.detail_label = QLabel(detail)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setEnabled(False)  # the palette's muted text, light or dark
        self.body = MarkdownView(content, inner, links=self.links)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.setWidget(inner)  # the previous note's widgets go with the old one


class NotesView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.model = NotesModel(context.store)
        self.model.modelReset.connect(self._update_state)
        self.model.rowsInserted.connect(self._update_state)
        self.list = two_line_list(self.model, "Notes", self)
        # activated is Enter, and a double-click (or a single one where the style says so).
        self.list.activated.connect(self._open)
        self.preview = NotePreview(LinkOpener(), self)
        self.list.selectionModel().currentChanged.connect(self._show_current)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label = empty_state("No notes yet — add one from a record's page.")
        top = QHBoxLayout()
        top.addWidget(heading("Notes"))
        top.addWidget(self.count_label)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.splitter, 1)
        self._update_state()

    def focus_target(self) -> QWidget:
        """Where focus goes when the view is navigated to: the notes list (Enter opens)."""
        return self.list

    def _update_state(self, *_: object) -> None:
        rows = self.model.rowCount()
        self.empty_label.setVisible(rows == 0)
        self.list.setVisible(rows > 0)
        self.splitter.setVisible(rows > 0)
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(f"{rows:,}{more} note{'s' if rows != 1 else ''}" if rows else "")
        if rows and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))

    def _show_current(self, index: QModelIndex) -> None:
        if not index.isValid():
            self.preview.show_note("", "", "")
            return
        note = self.model.note_at(index.row())
        self.preview.show_note(note.title or "Untitled note", str(index.data(DetailRole) or ""), note.content)

    def _open(self, index: QModelIndex) -> None:
        record_id = index.data(RecordIdRole)
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.notes or changes.objects or changes.id_changes or changes.schema or changes.full_reset:
            self.model.reload()
