"""Command line: ``crmdesk [options]`` opens the app; ``crmdesk sandbox …``, ``crmdesk sync …``,
``crmdesk records …`` and ``crmdesk notes …`` are headless sub-commands (the last two in
``crmdesk/commands/``). Secrets never come from the command line: a token comes from the
keyring or ``CRMDESK_TOKEN``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from crmdesk import __version__


def _sandbox(argv: Sequence[str]) -> int:
    from crmdesk.sandbox.cli import main as sandbox_main

    return sandbox_main(argv)


def _sync(argv: Sequence[str]) -> int:
    from crmdesk.sync_command import main as sync_main

    return sync_main(argv)


def _records(argv: Sequence[str]) -> int:
    from crmdesk.commands.records import main as records_main

    return records_main(argv)


def _notes(argv: Sequence[str]) -> int:
    from crmdesk.commands.notes import main as notes_main

    return notes_main(argv)


# Each is imported when used: the window's start should not pay for the others.
_SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "sandbox": _sandbox, "sync": _sync, "records": _records, "notes": _notes,
}


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmdesk", description="A local-first desktop CRM.")
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep all data in DIR (also CRMDESK_DATA_DIR); default: the platform's data folder",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo workspace (synced with a local sandbox server once one is available)",
    )
    parser.add_argument(
        "--workspace",
        metavar="ID",
        help="open this workspace of the data dir (default: the last used, else the only one, else ask)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="render the window offscreen after loading, save it as a PNG, print what it shows and exit",
    )
    parser.add_argument(
        "--view",
        metavar="VIEW",
        help="open this view first: home, tasks, notes, notifications, an object slug (people, deals…: its "
        "table), board:<slug> (its board) or record:<id>",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _SUBCOMMANDS:
        return _SUBCOMMANDS[args[0]](args[1:])
    options = gui_parser().parse_args(args)
    from crmdesk.app import run_gui

    return run_gui(options)
