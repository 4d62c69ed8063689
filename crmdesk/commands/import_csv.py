"""``crmdesk import OBJECT FILE.csv``: a spreadsheet's rows as records, offline, like File ▸ Import CSV….

The file is read and every row planned before anything is written (``store/csv_import.py``):
columns are mapped to attributes by their titles (``--map`` changes one), values are read as the
table's editors read them, and rows are matched on a unique attribute (``--match``) so a row
naming a record already here updates it. Refused rows are listed with the reason and skipped;
``--dry-run`` stops after the list. What is written is queued for ``crmdesk sync`` like any edit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from crmdesk.commands.common import (
    ArgumentParser,
    CommandError,
    add_workspace_options,
    find_attribute,
    find_object,
    run,
    workspace_store,
)
from crmdesk.commands.output import plain
from crmdesk.model import ObjectDef
from crmdesk.model.csv_text import ENCODINGS, CsvError, CsvTable
from crmdesk.store.csv_import import (
    MERGED,
    PARTS,
    REFUSED,
    ImportPlan,
    Planner,
    Target,
    apply_plan,
    assign,
    auto_map,
    default_match,
    read_csv_file,
)

#: Exit status when some rows were refused (the others were imported, unless --dry-run).
EXIT_REFUSED = 2

EPILOG = """Columns are matched to attributes by title or slug ("E-mail" finds an email attribute,
"First name" and "Last name" fill a name, "Value currency" an amount's currency). Empty cells never
clear a value. Rows are matched on --match (default: the object's e-mail address, else its domain,
else another unique attribute): a row whose value a record holds updates that record, a row
repeating an earlier one is merged into it, the others create records.
Exit status: 0 imported, 1 failed (nothing was changed), 2 some rows were refused (listed; the others
were imported unless --dry-run)."""


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk import", description="Import a CSV file's rows as records, offline.",
                       epilog=EPILOG)
    p.add_argument("object", metavar="OBJECT", help="an object's slug (people, companies…) or name")
    p.add_argument("file", metavar="FILE.csv", type=Path)
    p.add_argument("--match", metavar="ATTR", help="the attribute rows are matched on (its slug or title)")
    p.add_argument("--no-match", action="store_true", help="match nothing: every row creates a record")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=ATTR",
                   help="put COLUMN into ATTR (a slug or title; ATTR.first_name, ATTR.last_name or ATTR.currency "
                        "for a part); an empty ATTR ignores the column")
    p.add_argument("--dry-run", action="store_true", help="list what would happen; write nothing")
    p.add_argument("--encoding", choices=ENCODINGS, help="the file's encoding (default: detected)")
    p.add_argument("--delimiter", metavar="CHAR", help="the file's delimiter (default: detected; \\t for tab)")
    p.add_argument("--region", metavar="CC", help="the country phone numbers without a +country code are in "
                                                  "(ISO code like GB or US)")
    add_workspace_options(p)
    return p


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    refused: list[int] = []
    status = run(lambda o: refused.append(_import(o)), options)
    return EXIT_REFUSED if status == 0 and refused and refused[0] else status


def read_file(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvTable:
    """The table in a file, or a ``CommandError`` saying why it cannot be read."""
    try:
        return read_csv_file(path, encoding, "\t" if delimiter == "\\t" else delimiter)
    except CsvError as error:
        raise CommandError(f"{path}: {error}.") from None


def _mapping(obj: ObjectDef, table: CsvTable, changes: Sequence[str]) -> list[Target | None]:
    mapping = auto_map(obj, table.headers)
    for change in changes:
        column, equals, name = change.partition("=")
        if not equals:
            raise CommandError(f"“{change}” is not COLUMN=ATTR.")
        if column not in table.headers:
            raise CommandError(f"The file has no column “{column}” (it has: {', '.join(table.headers)}).")
        target: Target | None = None
        if name.strip():
            slug, _, part = name.strip().partition(".")
            attr = find_attribute(obj, slug)
            if part and part not in PARTS.get(attr.type, ()):
                raise CommandError(f"{attr.title} has no part “{part}” "
                                   f"(it has: {', '.join(PARTS.get(attr.type, ())) or 'none'}).")
            target = Target(attr.slug, part or None)
        mapping = assign(mapping, table.headers.index(column), target)
    return mapping


def _import(options: argparse.Namespace) -> bool:
    """Returns whether rows were refused."""
    table = read_file(options.file, options.encoding, options.delimiter)
    with workspace_store(options) as store:
        obj = find_object(store, options.object)
        mapping = _mapping(obj, table, options.map)
        if not any(mapping):
            raise CommandError(f"No column of {options.file.name} names an attribute of {obj.plural_name}: "
                               "map one with --map COLUMN=ATTR.")
        match = None if options.no_match else (
            find_attribute(obj, options.match).slug if options.match else default_match(obj))
        plan = Planner(store, obj, region=options.region).plan(table, mapping, match)
        _describe(obj, table, mapping, plan)
        if not options.dry_run:
            apply_plan(store, plan)
        print(plan.summary(done=not options.dry_run))
        return plan.count(REFUSED) > 0


def _describe(obj: ObjectDef, table: CsvTable, mapping: Sequence[Target | None],
              plan: ImportPlan) -> None:
    """What was understood of the file (on stderr, for a person) and each refused row."""
    # The file's text and the workspace's titles, printed with control codes escaped (``plain``).
    columns = ", ".join(f"{header} → {target.label(obj)}" if target else f"{header} (ignored)"
                        for header, target in zip(table.headers, mapping, strict=True))
    print(plain(f"{len(table.rows)} rows ({table.encoding}, {table.delimiter_name}-separated): {columns}"),
          file=sys.stderr)
    if plan.match:
        print(f"Matching on {obj.attribute(plan.match).title if obj.attribute(plan.match) else plan.match}",
              file=sys.stderr)
    for row in plan.rows:
        if row.action == REFUSED:
            where = f" ({table.headers[row.column]})" if row.column is not None else ""
            print(plain(f"line {row.line}{where}: refused: {row.problem}"))
        elif row.action == MERGED and row.merged_into is not None:
            print(f"line {row.line}: merged into line {plan.rows[row.merged_into].line} (same "
                  f"{plan.match})", file=sys.stderr)
