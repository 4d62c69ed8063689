"""What the workspace commands share: their argument parser, opening the workspace the window
would open, naming objects, attributes and records, and reading ``ATTR=VALUE`` edits."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from crmdesk.model import AttributeDef, InvalidFilter, ObjectDef, ValidationError
from crmdesk.paths import Paths
from crmdesk.store import RecordRow, Store, StoreError
from crmdesk.store.user_text import parse_typed
from crmdesk.workspaces import UnknownWorkspace, choose_workspace, why_none_chosen

EXIT_OK = 0
EXIT_FAILED = 1


class CommandError(Exception):
    """A message for the user; the command exits 1 and has changed nothing."""


class ArgumentParser(argparse.ArgumentParser):
    """Exits 1 on a bad command line, not argparse's 2: ``crmdesk sync`` gives 2 its own meaning
    (conflicts wait), and every crmdesk command keeps one rule — 1 is a failure."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, f"{self.prog}: error: {message}\n")


def add_workspace_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help="where workspaces live (also CRMDESK_DATA_DIR)")
    parser.add_argument("--workspace", metavar="ID",
                        help="the workspace to use (default: as the window chooses — the last used, else the only one)")


@contextmanager
def workspace_store(options: argparse.Namespace) -> Iterator[Store]:
    """The store of ``--workspace``, else of the workspace the window would open."""
    paths = Paths.resolve(options.data_dir)
    try:
        choice = choose_workspace(paths, options.workspace)
    except UnknownWorkspace as error:
        raise CommandError(str(error)) from None
    if choice.path is None:  # a script cannot be asked: say how to name one
        raise CommandError(why_none_chosen(paths, choice))
    try:
        store = Store.open(choice.path, create=False)
    except StoreError as error:
        raise CommandError(str(error)) from None
    with store:
        yield store


def run(action: Callable[[argparse.Namespace], None], options: argparse.Namespace) -> int:
    """Run one command; its refusals and the store's errors become a message and exit 1."""
    try:
        action(options)
    except CommandError as error:
        print(f"crmdesk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except ValidationError as error:
        # "Value “abc” is not an amount like 1,200.50 or EUR 99": the words the window shows.
        print(f"crmdesk: {error.attribute} {error.message}", file=sys.stderr)
        return EXIT_FAILED
    except (StoreError, InvalidFilter) as error:
        print(f"crmdesk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader stopped early (``… | head``): no traceback, and nothing more to write at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    return EXIT_OK


# -- naming things ------------------------------------------------------------------------------


def find_object(store: Store, name: str) -> ObjectDef:
    """An object by slug, or by its singular or plural name."""
    objects = store.schema.objects()
    if name in objects:
        return objects[name]
    wanted = name.casefold()
    for obj in objects.values():
        if wanted in (obj.singular_name.casefold(), obj.plural_name.casefold()):
            return obj
    raise CommandError(f"There is no object “{name}” in this workspace (there are: {', '.join(objects) or 'none'}).")


def find_attribute(obj: ObjectDef, name: str) -> AttributeDef:
    """An attribute by slug, or by its title."""
    attr = obj.attribute(name)
    if attr is not None:
        return attr
    wanted = name.casefold()
    for candidate in obj.attributes:
        if candidate.title.casefold() == wanted:
            return candidate
    slugs = ", ".join(a.slug for a in sorted(obj.attributes, key=lambda a: a.order))
    raise CommandError(f"{obj.plural_name} have no attribute “{name}” (they have: {slugs}).")


def find_record(store: Store, obj: ObjectDef, record_id: str) -> RecordRow:
    """A record of ``obj`` by id (``Store.record_by_id``: a local id a sync has replaced still finds it)."""
    row = store.record_by_id(record_id)
    if row is None or row.object_slug != obj.slug:
        raise CommandError(f"There is no {obj.singular_name.lower()} “{record_id}” in this workspace.")
    return row


def parse_assignments(store: Store, obj: ObjectDef, assignments: Sequence[str],
                      current: dict[str, Any] | None = None) -> dict[str, Any]:
    """``ATTR=VALUE`` texts → canonical values by slug, each parsed as the table's editor parses
    what is typed over the current value. Raises before anything is written."""
    values: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        if not equals or not name.strip():
            raise CommandError(f"“{assignment}” is not ATTR=VALUE (an empty VALUE clears the attribute).")
        attr = find_attribute(obj, name.strip())
        # A script cannot see which of two same-named records a title picked: it must be unique.
        values[attr.slug] = parse_typed(store, attr, text, (current or {}).get(attr.slug), unique=True)
    return values
