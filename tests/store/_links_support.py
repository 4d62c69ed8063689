"""Shared by the links tests (the store's, and Pending changes' and conflicts' against a real
store): the four records they start from, and a change listener that keeps what it heard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet

from ._support import COMPANIES, PEOPLE, company, open_store, person


def put_crm(store: Store) -> Store:
    """Ada and Bob (people), Acme and Zeta (companies), as a pull left them."""
    with store.write():
        store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace"))
        store.records.put(PEOPLE, person("p-bob", "Bob", "Builder"))
        store.records.put(COMPANIES, company("c-acme", "Acme"))
        store.records.put(COMPANIES, company("c-zeta", "Zeta"))
    return store


@contextmanager
def open_crm(path: Path) -> Iterator[Store]:
    """A new store at ``path`` (the test schema) with ``put_crm``'s records."""
    with open_store(path) as store:
        yield put_crm(store)


class Heard(list[ChangeSet]):
    """A change listener: the change sets it heard, in order."""

    def __call__(self, changes: ChangeSet) -> None:
        self.append(changes)

    def links(self) -> set[str]:
        """The records whose links changed, in any set heard."""
        return set().union(*(changes.links for changes in self))
