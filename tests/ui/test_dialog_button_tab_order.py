"""Tab reaches a form's Save and Cancel in the order the platform shows them, not the order they
were made in: under a button layout that puts Cancel first (GNOME's), Tab goes to Cancel, then
Save. (Fusion's default layout shows them in the order they are made, which hides the mistake.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QProxyStyle, QStyle, QWidget

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.ui.admin.access import AdminAccess
from crmdesk.ui.admin.object_form import ObjectForm


class CancelFirst(QProxyStyle):
    """Fusion, with GNOME's button order: Cancel left of Save."""

    def styleHint(self, hint: QStyle.StyleHint, option: Any = None, widget: Any = None,  # Qt override
                  data: Any = None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonLayout:
            return QDialogButtonBox.ButtonLayout.GnomeLayout.value
        return super().styleHint(hint, option, widget, data)


@pytest.fixture
def cancel_first(qtbot: Any) -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.style().name()
    style = CancelFirst("Fusion")
    app.setStyle(style)
    try:
        yield
    finally:
        app.setStyle(previous)


def _tabbed(qtbot: Any, start: QWidget, count: int) -> list[QWidget]:
    start.setFocus()
    visited = [start]
    for _ in range(count):
        widget = QApplication.focusWidget()
        qtbot.keyClick(widget, "\t")
        visited.append(QApplication.focusWidget())
    return visited


def test_the_object_form_tabs_to_cancel_then_save_where_cancel_is_shown_first(
    qtbot: Any, tmp_path: Path, cancel_first: None
) -> None:
    context = AppContext(paths=Paths.resolve(tmp_path / "data"))
    form = ObjectForm(AdminAccess(context), None, set())
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    save = form.buttons.button(QDialogButtonBox.StandardButton.Save)
    cancel = form.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.mapTo(form, cancel.rect().topLeft()).x() < save.mapTo(form, save.rect().topLeft()).x()
    assert _tabbed(qtbot, form.singular, 5) == [form.singular, form.plural, form.slug, form.icon, cancel, save]
