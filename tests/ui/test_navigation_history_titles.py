"""Where Back and Forward lead, in words: a place that cannot be named (a record not in this
copy) is "another view" either way, never "the previous view" on Forward. View titles are in the
theme's type scale (a heading), not an odd size of their own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from crmdesk.store import Store
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.theme import scaled_font

from ._navigation_window import OFFSCREEN_NOTICES, click_sidebar, open_window, press, synced

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES)
ALT = Qt.KeyboardModifier.AltModifier


def test_forward_to_a_place_without_a_name_says_another_view(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, "Tasks")
        window.context.navigator.go("record:not-in-this-copy")  # type: ignore[union-attr]
        press(qtbot, window, Qt.Key.Key_Left, ALT)
        assert window.current_target == "tasks"
        forward = window.navigation.forward_action
        assert forward.toolTip() == plain_tooltip("Forward to another view (Alt+Right)")
        press(qtbot, window, Qt.Key.Key_Right, ALT)
        assert window.navigation.back_action.toolTip() == plain_tooltip("Back to Tasks (Alt+Left)")


@pytest.mark.parametrize("place", ["Tasks", "Notes", "Sales pipeline"])  # a view's title reads as its entry
def test_view_titles_are_headings_of_the_type_scale(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path, place: str) -> None:
    with open_window(qtbot, synced(synced_store), tmp_path) as window:
        click_sidebar(qtbot, window, place)
        view = window.current_view()
        assert view is not None
        [label] = [w for w in view.findChildren(QLabel) if w.text() == place and w.isVisible()]
        expected = scaled_font(QLabel().font(), "heading")
        assert label.font().pointSizeF() == pytest.approx(expected.pointSizeF())
        assert label.font().weight() == expected.weight()
