"""Guard against a Qt binding that frees Python's None while painting.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every void QPainter call;
a board or table scrolled for a few seconds then aborts the interpreter. pyproject pins
below it; this test fails loudly if an upgrade brings the fault back.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painting_does_not_consume_references_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.save()
        painter.setPen(QPen(QColor("red")))
        painter.drawRoundedRect(1, 1, 10, 10, 2, 2)
        painter.restore()
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 50, f"QPainter calls consumed {before - after} references to None"
