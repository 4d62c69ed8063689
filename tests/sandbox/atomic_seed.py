"""The state the recorded BasicsOS server had before recording 004, read from the recordings'
own answers, written into a sandbox data file the atomic facade then serves.

Taken from the answers: the admin (003, 009, 120; its password from 003's request), the
eight companies (072), eight contacts (016), four deals (081), contact note 1 (089), the two
tasks (101), three tags (109), the configuration (116) and the admin's ``crmdesk`` API
token (004). Not shown by any answer but implied by the ids the server handed out next:
contact note 2 (090 got id 3) and deal note 1 (095 got id 2); they are made up here, on
records no recording lists the notes of.

``<EMAIL_n>`` placeholders stand for ``user<n>@recorded.test``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from crmdesk.sandbox.atomic import AtomicStore
from crmdesk.sandbox.atomic.accounts import Accounts
from crmdesk.sandbox.atomic.resources import snake
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.facades import facades

FIXTURES = Path(__file__).parent.parent / "fixtures" / "atomic-real"
_EMAIL = re.compile(r"<EMAIL_(\d+)>")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def email(placeholder_text: str) -> str:
    return _EMAIL.sub(lambda m: f"user{m.group(1)}@recorded.test", placeholder_text)


def recording(prefix: str) -> dict[str, Any]:
    (path,) = FIXTURES.glob(f"{prefix}-*.json")
    return json.loads(path.read_text())


def _stored(value: Any) -> Any:
    """A wire value as the facade stores it: times in the core's microsecond form, documents as text."""
    if isinstance(value, str):
        value = email(value)
        return value[:23] + "000Z" if _TIME.match(value) else value
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _rows(answer: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{snake(k): _stored(v) for k, v in row.items() if k not in ("organizationId", *drop)} for row in answer]


def build_recorded_state(path: Path) -> None:
    """Write the recorded server's starting state into a new sandbox file at ``path``."""
    core = Core(path)
    try:
        facades()["atomic"].initialise(core)  # what SandboxServer(dialect="atomic") gives a new file
        core.dialect = "atomic"
        store = AtomicStore(core)
        store.install_defaults()
        sign_in = recording("003")
        crm_user = recording("120")["response"]["body"][0]
        user = sign_in["response"]["body"]["user"]
        admin = Accounts(core).add_user(email(crm_user["email"]), sign_in["request"]["body"]["password"],
                                        crm_user["firstName"], crm_user["lastName"], administrator=True,
                                        at=_stored(user["createdAt"]), user_id=crm_user["userId"])
        token = recording("004")["response"]["body"]["tokens"][0]
        Accounts(core).issue_token(int(admin["id"]), token["name"], at=_stored(token["createdAt"]))
        companies = [r for r in recording("072")["response"]["body"] if r["id"] <= 8]
        store.bulk_insert("atomic_companies", _rows(companies, ("nbDeals", "nbContacts")))
        store.bulk_insert("atomic_contacts", _rows(recording("016")["response"]["body"]))
        store.bulk_insert("atomic_deals", _rows(recording("081")["response"]["body"], ("companyName",)))
        (note,) = _rows(recording("089")["response"]["body"])
        store.bulk_insert("atomic_contact_notes", [
            note, {**note, "id": 2, "contact_id": 2, "text": "Sent a follow-up e-mail.", "title": None}])
        store.bulk_insert("atomic_deal_notes", [{"id": 1, "deal_id": 1, "title": None, "type": "call",
                                                 "text": "Kick-off call booked.", "date": note["date"],
                                                 "crm_user_id": 1, "attachments": None}])
        store.bulk_insert("atomic_tasks", _rows(recording("101")["response"]["body"]))
        store.bulk_insert("atomic_tags", _rows(recording("109")["response"]["body"]))
        store.set_configuration(json.dumps(recording("116")["response"]["body"][0]["config"]))
    finally:
        core.close()
