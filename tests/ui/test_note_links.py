"""Links in a note as the user meets them: the address under the pointer in the window's status
bar, a confirmation that shows a look-alike host as DNS sees it, nothing but web and mail opened."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from crmdesk.ui.links import LinkOpener, ask_before_opening, confirmation_text
from crmdesk.ui.markdown import MarkdownView

LINK = "https://example.com/quote/17"
#: "example.com" with a Cyrillic "а": it reads like the real host.
LOOK_ALIKE = "https://ex\u0430mple.com/quote/17"


def test_the_confirmation_shows_a_look_alike_host_as_dns_sees_it() -> None:
    assert confirmation_text(QUrl(LOOK_ALIKE)) == (
        "Open https://ex\u0430mple.com/quote/17 (xn--exmple-4nf.com) in your browser?")
    # Written in punycode, the address shows its Unicode form: the ASCII one is shown beside it.
    assert confirmation_text(QUrl("https://xn--exmple-4nf.com/q")).endswith("(xn--exmple-4nf.com) in your browser?")
    assert confirmation_text(QUrl("mailto:ada@ex\u0430mple.com")) == (
        "Open mailto:ada@ex\u0430mple.com (xn--exmple-4nf.com) in your browser?")
    # An ASCII host says nothing more.
    assert confirmation_text(QUrl(LINK)) == f"Open {LINK} in your browser?"
    assert confirmation_text(QUrl("mailto:ada@example.com")) == "Open mailto:ada@example.com in your browser?"


def test_the_dialog_asks_with_that_text_and_opens_nothing_on_cancel(qtbot: Any) -> None:
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert ask_before_opening(None, QUrl(LOOK_ALIKE)) is False
    assert shown == [confirmation_text(QUrl(LOOK_ALIKE))]


def test_only_web_and_mail_addresses_reach_the_browser() -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    opener = LinkOpener(confirm=lambda _parent, _url: True, open_url=open_url)
    for href in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"):
        assert not opener.open(QUrl(href))
    assert opener.open(QUrl(LINK))
    assert opened == [LINK]


def link_point(view: MarkdownView) -> QPoint:
    """A point on the first character of the note's first line (where its link is)."""
    block = view.document.begin()
    line = block.layout().lineAt(0)
    top = view.document.documentLayout().blockBoundingRect(block).top()
    return QPoint(int(line.x()) + 2, int(top + line.y() + line.height() / 2))


def test_the_address_under_the_pointer_shows_in_the_status_bar(qtbot: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    view = MarkdownView(f"[the quote]({LINK})\n\nplain words below", window)
    window.setCentralWidget(view)
    window.statusBar().showMessage("")
    window.resize(500, 300)
    window.show()
    qtbot.waitExposed(window)
    qtbot.mouseMove(view, link_point(view))
    assert window.statusBar().currentMessage() == LINK
    qtbot.mouseMove(view, QPoint(view.width() - 5, view.height() - 5))  # off the link: the address goes
    assert window.statusBar().currentMessage() == ""
