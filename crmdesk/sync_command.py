"""``crmdesk sync``: one full sync without the GUI — also how a workspace is first created.

The token comes from the keyring (for the workspace) or ``CRMDESK_TOKEN``; never from
the command line, where other users of the machine could read it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from crmdesk.paths import Paths
from crmdesk.remote import InsecureConnectionRefused, RemoteError
from crmdesk.remote.factory import DIALECTS, UnknownDialect, open_backend
from crmdesk.secrets import TokenStore
from crmdesk.store import StoreError
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crmdesk sync", description="Run one full sync of a workspace.")
    p.add_argument("--data-dir", metavar="DIR", help="where workspaces live (also CRMDESK_DATA_DIR)")
    p.add_argument("--dialect", default="aria", choices=DIALECTS)
    p.add_argument("--url", required=True, help="the server's base address, e.g. https://crm.example.com")
    p.add_argument("--workspace", metavar="ID", help="the keyring entry holding the token (default: the URL)")
    p.add_argument("--allow-insecure-http", action="store_true",
                   help="allow plain http:// to a non-loopback server (the token would travel unencrypted)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    return p


class _ProgressLine:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last = ""

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        line = f"{phase}: {done:,}" + (f" of {total:,}" if total else "")
        if line != self.last:
            self.last = line
            print(f"\r\x1b[2K{line}", end="", file=sys.stderr, flush=True)


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    tokens = TokenStore()
    token = tokens.get(options.workspace or options.url)
    if not token:
        print("No token: set CRMDESK_TOKEN or store one in the keyring for this workspace.", file=sys.stderr)
        return 2
    try:
        backend = open_backend(options.dialect, options.url, token, allow_insecure_http=options.allow_insecure_http)
    except (UnknownDialect, InsecureConnectionRefused, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 2
    progress = _ProgressLine(options.quiet)
    try:
        store = open_workspace_store(Paths.resolve(options.data_dir), backend, options.dialect, options.url)
    except (RemoteError, StoreError) as error:
        print(f"Could not open the workspace: {getattr(error, 'message', error)}", file=sys.stderr)
        return 1
    with store:
        report = SyncEngine(store, backend, progress=progress).sync()
    backend.close()
    if not options.quiet:
        print(file=sys.stderr)
    print(report.summary())
    return 0 if report.complete else 1
