"""``crmdesk records list|get|new|set|delete``: the table's offline edits, scriptable.

Values are typed text, read exactly as the table's editors read it (``crmdesk.store.user_text``)
and refused with the same messages; a refusal exits 1 before anything is written. Every edit is
one store transaction with its outbox row (``store.edits``), so ``crmdesk sync`` sends it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from crmdesk.commands.common import (
    ArgumentParser,
    add_workspace_options,
    find_object,
    find_record,
    parse_assignments,
    run,
    workspace_store,
)
from crmdesk.commands.filters import parse_filters
from crmdesk.commands.output import dump_json, pending_ids, record_details, record_json, record_table
from crmdesk.store.display_context import StoreDisplayContext

EPILOG = """Everything works offline on this computer's copy of the workspace; nothing reaches the
server until `crmdesk sync`. VALUE is typed as in the table: "31,500" keeps the amount's
currency, "Won" is a stage, a record reference takes a title or an id; an empty VALUE clears.
Exit status: 0 done, 1 refused or failed (nothing was changed)."""


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk records", description="List, read and edit records offline.", epilog=EPILOG)
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)

    listing = commands.add_parser("list", help="the records of OBJECT, newest first")
    listing.add_argument("object", metavar="OBJECT", help="an object's slug (people, deals…) or name")
    listing.add_argument("--filter", action="append", default=[], metavar="'ATTR OP VALUE'",
                         help="keep records where this holds (several: all must); OP is a name like equals, "
                              "contains, gte, in, is_empty, or = != > >= < <=")
    listing.add_argument("--json", action="store_true", help="one JSON array of records (see README)")
    listing.set_defaults(action=_list)

    get = commands.add_parser("get", help="one record with all its values")
    get.add_argument("object", metavar="OBJECT")
    get.add_argument("id", metavar="ID")
    get.add_argument("--json", action="store_true", help="one JSON object (see README)")
    get.set_defaults(action=_get)

    new = commands.add_parser("new", help="create a record; prints its new local id", epilog=EPILOG)
    new.add_argument("object", metavar="OBJECT")
    new.add_argument("values", nargs="+", metavar="ATTR=VALUE")
    new.set_defaults(action=_new)

    change = commands.add_parser("set", help="change some values of a record", epilog=EPILOG)
    change.add_argument("object", metavar="OBJECT")
    change.add_argument("id", metavar="ID")
    change.add_argument("values", nargs="+", metavar="ATTR=VALUE")
    change.set_defaults(action=_set)

    delete = commands.add_parser("delete", help="delete a record")
    delete.add_argument("object", metavar="OBJECT")
    delete.add_argument("id", metavar="ID")
    delete.set_defaults(action=_delete)

    for sub in (listing, get, new, change, delete):
        add_workspace_options(sub)
    return p


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    return run(options.action, options)


def _list(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        rowids = store.records.query_ids(obj.slug, parse_filters(store, obj, options.filter))
        shown, pending = StoreDisplayContext(store), pending_ids(store)
        rows = [row for start in range(0, len(rowids), 500) for row in store.records.rows(rowids[start:start + 500])]
        if options.json:
            print(dump_json([record_json(obj, row, pending, shown) for row in rows]))
        else:
            print(record_table(obj, rows, pending, shown))


def _get(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        row = find_record(store, obj, options.id)
        shown, pending = StoreDisplayContext(store), pending_ids(store)
        if options.json:
            print(dump_json(record_json(obj, row, pending, shown)))
        else:
            print(record_details(obj, row, pending, shown))


def _new(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        values = parse_assignments(store, obj, options.values)
        print(store.edits.create_record(obj.slug, values).target_id)


def _set(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        row = find_record(store, obj, options.id)
        store.edits.update_record(row.id, parse_assignments(store, obj, options.values, row.values))


def _delete(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        store.edits.delete_record(find_record(store, obj, options.id).id)
