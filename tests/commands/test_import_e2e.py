"""``crmdesk import`` end to end, as real processes over real loopback HTTP: sync a workspace, then
import a 1,000-row CSV of people with two bad rows and ten duplicates of people already there. The
dry run lists the bad rows and queues nothing; the import creates and updates the rest offline (no
token in its environment); the next sync puts them on the server, with each company named by its
title reaching the server as that company's id; and importing the same file again copies nothing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from tests.cli_support import crmdesk, run_crmdesk

HEADER = ["First name", "Last name", "E-mail", "Job title", "Company", "Location"]
CITIES = ["Lisbon, PT", "Osaka, JP", "Austin, TX, US", ""]
NEW_PEOPLE = 988
#: Where the ten rows naming existing people sit among the rows (0 is the first row under the header).
DUPLICATE_AT = range(40, 1000, 96)
#: The two bad rows: a company no record is called, and an e-mail address without an @-sign.
UNKNOWN_COMPANY_AT, BAD_EMAIL_AT = 123, 777
UNKNOWN_COMPANY, BAD_EMAIL = "No Such Company Ltd", "rosa.quispe.example.org"


def _line(row_index: int) -> int:
    """The row's line in the file, as an editor numbers it: the header is line 1."""
    return row_index + 2


def _pending(workspace: Path) -> int:
    with Store.open(workspace) as store:
        return len(store.outbox.pending())


def _people_file(path: Path, company_titles: list[str], existing: list[dict[str, Any]]) -> tuple[
        dict[str, tuple[str, str, str, str, str]], dict[str, str]]:
    """Writes the file; returns the new people by e-mail (first, last, job title, company title,
    location) and each duplicated person's id → the job title the file gives them. The ten rows of
    people already here hold their company and address as ``records list`` shows them, the way a
    file exported, edited and imported again holds them."""
    assert len(DUPLICATE_AT) == 10 and not {UNKNOWN_COMPANY_AT, BAD_EMAIL_AT} & set(DUPLICATE_AT)
    new: dict[str, tuple[str, str, str, str, str]] = {}
    retitled: dict[str, str] = {}
    duplicates = iter(existing)
    rows: list[list[str]] = []
    for index in range(1000):
        if index in DUPLICATE_AT:
            person = next(duplicates)
            values, display = person["values"], person["display"]
            (address,) = values["email_addresses"]
            shouted = address.upper() if index % 2 else address.swapcase()  # another letter case
            assert shouted != address
            job = f"Chief Importer {len(retitled) + 1}"
            assert job != values.get("job_title")
            retitled[person["id"]] = job
            rows.append([values["name"]["first_name"], values["name"]["last_name"], shouted, job,
                         display.get("company", ""), display.get("location", "")])
        elif index == UNKNOWN_COMPANY_AT:
            rows.append(["Nina", "Nowhere", "nina.nowhere@example.org", "Buyer", UNKNOWN_COMPANY, ""])
        elif index == BAD_EMAIL_AT:
            rows.append(["Rosa", "Quispe", BAD_EMAIL, "Buyer", company_titles[0], ""])
        else:
            n = len(new)
            first, last = f"Imported{n}", f"Person{n % 37}"
            job = "Buyer, EMEA" if n % 5 == 0 else f"Analyst {n % 11}"  # a quoted comma now and then
            company, city = company_titles[n % len(company_titles)], CITIES[n % len(CITIES)]
            new[f"imported{n}.person@example.org"] = (first, last, job, company, city)
            rows.append([first, last, f"imported{n}.person@example.org", job, company, city])
    assert len(new) == NEW_PEOPLE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return new, retitled


def _refusals(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if "refused:" in line]


def _assert_two_refusals(stdout: str) -> None:
    """Both bad rows, in file order, with their line, their column and why."""
    unknown, bad_email = _refusals(stdout)
    assert unknown.startswith(f"line {_line(UNKNOWN_COMPANY_AT)} (Company): refused: "), stdout
    assert UNKNOWN_COMPANY in unknown, unknown
    assert bad_email.startswith(f"line {_line(BAD_EMAIL_AT)} (E-mail): refused: "), stdout
    assert BAD_EMAIL in bad_email and "not an email address" in bad_email, bad_email


