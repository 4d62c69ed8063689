"""Load the recorded answers of a real Aria server and serve them through httpx.MockTransport.

Each ``tests/fixtures/aria-real/*.txt`` holds ``### REQUEST: METHOD /path?query``, optional
``### BODY:`` / ``### AUTH HEADER:`` lines, ``### RESPONSE:``, then the raw answer: status
line, headers, a blank line, the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aria-real"
_SKIP_HEADERS = {"transfer-encoding", "content-length", "connection", "keep-alive"}


@dataclass(frozen=True)
class Recorded:
    name: str
    method: str
    target: str  # path with query, exactly as recorded
    body: str | None
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    auth_note: str | None = None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def response(self) -> httpx.Response:
        return httpx.Response(self.status, headers=list(self.headers), content=self.content)


def load(path: Path) -> Recorded:
    text = path.read_text(encoding="utf-8")
    head, _, raw = text.partition("### RESPONSE:\n")
    method = target = ""
    body = auth = None
    for line in head.splitlines():
        if line.startswith("### REQUEST: "):
            method, _, target = line.removeprefix("### REQUEST: ").partition(" ")
        elif line.startswith("### BODY: "):
            body = line.removeprefix("### BODY: ")
        elif line.startswith("### AUTH HEADER") or line.startswith("### NO AUTH"):
            auth = line.removeprefix("### ")
    header_block, _, content = raw.partition("\n\n")
    lines = header_block.splitlines()
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() not in _SKIP_HEADERS:
            headers.append((name.strip(), value.strip()))
    return Recorded(path.stem, method, target, body, status, tuple(headers), content.encode("utf-8"), auth)


def load_all() -> list[Recorded]:
    return [load(p) for p in sorted(FIXTURES.glob("*.txt"))]


def by_name(name: str) -> Recorded:
    return load(FIXTURES / f"{name}.txt")


@dataclass
class Replay:
    """A MockTransport handler answering (method, path, query) with recorded answers."""

    answers: dict[tuple[str, str, str], Recorded] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    @classmethod
    def of(cls, recordings: Iterable[Recorded]) -> Replay:
        replay = cls()
        for rec in recordings:
            replay.answers[(rec.method, rec.path, _norm(rec.query))] = rec
        return replay

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.path, _norm(request.url.query.decode()))
        rec = self.answers.get(key) or self.answers.get((request.method, request.url.path, "*"))
        if rec is None:
            return httpx.Response(599, text=f"no recording for {key}")
        return rec.response()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def _norm(query: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    if query == "*":
        return "*"
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
