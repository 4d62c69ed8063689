"""A first pull writes its pages a few at a time: fewer commits, so fewer notices to the views
(each repaints what a commit changed) and less of the pull's time spent committing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.remote.aria import records as aria_records
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.sync import pull as pull_module

from ._support import sync


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=300, seed=19) as running:
        yield running


def people_commits(tmp_path: Path, server: SandboxServer) -> tuple[list[int], int]:
    """A first pull into a new file: how many records each commit holding people changed, and
    how many people the cache then holds."""
    commits: list[int] = []

    def listen(changes: ChangeSet) -> None:
        if "people" in changes.objects:
            commits.append(len(changes.record_ids))

    with Store.open(tmp_path / "ws.sqlite") as store:
        store.add_change_listener(listen)
        assert sync(store, server).status.value == "synced"
        return commits, store.records.count("people")


def test_a_first_pull_commits_its_records_a_batch_of_pages_at_a_time(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of 40: the people come in several pages, and all of them fit one batch.
    monkeypatch.setattr(aria_records, "MAX_PAGE", 40)
    monkeypatch.setattr(pull_module, "WRITE_BATCH", 10_000)
    commits, held = people_commits(tmp_path, server)
    assert held > 2 * 40
    # Every person in one commit, not one commit a page.
    assert commits == [held]


def test_records_commit_in_batches_of_about_the_batch_size(
    tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No transaction grows past a batch and the page that filled it: an edit made meanwhile waits
    for one batch at most."""
    monkeypatch.setattr(aria_records, "MAX_PAGE", 40)
    monkeypatch.setattr(pull_module, "WRITE_BATCH", 60)
    commits, held = people_commits(tmp_path, server)
    assert sum(commits) == held
    assert all(count <= 60 + 40 for count in commits)
    assert len(commits) < -(-held // 40)  # fewer commits than pages