def test_a_thousand_row_file_is_imported_once_and_reaches_the_server(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = SandboxServer(records=30, seed=23, db_path=tmp_path / "server.sqlite").start()
    try:
        assert server.core is not None
        crmdesk("sync", "--url", server.url, "--data-dir", data, "--quiet", token=server.admin_token)
        (workspace,) = (tmp_path / "data" / "workspaces").glob("*.sqlite")
        companies = json.loads(crmdesk("records", "list", "companies", "--json", "--data-dir", data).stdout)
        company_ids = {company["title"]: company["id"] for company in companies}
        assert len(company_ids) == len(companies) >= 3, "the file names companies by title: each must name one"
        people: list[dict[str, Any]] = json.loads(
            crmdesk("records", "list", "people", "--json", "--data-dir", data).stdout)
        people_before = len(people)
        assert people_before == len(server.core.records.all("people")) >= 10
        existing = [p for p in people if len(p["values"].get("email_addresses", [])) == 1]
        assert len(existing) >= 10
        csv_path = tmp_path / "people.csv"
        new, retitled = _people_file(csv_path, sorted(company_ids), existing)

        # -- the dry run: what would happen, and nothing queued -------------------------------------
        dry = run_crmdesk("import", "people", str(csv_path), "--dry-run", "--data-dir", data)
        assert dry.returncode == 2, dry.stderr
        _assert_two_refusals(dry.stdout)
        assert dry.stdout.splitlines()[-1] == "to create 988, to update 10, refused 2", dry.stdout
        assert _pending(workspace) == 0
        listed = json.loads(crmdesk("records", "list", "people", "--json", "--data-dir", data).stdout)
        assert len(listed) == people_before

        # -- the import, offline: the refused rows skipped, the rest queued ---------------------------
        done = run_crmdesk("import", "people", str(csv_path), "--data-dir", data)
        assert done.returncode == 2, done.stderr
        _assert_two_refusals(done.stdout)
        assert done.stdout.splitlines()[-1] == "created 988, updated 10, refused 2", done.stdout
        assert _pending(workspace) == NEW_PEOPLE + 10
        listed = json.loads(crmdesk("records", "list", "people", "--json", "--data-dir", data).stdout)
        assert len(listed) == people_before + NEW_PEOPLE
        assert sum(1 for person in listed if person["pending"]) == NEW_PEOPLE + 10

        synced = crmdesk("sync", "--url", server.url, "--data-dir", data, "--quiet", token=server.admin_token)
        assert "pushed 998," in synced.stdout and "rejected 0" in synced.stdout, synced.stdout
        assert "still pending 0" in synced.stdout, synced.stdout

        # -- on the server: each new person once, its company the one its title named ----------------
        on_server = server.core.records.all("people")
        assert len(on_server) == people_before + NEW_PEOPLE
        by_address: dict[str, list[dict[str, Any]]] = {}
        for record in on_server:
            for address in record.values.get("email_addresses", []):
                by_address.setdefault(address.casefold(), []).append(record.values)
        for address, (first, last, job, company, city) in new.items():
            (made,) = by_address[address]
            assert (made["name"]["first_name"], made["name"]["last_name"]) == (first, last), made
            assert made["job_title"] == job and made["email_addresses"] == [address], made
            assert made["company"] == company_ids[company], (address, company, made["company"])
            assert made.get("location") == ({"line1": city} if city else None), made  # an address typed: one line
        assert "nina.nowhere@example.org" not in by_address
        assert not any(BAD_EMAIL in addresses for addresses in by_address)
        # The ten people the file repeated: their job title changed, the rest as it was (the
        # e-mail address in its own letter case, not added twice; the address as it was, not
        # rewritten as the one line the file shows it as).
        server_people = {record.id: record.values for record in on_server}
        before = {person["id"]: person["values"] for person in people}
        for person_id, job in retitled.items():
            assert server_people[person_id] == {**before[person_id], "job_title": job}, person_id
        untouched = set(before) - set(retitled)
        assert all(server_people[person_id] == before[person_id] for person_id in untouched)

        # -- the same file again: nothing created or queued twice -------------------------------------
        again = run_crmdesk("import", "people", str(csv_path), "--data-dir", data)
        assert again.returncode == 2, again.stderr
        _assert_two_refusals(again.stdout)
        assert again.stdout.splitlines()[-1] == "created 0, updated 0, unchanged 998, refused 2", again.stdout
        assert _pending(workspace) == 0
        synced = crmdesk("sync", "--url", server.url, "--data-dir", data, "--quiet", token=server.admin_token)
        assert "pushed 0," in synced.stdout and "still pending 0" in synced.stdout, synced.stdout
        assert len(server.core.records.all("people")) == people_before + NEW_PEOPLE
    finally:
        server.stop()
