"""Tab goes through a dialog in reading order: top to bottom, and left to right along a row of
buttons as the platform lays them out.

Qt's default order is the order widgets got their parent, which drifts from what the user sees
as soon as a field is made before another or a button is added to a button box after its
standard ones (a box lays out "Link  Cancel" but tabbed Cancel first). Each dialog names its
order once, with ``reading_order(...)``.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import QDialogButtonBox, QWidget


def buttons_left_to_right(box: QDialogButtonBox) -> list[QWidget]:
    """The box's buttons in the order its layout shows them (the platform decides it)."""
    layout = box.layout()
    found: list[QWidget] = []
    if layout is not None:
        for index in range(layout.count()):
            item = layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None and widget in box.buttons():
                found.append(widget)
    # A button box without a layout yet (never seen in practice): its own order.
    return found or list(box.buttons())


def reading_order(*widgets: QWidget | None) -> None:
    """Chain Tab through ``widgets`` in the order given; a button box stands for its buttons
    from left to right, None for a field this dialog does not have."""
    chain: list[QWidget] = []
    for widget in widgets:
        if isinstance(widget, QDialogButtonBox):
            chain.extend(buttons_left_to_right(widget))
        elif widget is not None:
            chain.append(widget)
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)
