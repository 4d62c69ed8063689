"""Notes shown with their structure, safely.

A note's markdown is read by the model's one parser (``crmdesk.model.rich_text``) and the
document is built block by block with ``QTextCursor`` and formats — never from HTML — so text
from a server or a colleague can never become markup: ``<script>`` and ``<img …>`` are the
characters typed, and no resource is ever loaded (the document refuses every request anyway).

Links: only http, https and mailto addresses are links at all; the address shows after the
link text when the text says something else, in the window's status bar while the pointer is on
the link, and opening it asks first (``crmdesk.ui.links``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QStatusTipEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextList,
    QTextListFormat,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from crmdesk.model.rich_text import (
    SAFE_LINK_SCHEMES,
    Block,
    Blockquote,
    BulletList,
    CodeBlock,
    Doc,
    HardBreak,
    Heading,
    HorizontalRule,
    Inline,
    Mark,
    OrderedList,
    Paragraph,
    Text,
    is_safe_link,
    parse_markdown,
)
from crmdesk.ui.links import LinkOpener
from crmdesk.ui.text import plain_tooltip

__all__ = ["SAFE_LINK_SCHEMES", "MarkdownView", "SafeMarkdownDocument", "build_document", "render_markdown"]

#: Block property: how many quotes a block is in (the view paints a bar per level).
QUOTE_DEPTH = QTextFormat.Property.UserProperty + 1
#: Char property: the address shown after a link (its tooltip is the full address).
LINK_ADDRESS = QTextFormat.Property.UserProperty + 2
#: Block property: a horizontal rule (the view paints it, in the muted colour of the theme).
RULE = QTextFormat.Property.UserProperty + 3
BLOCK_GAP = 8
QUOTE_INDENT = 14
LIST_INDENT = 22
ADDRESS_CHARS = 60
_HEADING_SCALE = {1: 1.35, 2: 1.22, 3: 1.1}
_LINE_SEPARATOR = "\u2028"


class SafeMarkdownDocument(QTextDocument):
    """A QTextDocument that never loads a resource; ``refused_resources`` lists what was asked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.refused_resources: list[str] = []

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # Qt override
        # Every image in a note would be a request to a server of the note author's choosing
        # (a tracking pixel at best). Nothing is loaded, whatever the URL.
        self.refused_resources.append(url.toString() if isinstance(url, QUrl) else str(url))
        return None


@dataclass(frozen=True)
class _Style:
    font: QFont
    fixed: QFont
    muted: QColor
    link: QColor
    code_background: QColor

    @classmethod
    def of(cls, font: QFont, palette: QPalette) -> _Style:
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(font.pointSizeF() * 0.92, 6.0))
        text, base = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Base)
        # A faint wash of the text colour over the background: grey on white, lighter grey on dark.
        wash = QColor.fromRgbF(base.redF() * 0.9 + text.redF() * 0.1, base.greenF() * 0.9 + text.greenF() * 0.1,
                               base.blueF() * 0.9 + text.blueF() * 0.1)
        return cls(font, fixed, palette.color(QPalette.ColorRole.PlaceholderText),
                   palette.color(QPalette.ColorRole.Link), wash)


def render_markdown(text: str, parent: Any = None, *, font: QFont | None = None,
                    palette: QPalette | None = None) -> SafeMarkdownDocument:
    """A document for the markdown ``text``: structure kept, HTML shown as text, only safe links."""
    return build_document(parse_markdown(text), parent, font=font, palette=palette)


def build_document(doc: Doc, parent: Any = None, *, font: QFont | None = None,
                   palette: QPalette | None = None) -> SafeMarkdownDocument:
    document = SafeMarkdownDocument(parent)
    document.setDocumentMargin(0)
    document.setIndentWidth(LIST_INDENT)
    base_font = font or QGuiApplication.font()
    document.setDefaultFont(base_font)
    _Builder(document, _Style.of(base_font, palette or QGuiApplication.palette())).blocks(doc.blocks, _Place())
    return document


@dataclass(frozen=True)
class _Place:
    """Where blocks go: inside how many quotes, how deep in lists, how loosely spaced."""

    quotes: int = 0
    lists: int = 0
    tight: bool = False


