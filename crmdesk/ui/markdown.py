"""Markdown from users and servers, rendered safely.

Notes are written by anyone in the workspace (or arrive from a server we do not control), so
their text is hostile until proven otherwise:

- raw HTML is never interpreted: Qt's markdown importer runs with ``MarkdownNoHTML``, which
  keeps ``<b>``, ``<img …>`` and ``<script>`` as the literal characters the user typed;
- images are never loaded: markdown image syntax is turned back into its text, and the
  document refuses every resource request anyway (no remote fetch, no local file read);
- links keep only harmless schemes (http, https, mailto); ``javascript:``, ``file:`` and the
  like lose their anchor and stay as plain text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QDesktopServices,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML


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


def _neutralise(doc: QTextDocument) -> None:
    """Replace images by their text and drop anchors with unsafe schemes, in place."""
    block = doc.begin()
    replacements: list[tuple[int, int, str]] = []
    unsafe_links: list[tuple[int, int]] = []
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                alt = image.property(QTextCharFormat.Property.ImageAltText) or ""
                label = f"[image: {alt or image.name()}]"
                replacements.append((fragment.position(), fragment.length(), label))
            elif fmt.isAnchor():
                scheme = QUrl(fmt.anchorHref()).scheme().lower()
                if scheme not in SAFE_LINK_SCHEMES:
                    unsafe_links.append((fragment.position(), fragment.length()))
            it += 1
        block = block.next()
    cursor = QTextCursor(doc)
    for position, length in unsafe_links:
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        plain = QTextCharFormat()
        plain.setAnchor(False)
        plain.setAnchorHref("")
        plain.setFontUnderline(False)
        cursor.setCharFormat(plain)
    # Back to front, so earlier positions stay valid while later text changes length.
    for position, length, label in sorted(replacements, reverse=True):
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(label, QTextCharFormat())


def render_markdown(text: str, parent: Any = None) -> SafeMarkdownDocument:
    """A document for ``text`` with HTML shown as text, no images and only safe links."""
    doc = SafeMarkdownDocument(parent)
    doc.setDocumentMargin(0)
    doc.setMarkdown(text, _FEATURES)
    _neutralise(doc)
    return doc


class MarkdownView(QWidget):
    """Shows a safe markdown document: wraps to the width given, links open in the browser."""

    link_activated = Signal(QUrl)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = render_markdown(text, self)
        self.document.setDefaultFont(self.font())
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.open_links = True

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
        self.document.documentLayout().draw(painter, context)
        painter.end()

    def _anchor_at(self, position: QPointF) -> str:
        return self.document.documentLayout().anchorAt(position)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # Qt override
        over_link = bool(self._anchor_at(event.position()))
        self.setCursor(Qt.CursorShape.PointingHandCursor if over_link else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt override
        href = self._anchor_at(event.position())
        if href and event.button() == Qt.MouseButton.LeftButton:
            url = QUrl(href)
            if url.scheme().lower() in SAFE_LINK_SCHEMES:
                self.link_activated.emit(url)
                if self.open_links:
                    QDesktopServices.openUrl(url)
            return
        super().mouseReleaseEvent(event)

    def resizeEvent(self, event: Any) -> None:  # Qt override
        self.document.setTextWidth(self.width())
        super().resizeEvent(event)
