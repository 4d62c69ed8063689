"""A view's title label. A module of its own, free of the notes view's markdown and rich text,
so the table view (the usual first view) loads without them before the first paint."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

__all__ = ["heading"]


def heading(text: str, label: QLabel | None = None) -> QLabel:
    """A view's title: ``label`` (a new plain QLabel when None) in the type scale's heading size
    and weight (``crmdesk.ui.theme.scaled_font``)."""
    from crmdesk.ui.theme import scaled_font

    label = label if label is not None else QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFont(scaled_font(label.font(), "heading"))
    label.setText(text)
    return label
