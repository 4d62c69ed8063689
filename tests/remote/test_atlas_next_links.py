"""Where an Atlas list's next page is (pure: a wire in memory): a link resolves against the page
that carried it, also for a server under a base path; one elsewhere is not followed; a list
without a total is read unchecked (logged); an item of another type is skipped, not fatal."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from crmdesk.remote.atlas import AtlasBackend
from crmdesk.remote.atlas.schema import object_def
from crmdesk.remote.atlas.session import AtlasSession
from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.errors import ProtocolError
from crmdesk.remote.transport import Transport, TransportConfig
from tests.atlas_support import SALE_TEMPLATE

pytestmark = pytest.mark.allow_log_warnings("geo-point")  # the template's one unknown field

PREFIXED = "https://jira.example.com/crm"
ENTITIES = "/crm/api/1.0/workspace/CRM/entities"


def _session(base: str, handler: Callable[[httpx.Request], httpx.Response] | None = None) -> AtlasBackend:
    wire = httpx.MockTransport(handler or (lambda request: httpx.Response(599)))
    backend = AtlasBackend(Transport(TransportConfig(base_url=base), BearerAuth("t0ken"), http_transport=wire))
    backend.schema.put(object_def("sale", SALE_TEMPLATE))
    return backend


@pytest.fixture
def prefixed() -> Iterator[AtlasSession]:
    session = _session(PREFIXED)
    yield session
    session.close()


@pytest.mark.parametrize("href", [
    "https://jira.example.com/crm/api/1.0/workspace/CRM/entities?page=2",  # absolute
    "/crm/api/1.0/workspace/CRM/entities?page=2",  # root-relative
    "entities?page=2",  # relative to the page
    "?page=2",
])
def test_a_next_link_resolves_against_its_page_under_a_base_path(prefixed: AtlasSession, href: str) -> None:
    page = prefixed.page_url("/entities")
    assert str(page) == PREFIXED + "/api/1.0/workspace/CRM/entities"
    assert str(prefixed.next_url(href, page)) == PREFIXED + "/api/1.0/workspace/CRM/entities?page=2"


@pytest.mark.parametrize(("base", "href", "problem"), [
    ("https://atlas.example.com", "https://elsewhere.example.com/api/1.0/workspace/CRM/entities?page=2",
     "not this workspace's server"),
    ("https://atlas.example.com", "http://atlas.example.com/api/1.0/workspace/CRM/entities?page=2",
     "not this workspace's server"),  # scheme
    ("https://atlas.example.com", "https://atlas.example.com:8443/api/1.0/workspace/CRM/entities?page=2",
     "not this workspace's server"),  # port
    ("https://atlas.example.com", "https://atlas.example.com/login?next=/", "outside its API"),
    ("https://atlas.example.com", "../../../../login", "outside its API"),
    (PREFIXED, "/api/1.0/workspace/CRM/entities?page=2", "outside its API"),  # the base path left out
    (PREFIXED, "https://jira.example.com/api/1.0/workspace/CRM/entities?page=2", "outside its API"),
])
def test_a_next_page_elsewhere_is_not_followed(base: str, href: str, problem: str) -> None:
    session = _session(base)  # its wire answers 599: nothing is sent before the refusal
    try:
        with pytest.raises(ProtocolError, match=problem):
            session.follow(session.next_url(href, session.page_url("/entities")))
    finally:
        session.close()


def _sale(ident: str, kind: str = "sale") -> dict[str, Any]:
    return {"id": ident, "type": kind, "fields": {"sale-name": f"Deal {ident}"}}


#: Four pages of sales under the base path, each next link in another form.
PAGES: dict[str, tuple[list[dict[str, Any]], str | None]] = {
    "1": ([_sale("a"), _sale("b")], "entities?type=sale&size=2&page=2"),
    "2": ([_sale("c"), _sale("d")], ENTITIES + "?type=sale&size=2&page=3"),
    "3": ([_sale("e")], "https://jira.example.com" + ENTITIES + "?type=sale&size=2&page=4"),
    "4": ([_sale("f")], None),
}


def _wire(asked: list[str], *, total: int | None, items: Callable[[str], list[dict[str, Any]]] | None = None,
          ) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "jira.example.com" and request.url.path == ENTITIES, request.url
        assert request.headers["Authorization"] == "Bearer t0ken"
        page = request.url.params.get("page", "1")
        asked.append(page)
        found, following = PAGES[page]
        body: dict[str, Any] = {"items": items(page) if items else found, "_links": {}}
        if total is not None:
            body["total"] = total
        if following:
            body["_links"]["next"] = {"href": following}
        return httpx.Response(200, json=body)

    return answer


def test_a_list_under_a_base_path_is_read_to_its_last_page(caplog: pytest.LogCaptureFixture) -> None:
    asked: list[str] = []
    backend = _session(PREFIXED, _wire(asked, total=6))
    try:
        pages = list(backend.iter_record_pages("sale", page_size=2))
    finally:
        backend.close()
    assert [r.id for page in pages for r in page.records] == ["a", "b", "c", "d", "e", "f"]
    assert asked == ["1", "2", "3", "4"]  # once each: the total (6) was met
    assert "no total" not in caplog.text


def test_a_list_without_a_total_is_read_once_and_said_to_be_unchecked(caplog: pytest.LogCaptureFixture) -> None:
    asked: list[str] = []
    backend = _session(PREFIXED, _wire(asked, total=None))
    try:
        with caplog.at_level(logging.INFO, logger="crmdesk.remote.atlas.session"):
            ids = backend.record_ids("sale")
    finally:
        backend.close()
    assert ids == {"a", "b", "c", "d", "e", "f"} and asked == ["1", "2", "3", "4"]
    said = [r.getMessage() for r in caplog.records if "no total" in r.getMessage()]
    assert said == ["the server counts no sales (no total): the scan's completeness is not checked"]


def test_an_item_of_another_type_is_skipped_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    def items(page: str) -> list[dict[str, Any]]:
        return [_sale("c"), _sale("x", "company")] if page == "2" else PAGES[page][0]

    asked: list[str] = []
    backend = _session(PREFIXED, _wire(asked, total=6, items=items))
    try:
        ids = [r.id for page in backend.iter_record_pages("sale", page_size=2) for r in page.records]
    finally:
        backend.close()
    assert ids == ["a", "b", "c", "e", "f"]  # the company among the sales is left out, the pull goes on
    assert asked == ["1", "2", "3", "4"]  # it counts as seen: the total (6) was met
    skipped = [r for r in caplog.records if r.levelno == logging.WARNING and "company where a sale" in r.getMessage()]
    assert len(skipped) == 1
    caplog.clear()
