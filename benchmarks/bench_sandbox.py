"""Sandbox: build a 100,000-record workspace, then page through it over HTTP — for the Aria
facade, for the atomic one (``range=[a,b]&sort=id`` pages, paged by the Content-Range total) and
for the attio one (``POST /v2/objects/{object}/records/query`` pages sorted by ``created_at``
newest first, as the sync asks, until a short page: its answers carry no total) and for the atlas
one (``GET /api/1.0/workspace/CRM/entities?type=…&size=100`` and each ``_links.next``, as the sync
pages, with a bearer token exchanged for the admin client's credentials first; Atlas's pages hold
at most 100 entities, so its baseline's static page has 100).

``python -m benchmarks.bench_sandbox [dialect …]`` runs the named facades' figures alone (``aria``
is the core's own) and prints them.

Baseline for paging: the same number of requests to a trivial Starlette endpoint
under uvicorn that returns one pre-encoded JSON page of 200 records (atlas: 100), so the ratio
says what the sandbox's own work (SQL, value rendering, references) costs.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.report import Figure, Report
from benchmarks.sync_support import OBJECTS, PAGE, exchange_credentials, page_all
from crmdesk.sandbox import SandboxServer

RECORDS = 100_000
ATOMIC_RESOURCES = ("companies", "contacts", "deals")
ATTIO_SORTS = [{"direction": "desc", "attribute": "created_at"}, {"direction": "desc", "attribute": "record_id"}]
ATLAS_TYPES = ("company", "contact", "sale")
#: The most entities an Atlas page holds (the seed: "a maximum of 100").
ATLAS_PAGE = 100
ATLAS_ENTITIES = "/workspace/CRM/entities"


def _baseline(page: bytes, pages: int) -> float:
    async def serve(request: Request) -> Response:
        return Response(page, media_type="application/json")

    app = Starlette(routes=[Route("/page", serve)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # As the sandbox's own server does (crmdesk.sandbox.server): uvicorn writes headers and body
    # apart, and with Nagle on a small body waits for the client's delayed ACK (~40 ms a page).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http="h11"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    started = time.perf_counter()
    with httpx.Client(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as client:
        for _ in range(pages):
            client.get("/page").json()
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join()
    sock.close()
    return elapsed


def page_atomic(client: httpx.Client) -> tuple[int, int, float]:
    """Every company, contact and deal in pages of ``PAGE`` sorted by id; (records, requests, seconds)."""
    fetched = requests = 0
    started = time.perf_counter()
    for resource in ATOMIC_RESOURCES:
        start = 0
        while True:
            response = client.get(f"/{resource}", params={"range": f"[{start},{start + PAGE - 1}]", "sort": "id"})
            fetched += len(response.json())
            requests += 1
            start += PAGE
            if start >= int(response.headers["content-range"].rsplit("/", 1)[1]):
                break
    return fetched, requests, time.perf_counter() - started


def page_attio(client: httpx.Client) -> tuple[int, int, float]:
    """Every person, company and deal by record queries of ``PAGE`` (no overlap), newest first;
    (records, requests, seconds)."""
    fetched = requests = 0
    started = time.perf_counter()
    for slug in OBJECTS:
        offset = 0
        while True:
            response = client.post(f"/objects/{slug}/records/query",
                                   json={"limit": PAGE, "offset": offset, "sorts": ATTIO_SORTS})
            response.raise_for_status()
            count = len(response.json()["data"])
            fetched += count
            requests += 1
            if count < PAGE:
                break
            offset += PAGE
    return fetched, requests, time.perf_counter() - started


def page_atlas(client: httpx.Client) -> tuple[int, int, float]:
    """Every company, contact and sale in pages of ``ATLAS_PAGE`` by name, following each page's
    ``_links.next`` (absolute) as the adapter does; (records, requests, seconds)."""
    fetched = requests = 0
    started = time.perf_counter()
    for entity_type in ATLAS_TYPES:
        response = client.get(ATLAS_ENTITIES, params={"type": entity_type, "size": ATLAS_PAGE})
        while True:
            response.raise_for_status()
            body = response.json()
            fetched += len(body["items"])
            requests += 1
            following = body["_links"].get("next")
            if following is None:
                break
            response = client.get(following["href"])
    return fetched, requests, time.perf_counter() - started


def _admin_bearer(server: SandboxServer) -> str:
    return server.admin_token


def _atlas_bearer(server: SandboxServer) -> str:
    """A token for the admin client's ``CLIENT_ID:CLIENT_SECRET`` (what ``admin_token`` holds here)."""
    with httpx.Client(timeout=30) as client:
        return exchange_credentials(client, server.url, server.admin_token)


@dataclass(frozen=True)
class Facade:
    """What the build-and-page benchmark of a dialect's facade needs to know of it."""

    dialect: str
    build_note: str
    pager: Callable[[httpx.Client], tuple[int, int, float]]  # every record: (records, requests, seconds)
    sample: Callable[[httpx.Client], httpx.Response]  # one full page, served again by the baseline
    rows: Callable[[Any], list[Any]]  # the rows of a page's JSON
    baseline_label: str
    paging_note: Callable[[int, int], str]  # from (records, requests)
    #: the rows of a full page (``sample``'s)
    page_size: int = PAGE
    #: the bearer token the pager sends (atlas: exchanged for the admin's credentials)
    bearer: Callable[[SandboxServer], str] = _admin_bearer
    #: sent with every request (atlas: ``Content-Type: application/json``, as its adapter does)
    headers: tuple[tuple[str, str], ...] = ()


