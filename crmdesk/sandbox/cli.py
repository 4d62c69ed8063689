"""``crmdesk sandbox``: serve a demo workspace over one dialect's API (Aria unless
``--dialect`` says otherwise) until Ctrl+C."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from crmdesk.sandbox.facades import facades
from crmdesk.sandbox.faults import ENV_PREFIX, FaultConfig
from crmdesk.sandbox.server import LOOPBACK, SandboxServer

# (flag, FaultConfig field, type, help)
FAULT_FLAGS: tuple[tuple[str, str, type, str], ...] = (
    ("--fail-rate", "fail_rate", float, "share of requests answered 500/502/503"),
    ("--rate-limit-rate", "rate_limit_rate", float, "share of requests answered 429"),
    ("--retry-after", "retry_after", int, "seconds a 429 asks the client to wait"),
    ("--drop-rate", "drop_rate", float, "share of answers whose connection drops mid-body"),
    ("--truncate-rate", "truncate_rate", float, "share of answers with a truncated JSON body"),
    ("--empty-500-rate", "empty_500_rate", float, "share of requests answered 500 with an empty body"),
    ("--latency-ms", "latency_ms", int, "milliseconds added to every request"),
    ("--fault-seed", "seed", int, "seed of the fault random stream"),
    ("--max-faults", "max_faults", int, "stop injecting after this many faults"),
)


#: The facades that can keep their real server's rate limit.
RATE_LIMITED = ("atomic", "attio")
#: The facades with a strict mode, and the one whose tokens expire.
STRICT = ("aria", "atlas")
EXPIRING_TOKENS = ("atlas",)


def _owners(dialects: Sequence[str]) -> str:
    """``the aria facade's and the atlas facade's``: whose a flag is, for the error refusing it."""
    return " and ".join(f"the {name} facade's" for name in dialects)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crmdesk sandbox", description="A local CRM server speaking one dialect's API.")
    p.add_argument("--dialect", choices=sorted(facades()), default="aria", help="the API to serve (default aria)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (loopback unless --allow-remote)")
    p.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    p.add_argument("--records", type=int, default=2000, help="demo records to generate (default 2000)")
    p.add_argument("--seed", type=int, default=1, help="demo data seed")
    p.add_argument("--strict", action="store_true",
                   help="aria: drop what the real server drops (gt/gte/lt/lte, updatedAt filters); atlas: every "
                        "request must say Content-Type: application/json, not only those with a body")
    p.add_argument("--token-lifetime", type=int, metavar="SECONDS",
                   help="atlas: seconds an access token lives (default 3600; short ones test refreshing)")
    p.add_argument("--db", type=Path, help="keep the sandbox's data in this SQLite file (default: a temp file)")
    p.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    p.add_argument("--rate-limit", action="store_true",
                   help="atomic, attio: the real server's rate limit (atomic: 180 requests a minute per client and "
                        "path, 30 on sign-in; attio: 100 reads and 25 writes a second per token), answered 429 with "
                        "Retry-After")
    faults = p.add_argument_group("faults", f"each also read from {ENV_PREFIX}<NAME> (e.g. {ENV_PREFIX}FAIL_RATE)")
    for flag, _field, kind, help_text in FAULT_FLAGS:
        faults.add_argument(flag, type=kind, help=help_text)
    faults.add_argument("--retry-after-date", action="store_true", help="send Retry-After as an HTTP date")
    faults.add_argument("--exclude-paths", help="comma-separated path prefixes never faulted")
    return p


def fault_config(options: argparse.Namespace, environ: dict[str, str] | None = None) -> FaultConfig:
    """Environment first, flags over it."""
    base = FaultConfig.from_env(environ)
    values = {f: getattr(options, flag.lstrip("-").replace("-", "_")) for flag, f, _, _ in FAULT_FLAGS}
    merged = {**base.__dict__, **{k: v for k, v in values.items() if v is not None}}
    if options.retry_after_date:
        merged["retry_after_date"] = True
    if options.exclude_paths:
        merged["exclude_paths"] = tuple(p for p in options.exclude_paths.split(",") if p)
    return FaultConfig(**merged)


def main(argv: Sequence[str]) -> int:
    p = parser()
    options = p.parse_args(list(argv))
    # A flag another facade's server has would otherwise be accepted and do nothing.
    if options.strict and options.dialect not in STRICT:
        p.error(f"--strict is {_owners(STRICT)} (the {options.dialect} facade always answers as its real server)")
    if options.token_lifetime is not None and options.dialect not in EXPIRING_TOKENS:
        p.error(f"--token-lifetime is {_owners(EXPIRING_TOKENS)} (the {options.dialect} facade's tokens do not "
                "expire)")
    if options.token_lifetime is not None and options.token_lifetime < 1:
        p.error("--token-lifetime must be at least 1 second")
    if options.rate_limit and options.dialect not in RATE_LIMITED:
        p.error(f"--rate-limit is {_owners(RATE_LIMITED)} (the {options.dialect} facade has no limit to keep)")
    if options.host not in LOOPBACK and not options.allow_remote:
        print(f"refusing to bind {options.host}: the sandbox serves demo tokens; pass --allow-remote to insist",
              file=sys.stderr)
        return 2
    server = SandboxServer(records=options.records, seed=options.seed, strict=options.strict,
                           faults=fault_config(options, dict(os.environ)), db_path=options.db, host=options.host,
                           port=options.port, dialect=options.dialect, rate_limit=options.rate_limit,
                           token_lifetime=options.token_lifetime or 3600)
    try:
        server.start()
    except OSError as error:
        print(f"cannot serve on {options.host}:{options.port}: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # a --db file made for another dialect
        print(f"cannot serve: {error}", file=sys.stderr)
        return 2
    facade = server.facade
    print(f"crmdesk sandbox serving the {facade.title} API at {server.api_url}", flush=True)
    if facade.greeting is not None:
        for line in facade.greeting(server):
            print(line, flush=True)
    else:
        print(f"admin token:  {server.admin_token}", flush=True)
        print(f"member token: {server.member_token}", flush=True)
        print(f"try: curl -H \"Authorization: Bearer {server.admin_token}\" '{server.api_url}{facade.example}'",
              flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
