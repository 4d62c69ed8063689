"""``crmdesk links list|add|roles|remove`` and ``crmdesk links issue|unissue``: a record's links to
other records (with their roles) and to tracker issues, offline, where the server keeps them.

Each edit is one store transaction with its outbox row (``store.edits``), as the record page makes
it, so ``crmdesk sync`` sends it. Records are named by id (a local id that a sync has replaced
still finds its record); the other end of a link may be of any object.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from crmdesk.commands.common import (
    ArgumentParser,
    CommandError,
    add_workspace_options,
    find_object,
    find_record,
    run,
    workspace_store,
)
from crmdesk.commands.output import dump_json, table
from crmdesk.model import UNTITLED
from crmdesk.store import RecordRow, Store

EPILOG = """Everything works offline on this computer's copy of the workspace; nothing reaches the
server until `crmdesk sync`. A record's links are read from the server when its page is opened
in the window; `list` shows what this copy holds. Exit status: 0 done, 1 refused or failed
(nothing was changed)."""


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="crmdesk links", description="Link records to records and to issues, offline.",
                       epilog=EPILOG)
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)

    listing = commands.add_parser("list", help="a record's links and linked issues")
    _record_arguments(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object: links and issues")
    listing.set_defaults(action=_list)

    add = commands.add_parser("add", help="link a record to another one", epilog=EPILOG)
    _record_arguments(add)
    add.add_argument("other", metavar="OTHER_ID", help="the id of the record to link to (any object)")
    add.add_argument("--role", action="append", default=[], metavar="ROLE",
                     help="a role the link plays (repeat for several)")
    add.set_defaults(action=_add)

    roles = commands.add_parser("roles", help="set a link's roles (all of them; none clears)", epilog=EPILOG)
    _record_arguments(roles)
    roles.add_argument("other", metavar="OTHER_ID")
    roles.add_argument("--role", action="append", default=[], metavar="ROLE")
    roles.set_defaults(action=_roles)

    remove = commands.add_parser("remove", help="unlink two records", epilog=EPILOG)
    _record_arguments(remove)
    remove.add_argument("other", metavar="OTHER_ID")
    remove.set_defaults(action=_remove)

    issue = commands.add_parser("issue", help="link a record to an issue key (ABC-123)", epilog=EPILOG)
    _record_arguments(issue)
    issue.add_argument("key", metavar="KEY")
    issue.set_defaults(action=_issue)

    unissue = commands.add_parser("unissue", help="unlink a record from an issue key", epilog=EPILOG)
    _record_arguments(unissue)
    unissue.add_argument("key", metavar="KEY")
    unissue.set_defaults(action=_unissue)
    return p


def _record_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("object", metavar="OBJECT", help="the record's object (company, contact…)")
    command.add_argument("id", metavar="ID", help="the record's id")
    add_workspace_options(command)


def main(argv: Sequence[str]) -> int:
    options = parser().parse_args(list(argv))
    return run(options.action, options)


def _record(store: Store, options: argparse.Namespace) -> RecordRow:
    return find_record(store, find_object(store, options.object), options.id)


def _other(store: Store, other_id: str) -> RecordRow:
    row = store.record_by_id(other_id)
    if row is None:
        raise CommandError(f"There is no record “{other_id}” in this workspace.")
    return row


def _linked(store: Store, options: argparse.Namespace) -> tuple[RecordRow, RecordRow]:
    """The record and the other one, which must be linked (said plainly when they are not)."""
    _require(store, "record_links")
    row = _record(store, options)
    other = _other(store, options.other)
    if store.links.get(row.id, other.id) is None:
        raise CommandError(f"“{row.title or UNTITLED}” is not linked to “{other.title or UNTITLED}”.")
    return row, other


def _require(store: Store, capability: str) -> None:
    """Refuse before anything is queued where the server cannot keep it (the reason is its own)."""
    # The kept probe as the sync engine wrote it (this layer does not read the dialects): before
    # any probe, the edit is queued and the server decides.
    kept = store.schema.capabilities_json() or {}
    if kept.get(capability) is False:
        reasons = kept.get("reasons")
        reason = reasons.get(capability) if isinstance(reasons, dict) else None
        raise CommandError(reason if isinstance(reason, str) and reason else "This server does not keep them.")


def _list(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        row = _record(store, options)
        links = store.links.for_record(row.id)
        issues = store.issue_links.for_record(row.id)
        objects = store.schema.objects()

        def title(other_id: str) -> str:
            other = store.records.get(other_id)
            return (other.title or UNTITLED) if other is not None else "(not in the local copy)"

        if options.json:
            print(dump_json({
                "links": [{"id": link.other_id, "object": link.other_object, "title": title(link.other_id),
                           "roles": list(link.roles), "pending": link.unsent, "refused": link.refused}
                          for link in links],
                "issues": [{"key": issue.key, "pending": issue.unsent, "refused": issue.refused} for issue in issues],
            }))
            return
        rows = [[title(link.other_id),
                 objects[link.other_object].singular_name if link.other_object in objects else link.other_object,
                 ", ".join(link.roles), link.other_id, _state(link.unsent, link.refused)] for link in links]
        if rows:
            print(table(["Linked record", "Object", "Roles", "Id", ""], rows))
        elif store.links.were_read(row.id):
            print("No linked records.")
        else:
            print("No links known here yet: a record's links are read from the server when its page is opened "
                  "in the window while online.")
        if issues:
            print("Issues: " + ", ".join(f"{i.key} ({_state(i.unsent, i.refused)})" if i.unsent or i.refused else i.key
                                         for i in issues))


def _state(unsent: bool, refused: str | None) -> str:
    if refused:
        return f"refused: {refused}"
    return "not sent" if unsent else ""


def _add(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        _require(store, "record_links")
        row = _record(store, options)
        store.edits.link_records(row.id, _other(store, options.other).id, options.role)


def _roles(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        row, other = _linked(store, options)
        store.edits.set_link_roles(row.id, other.id, options.role)


def _remove(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        row, other = _linked(store, options)
        store.edits.unlink_records(row.id, other.id)


def _issue(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        _require(store, "issue_links")
        store.edits.link_issue(_record(store, options).id, options.key)


def _unissue(options: argparse.Namespace) -> None:
    with workspace_store(options) as store:
        _require(store, "issue_links")
        store.edits.unlink_issue(_record(store, options).id, options.key)