ATOMIC = Facade(
    dialect="atomic",
    build_note="atomic facade: users, tokens, 100,000 companies/contacts/deals, notes, tasks; includes server start",
    pager=page_atomic,
    sample=lambda client: client.get("/contacts", params={"range": f"[0,{PAGE - 1}]", "sort": "id"}),
    rows=lambda body: list(body),
    baseline_label=f"static {PAGE}-contact JSON page from Starlette",
    paging_note=lambda total, pages: f"{total:,} records (archived deals hidden) in {pages} pages of {PAGE}, "
                                     "sort=id, httpx, one connection",
)
ATTIO = Facade(
    dialect="attio",
    build_note="attio facade: the core's demo (standard objects, 100,000 records, lists, notes, tasks), "
               "USD currencies, token scopes, comment threads; includes server start",
    pager=page_attio,
    sample=lambda client: client.post("/objects/people/records/query",
                                      json={"limit": PAGE, "offset": 0, "sorts": ATTIO_SORTS}),
    rows=lambda body: list(body["data"]),
    baseline_label=f"static {PAGE}-person JSON page from Starlette",
    paging_note=lambda total, pages: f"{total:,} records in {pages} record queries of {PAGE} (offset, sorted by "
                                     "created_at desc; the rate limit off), httpx, one connection",
)
ATLAS = Facade(
    dialect="atlas",
    build_note="atlas facade: two OAuth clients, 100,000 companies/contacts/sales (20/50/30 %) with custom fields, "
               "their links with roles, Jira issue keys; includes server start",
    pager=page_atlas,
    sample=lambda client: client.get(ATLAS_ENTITIES, params={"type": "contact", "size": ATLAS_PAGE}),
    rows=lambda body: list(body["items"]),
    baseline_label=f"static {ATLAS_PAGE}-contact JSON page from Starlette",
    paging_note=lambda total, pages: f"{total:,} entities in {pages} pages of {ATLAS_PAGE} (by name, each page's "
                                     "_links.next followed; a token exchanged first), httpx, one connection",
    page_size=ATLAS_PAGE,
    bearer=_atlas_bearer,
    headers=(("Content-Type", "application/json"),),
)
#: The facades beside the core's own (aria) figures, by dialect.
FACADES = {facade.dialect: facade for facade in (ATOMIC, ATTIO, ATLAS)}


def run_facade(report: Report, facade: Facade) -> None:
    """Build a ``RECORDS`` workspace behind the dialect's facade, then page through all of it."""
    started = time.perf_counter()
    with SandboxServer(dialect=facade.dialect, records=RECORDS, seed=1) as server:
        build = time.perf_counter() - started
        report.add(Figure(bench=f"sandbox_{facade.dialect}_build_100k", value=build, unit="s", target="< 60 s",
                          note=facade.build_note))
        headers = {"Authorization": f"Bearer {facade.bearer(server)}", **dict(facade.headers)}
        with httpx.Client(base_url=server.api_url, headers=headers, timeout=30) as client:
            total, pages, elapsed = facade.pager(client)
            sample = facade.sample(client).content
    assert len(facade.rows(json.loads(sample))) == facade.page_size
    baseline_rate = pages * facade.page_size / _baseline(sample, pages)
    report.add(Figure(bench=f"sandbox_{facade.dialect}_paging_records_per_s", value=total / elapsed,
                      unit="records/s", baseline=baseline_rate, baseline_label=facade.baseline_label,
                      target=">= 5,000 records/s", note=facade.paging_note(total, pages)))


def run_core(report: Report) -> None:
    """The core's own demo behind the Aria facade: build, then page through it."""
    started = time.perf_counter()
    with SandboxServer(records=RECORDS, seed=1) as server:
        build = time.perf_counter() - started
        report.add(Figure(bench="sandbox_build_100k", value=build, unit="s", target="< 60 s",
                          note="standard objects, 100,000 records, lists, notes, tasks; includes server start"))
        with httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {server.admin_token}"},
                          timeout=30) as client:
            total, pages, elapsed = page_all(client, OBJECTS)
            sample = client.get("/objects/people/records", params={"limit": PAGE}).content
    baseline_seconds = _baseline(sample, pages)
    rate = total / elapsed
    baseline_rate = pages * PAGE / baseline_seconds
    assert json.loads(sample)["data"]["records"]
    report.add(Figure(bench="sandbox_paging_records_per_s", value=rate, unit="records/s", baseline=baseline_rate,
                      baseline_label="static 200-record JSON page from Starlette", target=">= 5,000 records/s",
                      note=f"{total:,} records in {pages} pages of {PAGE} (offset paging, httpx, one connection)"))


def run(report: Report) -> None:
    report.section("Sandbox server")
    run_core(report)
    for facade in FACADES.values():
        run_facade(report, facade)


if __name__ == "__main__":
    figures = Report()
    for dialect in sys.argv[1:] or ["aria", *FACADES]:
        if dialect == "aria":
            run_core(figures)
        else:
            run_facade(figures, FACADES[dialect])
    for figure in figures.figures:
        print(f"# {figure.bench}: {figure.note}", flush=True)
