"""``crmdesk copy``: copy a cached workspace to another server, of any dialect crmdesk speaks.

The plan (what goes where, what cannot go and why) goes to stderr first; ``--dry-run`` stops
there. The copy then makes what schema the target lacks and its server can make, writes the
records, list entries, notes and tasks into the target's workspace file, and syncs it; what it
copied is kept in the source workspace's file, so a run cut short goes on where it stopped and a
second run copies nothing twice. The check of what arrived ends the output (stdout).

Credentials of the target come from the environment (``CRMDESK_TOKEN``…) or the keyring, as for
``crmdesk sync``; never from the command line.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from crmdesk.commands.common import EXIT_FAILED, EXIT_OK, ArgumentParser
from crmdesk.commands.output import plain
from crmdesk.paths import Paths
from crmdesk.remote import InsecureConnectionRefused, RemoteError
from crmdesk.remote.dialects import MissingCredential, UnknownDialect, dialect_names
from crmdesk.store import StoreError
from crmdesk.sync.copy import LEAVE_OUT, CopyFailed
from crmdesk.sync.status import Cancelled
from crmdesk.sync_command import ProgressLine, read_credentials
from crmdesk.workspace_copy import opened_copy
from crmdesk.workspaces import UnknownWorkspace, choose_workspace, why_none_chosen

#: Copied, but something did not arrive as it was (refused by the server, or differing): listed.
EXIT_DIFFERENCES = 2

_EPILOG = """exit status:
  0  copied, sent and verified
  2  copied, but the server refused some of it or holds it differently (listed)
  1  the copy failed or was interrupted (run it again: it goes on where it stopped)

--map SOURCE=TARGET chooses where an object (people=contact) or an attribute
(people.phone_numbers=contact-phone) goes, by slug or name; an empty TARGET leaves it out.
The target's credentials come from CRMDESK_TOKEN (CRMDESK_CLIENT_ID, …) or the keyring entry
of --to-workspace (default: the URL), never from the command line. Even --dry-run makes the
target's workspace file and syncs it: the plan needs its schema."""


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk copy", description="Copy a cached workspace to another server.",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", metavar="WORKSPACE",
                   help="the workspace to copy (default: as the window chooses — the last used, else the only one)")
    p.add_argument("--to-dialect", required=True, choices=dialect_names(), help="the target server's API")
    p.add_argument("--to-url", required=True, help="the target server's base address")
    p.add_argument("--to-workspace", metavar="ID",
                   help="the keyring entry holding the target's token (default: the URL)")
    p.add_argument("--map", action="append", default=[], metavar="SOURCE=TARGET",
                   help="where an object or an attribute goes (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="show the plan; copy nothing")
    p.add_argument("--data-dir", metavar="DIR", help="where workspaces live (also CRMDESK_DATA_DIR)")
    p.add_argument("--allow-insecure-http", action="store_true",
                   help="allow plain http:// to a non-loopback server (the token would travel unencrypted)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    overrides = {}
    for change in options.map:
        source, equals, target = change.partition("=")
        if not equals or not source.strip():
            print(f"crmdesk copy: “{plain(change)}” is not SOURCE=TARGET.", file=sys.stderr)
            return EXIT_FAILED
        overrides[source.strip()] = target.strip() or LEAVE_OUT
    paths = Paths.resolve(options.data_dir)
    try:
        choice = choose_workspace(paths, options.source)
    except UnknownWorkspace as error:
        print(f"crmdesk copy: {error}", file=sys.stderr)
        return EXIT_FAILED
    if choice.path is None:
        print(f"crmdesk copy: {why_none_chosen(paths, choice)}", file=sys.stderr)
        return EXIT_FAILED
    credentials = read_credentials(options.to_dialect, options.to_workspace or options.to_url)
    if credentials is None:
        return EXIT_FAILED
    cancel = threading.Event()
    progress = ProgressLine(options.quiet, sys.stderr)

    def interrupted(_signal: int, _frame: FrameType | None) -> None:
        cancel.set()  # the copy stops at its next batch, everything written kept

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        with opened_copy(paths, choice.path, options.to_dialect, options.to_url, credentials,
                         allow_insecure_http=options.allow_insecure_http, overrides=overrides, progress=progress,
                         cancel=cancel, said=lambda text: None if options.quiet else print(plain(text), file=sys.stderr)
                         ) as copy:
            plan = copy.plan()
            progress.finish()
            for line in plan.lines():
                print(plain(line), file=sys.stderr)
            if options.dry_run:
                return EXIT_OK
            outcome = copy.run()
            progress.finish()
            for line in [*outcome.written.lines(), f"sent: {outcome.sent.summary()}", *outcome.verification.lines]:
                print(plain(line))
            # What the target's server refused waits in its workspace file, as a sync's refusals do.
            for line in outcome.waiting:
                print(plain(line), file=sys.stderr)
    except Cancelled:
        progress.finish()
        print("crmdesk copy: interrupted; what was copied stays, and the next run goes on from there.",
              file=sys.stderr)
        return EXIT_FAILED
    except (UnknownDialect, MissingCredential, InsecureConnectionRefused, ValueError, CopyFailed) as error:
        print(plain(f"crmdesk copy: {error}"), file=sys.stderr)
        return EXIT_FAILED
    except (RemoteError, StoreError) as error:
        print(plain(f"crmdesk copy: {getattr(error, 'message', error)}"), file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous)
    return EXIT_OK if outcome.complete else EXIT_DIFFERENCES
