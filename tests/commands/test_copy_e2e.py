"""``crmdesk copy`` end to end, as real processes over real loopback HTTP: the demo's Aria workspace,
synced into a data folder, copies to an empty atomic server. The dry run shows the plan and writes
nothing; the copy puts every record there with its company named by the atomic server's own id,
the notes and tasks with it, and verifies; a second run copies nothing twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from tests.atomic_support import FacadeReader
from tests.cli_support import crmdesk, run_crmdesk

NOTES = ("contact_notes", "deal_notes", "company_notes")


def _source(data: Path) -> Path:
    [path] = (data / "workspaces").glob("*.sqlite")
    return path


def _company_of(rows: list[dict], companies: dict[int, str]) -> Counter[tuple[str, str]]:
    return Counter((row["name"] if "name" in row else f"{row['firstName']} {row['lastName']}",
                    companies.get(row.get("companyId"), "")) for row in rows)


def test_the_demo_workspace_copies_to_an_atomic_server_once(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    aria = SandboxServer(dialect="aria", records=120, seed=3).start()
    atomic = SandboxServer(dialect="atomic", records=0).start()
    api = FacadeReader(atomic)
    try:
        crmdesk("sync", "--dialect", "aria", "--url", aria.url, "--data-dir", data, "--quiet", token=aria.admin_token)
        source = _source(Path(data))
        copy = ("copy", "--from", source.stem, "--to-dialect", "atomic", "--to-url", atomic.url, "--data-dir", data,
                "--quiet")

        dry = crmdesk(*copy, "--dry-run", token=atomic.admin_token)
        assert "People → People: 66 records" in dry.stderr, dry.stderr
        assert "list Sales pipeline: 30 entries NOT copied — the target keeps no lists" in dry.stderr
        assert "Owner: NOT copied — Owner there is set by its server" in dry.stderr
        assert (api.total("contacts"), api.total("companies"), api.total("deals")) == (0, 0, 0)

        done = crmdesk(*copy, token=atomic.admin_token, timeout=300)
        assert done.stdout.splitlines()[0] == "copied: 120 records, 12 notes, 6 tasks", done.stdout
        assert "sent: synced:" in done.stdout and "rejected 0, still pending 0" in done.stdout
        assert "People: 66 here, 66 of them on the server as People" in done.stdout
        assert done.stdout.rstrip().endswith("differing: 0"), done.stdout

        with Store.open(source) as store:
            people = {r.id: r for r in store.records.rows(store.records.query_ids("people"))}
            companies = {r.id: r.title for r in store.records.rows(store.records.query_ids("companies"))}
            deals = store.records.rows(store.records.query_ids("deals"))
            notes, tasks = len(store.notes.by_id()), len(store.tasks.by_id())
        server_companies = {row["id"]: row["name"] for row in api.rows("companies")}
        assert sorted(server_companies.values()) == sorted(companies.values())
        # Each person's and deal's company is the atomic server's id of the company of that name.
        expected_people = Counter((p.title, companies.get(p.values.get("company"), "")) for p in people.values())
        assert _company_of(api.rows("contacts"), server_companies) == expected_people
        expected_deals = Counter((d.title, companies[d.values["company"]]) for d in deals)
        assert _company_of(api.rows("deals"), server_companies) == expected_deals
        assert sum(api.total(resource) for resource in NOTES) == notes == 12
        assert api.total("tasks") == tasks == 6

        again = run_crmdesk(*copy, token=atomic.admin_token, timeout=300)
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[:2] == ["copied: 0 records",
                                                  "already copied before: 120 records, 12 notes, 6 tasks"]
        assert (api.total("contacts"), api.total("companies"), api.total("deals")) == (66, 24, 30)
        assert sum(api.total(resource) for resource in NOTES) == 12 and api.total("tasks") == 6
    finally:
        api.client.close()
        atomic.stop()
        aria.stop()


def test_a_copy_without_the_target_token_says_what_to_set_and_copies_nothing(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    aria = SandboxServer(dialect="aria", records=10).start()
    try:
        crmdesk("sync", "--dialect", "aria", "--url", aria.url, "--data-dir", data, "--quiet", token=aria.admin_token)
        source = _source(Path(data))
        refused = run_crmdesk("copy", "--from", source.stem, "--to-dialect", "atomic", "--to-url",
                              "http://127.0.0.1:9", "--data-dir", data)
        assert refused.returncode == 1
        assert "No credentials: set CRMDESK_TOKEN" in refused.stderr
        unknown = run_crmdesk("copy", "--from", "no-such-workspace", "--to-dialect", "atomic", "--to-url",
                              "http://127.0.0.1:9", "--data-dir", data, token="t")
        assert unknown.returncode == 1 and "no-such-workspace" in unknown.stderr
        bad_map = run_crmdesk("copy", "--from", source.stem, "--to-dialect", "atomic", "--to-url",
                              "http://127.0.0.1:9", "--data-dir", data, "--map", "people", token="t")
        assert bad_map.returncode == 1 and "“people” is not SOURCE=TARGET" in bad_map.stderr
        with Store.open(source) as store:
            assert not store.copy_map.counts("anything")
        assert sorted(p.name for p in (Path(data) / "workspaces").glob("*.sqlite")) == [source.name]
    finally:
        aria.stop()


def test_map_leaves_out_or_redirects_what_the_plan_would_copy(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    aria = SandboxServer(dialect="aria", records=10).start()
    atomic = SandboxServer(dialect="atomic", records=0).start()
    try:
        crmdesk("sync", "--dialect", "aria", "--url", aria.url, "--data-dir", data, "--quiet", token=aria.admin_token)
        plan = crmdesk("copy", "--from", _source(Path(data)).stem, "--to-dialect", "atomic", "--to-url", atomic.url,
                       "--data-dir", data, "--quiet", "--dry-run", "--map", "companies.description=",
                       "--map", "people.job_title=linkedin_url", "--map", "deals=", token=atomic.admin_token).stderr
        assert "    Description: NOT copied — left out" in plan.splitlines()
        assert "    Job Title → LinkedIn" in plan.splitlines()
        assert "  Deals: 2 records NOT copied — left out" in plan.splitlines()
    finally:
        atomic.stop()
        aria.stop()
