"""The Aria sandbox's demo page at ``GET /objects/<slug>/<id>``: where the real server's web app
shows a record (its search answer links records there), so the client's "Open … on the server"
leads somewhere. A browser has no API key: the page asks for none. What the data says is escaped,
and the page runs and loads nothing. A real sandbox over loopback HTTP, read with plain httpx."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=5, seed=2, dialect="aria") as running:
        yield running


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {server.admin_token}"}) as client:
        yield client


@pytest.fixture
def browser(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as client:  # no token, as a browser
        yield client


def create(api: httpx.Client, slug: str, values: dict[str, Any]) -> str:
    answer = api.post(f"/objects/{slug}/records", json={"values": values})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


def test_a_records_page_shows_its_title_and_values_escaped(api: httpx.Client, browser: httpx.Client) -> None:
    company = create(api, "companies", {"name": HOSTILE, "domains": ["hostile.example"]})
    page = browser.get(f"/objects/companies/{company}")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<script>" not in page.text and "<img" not in page.text
    assert f"<h1>{escape(HOSTILE)}</h1>" in page.text
    assert f"<title>{escape(HOSTILE)}</title>" in page.text
    assert "hostile.example" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    # A reference shows the title of the record it names.
    person = create(api, "people", {"name": {"firstName": "Ada", "lastName": "Quill"}, "company": company})
    shown = browser.get(f"/objects/people/{person}").text
    assert "<h1>Ada Quill</h1>" in shown and escape(HOSTILE) in shown


def test_the_search_answers_link_leads_to_the_page(api: httpx.Client, browser: httpx.Client) -> None:
    record = create(api, "companies", {"name": "Ashcombe Kilns"})
    hits = api.get("/search", params={"q": "Ashcombe"}).json()["data"]
    link = next(hit["url"] for hit in hits if hit["id"] == record)
    page = browser.get(link)
    assert page.status_code == 200 and "<h1>Ashcombe Kilns</h1>" in page.text


@pytest.mark.parametrize("path", ["/objects/companies/no-such-record", "/objects/no-such-object/x",
                                  "/objects/people/%3Cscript%3E"])
def test_an_unknown_record_or_object_is_a_404_page(browser: httpx.Client, path: str) -> None:
    page = browser.get(path)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text


def test_the_api_still_wants_its_key(browser: httpx.Client) -> None:
    answer = browser.get("/api/v1/objects/companies/records", follow_redirects=False)
    assert answer.status_code == 307 and "/login" in answer.headers["location"]
