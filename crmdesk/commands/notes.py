"""``crmdesk notes add OBJECT ID --title T [--content-file F.md]``: a note on a record, offline.

The content is markdown, the form crmdesk keeps notes in; the server's adapter turns it into the
server's own format when ``crmdesk sync`` sends it. Prints the note's new local id.
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
    find_object,
    find_record,
    run,
    workspace_store,
)


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk notes", description="Write notes on records offline.",
                       epilog="Exit status: 0 done, 1 refused or failed (nothing was changed).")
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)
    add = commands.add_parser("add", help="add a note to a record; prints its new local id")
    add.add_argument("object", metavar="OBJECT", help="the record's object (people, deals…)")
    add.add_argument("id", metavar="ID", help="the record's id")
    add.add_argument("--title", required=True, metavar="T")
    add.add_argument("--content-file", metavar="F.md", help="the note's text, markdown (- reads standard input)")
    add_workspace_options(add)
    add.set_defaults(action=_add)
    return p


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    return run(options.action, options)


def _content(name: str | None) -> str:
    if name is None:
        return ""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Could not read {name}: {getattr(error, 'strerror', None) or error}") from None


def _add(options: argparse.Namespace) -> None:
    content = _content(options.content_file)  # read before the workspace opens: a bad file changes nothing
    title = options.title.strip()
    if not title:
        raise CommandError("A note needs a title (--title).")
    with workspace_store(options) as store:
        row = find_record(store, find_object(store, options.object), options.id)
        print(store.edits.create_note(row.id, title, content).target_id)
