"""The dashboard's owner filter names members as they are written: a combo's items take no
mnemonics, so "R&D Team" must not read "R&&D Team"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crmdesk.model import Member
from crmdesk.store import Store
from crmdesk.ui.views.dashboard_view import DashboardView
from tests.store._pipeline_deals import MEMBERS, NOW, build_deals


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "deals.sqlite") as opened:
        build_deals(opened)
        with opened.write():
            opened.schema.replace_members([*opened.schema.members(),
                                           Member("mem-rd", "R&D Team", "rd@example.com", "member", "user-rd")])
        yield opened


def test_a_member_with_an_ampersand_is_named_as_written(qtbot: Any, store: Store, ui_context: Any) -> None:
    view = DashboardView(ui_context(store, now=lambda: NOW))
    qtbot.addWidget(view)
    qtbot.waitUntil(view.is_settled)  # (the count ends before the store closes at teardown)
    names = [view.owner_combo.itemText(i) for i in range(view.owner_combo.count())]
    assert "R&D Team" in names
    assert not any("&&" in name for name in names)
    assert len(names) == 2 + len(MEMBERS) + 1  # Everyone, Me, the members, R&D Team