class _Builder:
    def __init__(self, document: QTextDocument, style: _Style) -> None:
        self.cursor = QTextCursor(document)
        self.style = style
        self.first = True

    # -- blocks ------------------------------------------------------------------------------------

    def _new_block(self, place: _Place, *, bottom: float = BLOCK_GAP, top: float = 0) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLeftMargin(place.quotes * QUOTE_INDENT)
        fmt.setIndent(place.lists)
        fmt.setTopMargin(top)
        fmt.setBottomMargin(2 if place.tight else bottom)
        if place.quotes:
            fmt.setProperty(QUOTE_DEPTH, place.quotes)
        if self.first:
            self.cursor.setBlockFormat(fmt)
            self.first = False
        else:
            self.cursor.insertBlock(fmt, QTextCharFormat())
        return fmt

    def blocks(self, blocks: tuple[Block, ...], place: _Place) -> None:
        for block in blocks:
            self.block(block, place)

    def block(self, block: Block, place: _Place) -> None:
        if isinstance(block, Paragraph):
            self._new_block(place)
            self.inlines(block.inlines, QTextCharFormat())
        elif isinstance(block, Heading):
            self._new_block(place, top=4, bottom=BLOCK_GAP // 2)
            fmt = self.cursor.blockFormat()
            fmt.setHeadingLevel(block.level)
            self.cursor.setBlockFormat(fmt)
            heading = QTextCharFormat()
            heading.setFontWeight(QFont.Weight.Bold)
            heading.setFontPointSize(self.style.font.pointSizeF() * _HEADING_SCALE.get(block.level, 1.0))
            self.inlines(block.inlines, heading)
        elif isinstance(block, CodeBlock):
            self._code_block(block, place)
        elif isinstance(block, HorizontalRule):
            fmt = self._new_block(place)
            fmt.setProperty(RULE, True)
            fmt.setLineHeight(50, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            self.cursor.setBlockFormat(fmt)
        elif isinstance(block, Blockquote):
            self.blocks(block.blocks, _Place(place.quotes + 1, place.lists, place.tight))
        else:
            self._list(block, place)

    def _code_block(self, block: CodeBlock, place: _Place) -> None:
        lines = block.text.split("\n")
        chars = QTextCharFormat()
        chars.setFont(self.style.fixed)
        for number, line in enumerate(lines):
            # Padding above the first line and below the last, inside the shaded box.
            fmt = self._new_block(place, bottom=BLOCK_GAP if number == len(lines) - 1 else 0)
            fmt.setNonBreakableLines(True)
            fmt.setBackground(self.style.code_background)
            fmt.setTextIndent(6)
            self.cursor.setBlockFormat(fmt)
            self.cursor.insertText(line, chars)

    def _list(self, block: BulletList | OrderedList, place: _Place) -> None:
        inner = _Place(place.quotes, place.lists + 1, tight=all(len(item.blocks) == 1 for item in block.items))
        list_format = QTextListFormat()
        list_format.setIndent(inner.lists)
        if isinstance(block, OrderedList):
            list_format.setStyle(QTextListFormat.Style.ListDecimal)
            list_format.setStart(block.start)
        else:
            list_format.setStyle(QTextListFormat.Style.ListDisc if inner.lists % 2 else
                                 QTextListFormat.Style.ListCircle)
        text_list: QTextList | None = None
        for item in block.items:
            first, rest = item.blocks[0], item.blocks[1:]
            if isinstance(first, Paragraph | Heading):
                self.block(first, inner)
            else:  # the bullet needs a line of its own
                self._new_block(inner)
                rest = item.blocks
            if text_list is None:
                text_list = self.cursor.createList(list_format)
            else:
                text_list.add(self.cursor.block())
            self.blocks(rest, inner)
        # The gap after the whole list is a paragraph's (its items sit closer together).
        fmt = self.cursor.blockFormat()
        fmt.setBottomMargin(2 if place.tight else BLOCK_GAP)
        self.cursor.setBlockFormat(fmt)

    # -- inline ------------------------------------------------------------------------------------

    def inlines(self, inlines: tuple[Inline, ...], base: QTextCharFormat) -> None:
        for index, inline in enumerate(inlines):
            if isinstance(inline, HardBreak):
                self.cursor.insertText(_LINE_SEPARATOR, base)
                continue
            self.cursor.insertText(inline.text, self._format(inline, base))
            following = inlines[index + 1] if index + 1 < len(inlines) else None
            if inline.href is not None and not (isinstance(following, Text) and following.href == inline.href):
                self._address(inlines, index, base)

    def _format(self, run: Text, base: QTextCharFormat) -> QTextCharFormat:
        fmt = QTextCharFormat(base)
        if Mark.BOLD in run.marks:
            fmt.setFontWeight(QFont.Weight.Bold)
        if Mark.ITALIC in run.marks:
            fmt.setFontItalic(True)
        if Mark.STRIKE in run.marks:
            fmt.setFontStrikeOut(True)
        if Mark.CODE in run.marks:
            fmt.setFontFamilies(self.style.fixed.families())
            fmt.setFontFixedPitch(True)
            fmt.setBackground(self.style.code_background)
        if run.href is not None and is_safe_link(run.href):
            fmt.setAnchor(True)
            fmt.setAnchorHref(run.href)
            fmt.setForeground(self.style.link)
            fmt.setFontUnderline(True)
        return fmt

    def _address(self, inlines: tuple[Inline, ...], last: int, base: QTextCharFormat) -> None:
        """The link's address, muted, after its text — unless the text already is the address."""
        run = inlines[last]
        assert isinstance(run, Text) and run.href is not None
        start = last
        while start > 0 and getattr(inlines[start - 1], "href", None) == run.href:
            start -= 1
        shown = "".join(i.text for i in inlines[start:last + 1] if isinstance(i, Text))
        address = run.href.removeprefix("mailto:") if run.href.startswith("mailto:") else run.href
        if shown.strip() in (run.href, address):
            return
        if len(address) > ADDRESS_CHARS:
            address = address[:ADDRESS_CHARS - 20] + "…" + address[-19:]
        fmt = QTextCharFormat(base)
        fmt.setForeground(self.style.muted)
        fmt.setProperty(LINK_ADDRESS, run.href)
        self.cursor.insertText(f" ({address})", fmt)


class MarkdownView(QWidget):
    """Shows a note: wraps to the width given; a click on a link asks, then opens the browser."""

    def __init__(self, text: str, parent: QWidget | None = None, *, links: LinkOpener | None = None) -> None:
        super().__init__(parent)
        self.links = links or LinkOpener()
        self.document = render_markdown(text, self, font=self.font(), palette=self.palette())
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self._hovered = ""

    def plain_text(self) -> str:
        return self.document.toPlainText()

    def hasHeightForWidth(self) -> bool:  # Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # Qt override
        self.document.setTextWidth(max(width, 40))
        return int(self.document.size().height()) + 1

    def sizeHint(self) -> QSize:  # Qt override
        self.document.setTextWidth(max(self.width(), 300))
        return QSize(int(self.document.idealWidth()), int(self.document.size().height()) + 1)

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(40, self.heightForWidth(max(self.width(), 40)))

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt override
        self.document.setTextWidth(self.width())
        painter = QPainter(self)
        context = QAbstractTextDocumentLayout.PaintContext()
        # Draw with this widget's palette so a dark theme gets light text, and links its link colour.
        context.palette = self.palette()
        context.palette.setColor(QPalette.ColorRole.Text, self.palette().color(QPalette.ColorRole.WindowText))
        context.clip = QRectF(self.rect())
        self._paint_quote_bars(painter)
        self.document.documentLayout().draw(painter, context)
        painter.end()

    def _paint_quote_bars(self, painter: QPainter) -> None:
        """A bar left of each quote level, a thin line for each rule, in the theme's muted colour."""
        color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        layout = self.document.documentLayout()
        block = self.document.begin()
        while block.isValid():
            fmt = block.blockFormat()
            rect = layout.blockBoundingRect(block)  # the lines, without the block's margins
            following = block.next().blockFormat().intProperty(QUOTE_DEPTH) if block.next().isValid() else 0
            for level in range(fmt.intProperty(QUOTE_DEPTH)):
                # One unbroken bar down a quote of several paragraphs.
                gap = fmt.bottomMargin() if following > level else 0
                painter.fillRect(QRectF(level * QUOTE_INDENT + 2, rect.top(), 3, rect.height() + gap), color)
            if fmt.boolProperty(RULE):
                left = fmt.leftMargin()
                painter.fillRect(QRectF(left, rect.top() + rect.height() / 2, rect.width() - left, 1), color)
            block = block.next()

    def _anchor_at(self, position: QPointF) -> str:
        return self.document.documentLayout().anchorAt(position)

    def _address_at(self, position: QPointF) -> str:
        """The full address of a link or of the muted address after it, under ``position``."""
        href = self._anchor_at(position)
        if href:
            return href
        cursor_position = self.document.documentLayout().hitTest(position, Qt.HitTestAccuracy.ExactHit)
        if cursor_position < 0:
            return ""
        cursor = QTextCursor(self.document)
        cursor.setPosition(cursor_position + 1)
        value = cursor.charFormat().property(LINK_ADDRESS)
        return value if isinstance(value, str) else ""

    def event(self, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            address = self._address_at(QPointF(event.pos()))
            if address:
                # Shown as text, never as markup (QToolTip reads anything tag-like as rich text).
                QToolTip.showText(event.globalPos(), plain_tooltip(address), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # Qt override
        href = self._anchor_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if href else Qt.CursorShape.ArrowCursor)
        self._hover(href)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # Qt override
        self._hover("")
        super().leaveEvent(event)

    def _hover(self, href: str) -> None:
        """The address under the pointer goes to the window's status bar ("" clears it), as a
        browser shows it: a status tip event travels up to the main window, which shows it."""
        if href != self._hovered:
            self._hovered = href
            QApplication.sendEvent(self, QStatusTipEvent(href))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt override
        href = self._anchor_at(event.position())
        if href and event.button() == Qt.MouseButton.LeftButton:
            if is_safe_link(href):
                self.links.open(QUrl(href), self)
            return
        super().mouseReleaseEvent(event)

    def resizeEvent(self, event: Any) -> None:  # Qt override
        self.document.setTextWidth(self.width())
        super().resizeEvent(event)

