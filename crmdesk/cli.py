"""Command line: ``crmdesk [options]`` opens the app; ``crmdesk sandbox …``, ``crmdesk sync …``,
``crmdesk records …``, ``crmdesk notes …``, ``crmdesk links …``, ``crmdesk import …`` and ``crmdesk copy …``
are headless sub-commands (records, notes, links and import in ``crmdesk/commands/``). Secrets never
come from the command line: a dialect's credentials come from ``CRMDESK_TOKEN`` (the API token) or
``CRMDESK_<KEY>`` (each other one), else the keyring."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from crmdesk import __version__

log = logging.getLogger("crmdesk")


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


def _import(argv: Sequence[str]) -> int:
    from crmdesk.commands.import_csv import main as import_main

    return import_main(argv)


def _copy(argv: Sequence[str]) -> int:
    from crmdesk.copy_command import main as copy_main

    return copy_main(argv)


def _links(argv: Sequence[str]) -> int:
    from crmdesk.commands.links import main as links_main

    return links_main(argv)


# Each is imported when used: the window's start should not pay for the others.
_SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "sandbox": _sandbox, "sync": _sync, "records": _records, "notes": _notes,
    "links": _links, "import": _import, "copy": _copy,
}


def window_size(text: str) -> tuple[int, int]:
    """"1024x700" → (1024, 700); argparse shows the message of a size it cannot read."""
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1024x700") from None
    if not (320 <= size[0] <= 10000 and 240 <= size[1] <= 10000):
        raise argparse.ArgumentTypeError(f"{text!r}: a window from 320x240 to 10000x10000")
    return size


def gui_parser() -> argparse.ArgumentParser:
    from crmdesk.logs import LEVELS

    parser = argparse.ArgumentParser(prog="crmdesk", description="A local-first desktop CRM.")
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep all data in DIR (also CRMDESK_DATA_DIR); default: the platform's data folder",
    )
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        help="how much the log file keeps: debug (also every request), info (default), warning or error",
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
        "--screenshot-size",
        metavar="WxH",
        type=window_size,
        default=(1280, 800),
        help="the window's size in the screenshot (default 1280x800; a laptop's 1024x700, say)",
    )
    parser.add_argument(
        "--view",
        metavar="VIEW",
        help="open this view first: home, dashboard, reminders, tasks, notes, notifications, an object slug "
        "(people, deals…: its table), board:<slug> (its board) or record:<id>",
    )
    return parser


def _log_options(args: Sequence[str]) -> tuple[bool, str | None, str | None]:
    """(read, ``--data-dir``, ``--log-level``) from a command line, before its own parser reads
    it: the log file goes where the data goes. Not read when the line is malformed (its parser
    says so)."""
    from crmdesk.logs import LEVELS

    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)  # abbreviations as theirs
    early.add_argument("--data-dir")
    early.add_argument("--log-level", choices=LEVELS)
    try:
        known, _ = early.parse_known_args(list(args))
    except argparse.ArgumentError:
        return False, None, None
    return True, known.data_dir, known.log_level


def _dispatch(args: list[str]) -> int:
    if args and args[0] in _SUBCOMMANDS:
        return _SUBCOMMANDS[args[0]](args[1:])
    options = gui_parser().parse_args(args)
    from crmdesk.app import run_gui

    return run_gui(options)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window or a command, logging to the log file (the sandbox server logs its own way).

    What the disk does to a workspace file (damaged, read-only, full...) ends the command with one
    line on stderr and exit 1, wherever it was met; the traceback goes to the log file only.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        return _sandbox(args[1:])
    window = not (args and args[0] in _SUBCOMMANDS)
    collecting = gc.isenabled()
    if window:
        # The window's start imports some 130 modules before its first paint, and Python's cycle
        # collector would run ~50 times among them (~15 ms) for almost nothing to free. Off until
        # the window's own collector takes over (crmdesk.ui.gc_guard: it keeps it off in every
        # thread and collects from the GUI thread).
        gc.disable()
    try:
        return _main(args)
    finally:
        if window and collecting:
            gc.enable()


def _main(args: list[str]) -> int:
    read, data_dir, log_level = _log_options(args)
    installed = None
    if read:
        from crmdesk.logs import LEVELS, install_logging
        from crmdesk.paths import Paths

        installed = install_logging(Paths.resolve(data_dir), level=LEVELS[log_level] if log_level else None)
    try:
        return _dispatch(args)
    except Exception as error:
        from crmdesk.logs import SHOWN  # (these records are for the log file: stderr has them)

        message = _about_the_disk(error)
        if message is None:
            # Our bug: its traceback goes to the log file too (Python prints it on stderr).
            log.exception("crmdesk %s failed", args[0] if args else "", extra=SHOWN)
            raise
        log.error("crmdesk %s stopped: %s", args[0] if args else "", message, exc_info=error, extra=SHOWN)
        print(f"crmdesk: {message}", file=sys.stderr)
        return 1
    finally:
        if installed is not None:
            installed.remove()


def _about_the_disk(error: Exception) -> str | None:
    """The message for an error the disk or the file caused (not our bug), else None."""
    import sqlite3

    from crmdesk.store.errors import StoreError

    if isinstance(error, StoreError):
        return error.message
    if isinstance(error, sqlite3.Error):
        from crmdesk.store.connection import translate_error

        translated = translate_error(Path(), error)
        if isinstance(translated, StoreError):
            return translated.message
    return None
