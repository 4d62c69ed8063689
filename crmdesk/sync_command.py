"""``crmdesk sync``: one full sync without the GUI — also how a workspace is first created.

The credentials the server's dialect asks for (an API token; some dialects more) come from
the environment — ``CRMDESK_TOKEN`` for the token, ``CRMDESK_<KEY>`` for each other one — or
else from the workspace's keyring entries; never from the command line, where other users of
the machine could read them.

Exit codes (scripts rely on them; README and ``--help`` say the same):
0 everything was sent and pulled; 2 synced, but conflicts or refusals wait for the user
(each listed on stderr, with the changes held behind them); 1 failed (a credential missing,
server unreachable, a bad command line…) or left changes unsent that another run may send.

The summary goes to stdout, everything else (progress, failures, what waits) to stderr. All
of it may hold server and user text, so control characters are escaped (``output.plain``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from crmdesk.commands.common import EXIT_FAILED, EXIT_OK, ArgumentParser
from crmdesk.commands.output import plain
from crmdesk.paths import Paths
from crmdesk.remote import InsecureConnectionRefused, RemoteError
from crmdesk.remote.dialects import MissingCredential, UnknownDialect, dialect_named, dialect_names, open_backend
from crmdesk.secrets import TOKEN_KEY, TokenStore, env_name
from crmdesk.store import Store, StoreError
from crmdesk.sync.engine import SyncEngine
from crmdesk.sync.pending import describe
from crmdesk.sync.status import SyncReport, SyncStatus
from crmdesk.sync.waiting import held_and_unsent, waiting_for_user
from crmdesk.workspaces import open_workspace_store

#: 0 and 1 as every crmdesk command; 2 is this one's own (its parser exits 1 on a bad command line).
EXIT_WAITING = 2

_EPILOG = """exit status:
  0  everything was sent and pulled
  2  synced, but conflicts or refused changes wait for you (listed on stderr);
     settle them in the window (Pending changes, Conflicts)
  1  the sync failed: no token, the server could not be reached or refused the token,
     or the command line was wrong; or changes another run may send were not sent

The token (and any other credential the dialect asks for) comes from CRMDESK_TOKEN
(CRMDESK_CLIENT_ID, …) or the keyring entry of --workspace, never from the command line.
A server taking a client id and secret reads CRMDESK_TOKEN=CLIENT_ID:CLIENT_SECRET."""


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk sync", description="Run one full sync of a workspace.", epilog=_EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", metavar="DIR", help="where workspaces live (also CRMDESK_DATA_DIR)")
    p.add_argument("--dialect", default=dialect_names()[0], choices=dialect_names(),
                   help="the server's API (default: %(default)s)")
    p.add_argument("--url", required=True, help="the server's base address, e.g. https://crm.example.com")
    p.add_argument("--workspace", metavar="ID", help="the keyring entry holding the token (default: the URL)")
    p.add_argument("--allow-insecure-http", action="store_true",
                   help="allow plain http:// to a non-loopback server (the token would travel unencrypted)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


class ProgressLine:
    """On a terminal: one line rewritten in place. Elsewhere (a log, a pipe): no control codes,
    just the last figure of each phase on a line of its own."""

    def __init__(self, quiet: bool, stream: TextIO) -> None:
        self.quiet = quiet
        self.stream = stream
        self.live = stream.isatty()
        self.phase = ""
        self.last = ""

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        line = f"{phase}: {done:,}" + (f" of {total:,}" if total else "")
        if line == self.last:
            return
        if self.live:
            print(f"\r\x1b[2K{line}", end="", file=self.stream, flush=True)
        elif phase != self.phase and self.last:
            print(self.last, file=self.stream, flush=True)
        self.phase, self.last = phase, line

    def finish(self) -> None:
        if self.quiet or not self.last:
            return
        print("" if self.live else self.last, file=self.stream, flush=True)


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    credentials = read_credentials(options.dialect, options.workspace or options.url)
    if credentials is None:
        return EXIT_FAILED
    try:
        backend = open_backend(options.dialect, options.url, credentials,
                               allow_insecure_http=options.allow_insecure_http)
    except (UnknownDialect, MissingCredential, InsecureConnectionRefused, ValueError) as error:
        print(plain(str(error)), file=sys.stderr)
        return EXIT_FAILED
    progress = ProgressLine(options.quiet, sys.stderr)
    try:
        try:
            store = open_workspace_store(Paths.resolve(options.data_dir), backend, options.dialect, options.url)
        except (RemoteError, StoreError) as error:
            print(plain(f"Could not open the workspace: {getattr(error, 'message', error)}"), file=sys.stderr)
            return EXIT_FAILED
        with store:
            report = SyncEngine(store, backend, progress=progress).sync()
            progress.finish()
            return _report(store, report)
    finally:
        backend.close()


def read_credentials(dialect_name: str, entry: str) -> Mapping[str, str] | None:
    """The credentials the dialect asks for, from the environment or the keyring ``entry``; None
    (and the message on stderr saying which variables to set) when there are none."""
    dialect = dialect_named(dialect_name)
    keys = dialect.required_keys()
    credentials = TokenStore().credentials(entry, keys, optional=dialect.optional_keys(),
                                           split_token=dialect.from_token)
    if credentials:
        return credentials
    names = " and ".join(env_name(key) for key in keys)
    if len(dialect.token_holds) > 1:
        # The pair in the one variable scripts already set, as the sandbox prints it.
        pair = ":".join(key.upper() for key in dialect.token_holds)
        names = f"{env_name(TOKEN_KEY)}={pair} (or {names})"
    print(f"No credentials: set {names} or store them in the keyring for this workspace.", file=sys.stderr)
    return None


def _report(store: Store, report: SyncReport) -> int:
    """Print the summary and what waits; the exit code. Whatever waits for the user is listed
    even when the sync failed: it is still there, and another run will not settle it."""
    failed = report.status is not SyncStatus.SYNCED
    # A failed sync's summary carries the reason: stderr, with the other failures.
    print(plain(report.summary()), file=sys.stderr if failed else sys.stdout)
    waiting = waiting_for_user(store)
    held, unsent = held_and_unsent(store)
    for line in waiting:
        print(plain(line), file=sys.stderr)
    for mutation in held:
        print(plain(f"held: {describe(store, mutation).what}: waits for something made offline that the server "
                    "refused"), file=sys.stderr)
    if failed:
        return EXIT_FAILED
    if unsent:
        # The server failed on them (5xx) or a create's answer was lost: the next run sends them.
        print(f"{len(unsent):,} change(s) could not be sent yet; run crmdesk sync again.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_WAITING if waiting or held else EXIT_OK
