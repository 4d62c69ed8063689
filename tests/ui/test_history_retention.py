"""Field history older than the workspace's retention goes when the app opens the workspace, as of
the app's clock (``AppContext.now``): at start and when the user switches workspaces — not each time
some reader opens the file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crmdesk.secrets import TokenStore
from crmdesk.store import Store
from crmdesk.store.field_history import SERVER, FieldChange

from ._navigation_window import open_window

#: The app's clock in these tests: far from the machine's, so only it can decide what is old.
NOW = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)
OLD, RECENT = "2030-01-01T00:00:00.000Z", "2031-05-01T00:00:00.000Z"


def workspace_with_history(template: Path, path: Path) -> Path:
    shutil.copy(template, path)
    with Store.open(path, create=False) as store, store.write():
        deal = store.records.query_ids("deals")[0]
        store.history.add([FieldChange(deal, "deals", "name", "a", "b", when, None, SERVER) for when in (OLD, RECENT)])
    return path


def kept(store: Store) -> list[str]:
    return [c.changed_at for c in store.history.stage_moves("deals", "name")]


def kept_in(path: Path) -> list[str]:
    with Store.open(path, create=False) as store:
        return kept(store)


def test_the_window_prunes_each_workspace_it_opens_by_the_apps_clock(
        qtbot: Any, tmp_path: Path, synced_template: Callable[[int, int], Path]) -> None:
    first = workspace_with_history(synced_template(60, 3), tmp_path / "first.sqlite")
    second = workspace_with_history(synced_template(60, 3), tmp_path / "second.sqlite")
    store = Store.open(first, create=False)
    assert kept(store) == [OLD, RECENT], "opening the file alone keeps them"
    with open_window(qtbot, store, tmp_path, now=NOW) as window:
        assert kept(store) == [RECENT]
        assert kept_in(second) == [OLD, RECENT]
        # File ▸ Switch workspace (its sign-in looked up in the suite's empty keyring: none).
        window.context.tokens = TokenStore(environ={})
        window.switch_workspace(second)
        opened = window.context.store
        assert opened is not None and opened.path == second
        assert kept(opened) == [RECENT]
        window.switch_workspace(None)
    assert kept_in(second) == [RECENT]
