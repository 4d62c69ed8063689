"""Reading the recorded real-server answers and comparing JSON shapes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "fixtures" / "aria-real"
ID = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9]{32})$")


@dataclass
class Recorded:
    name: str
    method: str
    path: str
    body: str | None
    auth: str | None  # None: default token; "none": no header; else the raw header line
    status: int
    response: Any
    date: str


def load(path: Path) -> Recorded:
    text = path.read_text()
    head, _, rest = text.partition("### RESPONSE:\n")
    method, target = re.search(r"### REQUEST: (\S+) (\S+)", head).groups()  # type: ignore[union-attr]
    body_match = re.search(r"### BODY: (.*)", head)
    auth = "none" if "### NO AUTH HEADER" in head else None
    auth_match = re.search(r"### AUTH HEADER: (.*)", head)
    if auth_match:
        auth = auth_match.group(1).strip()
    status = int(rest.split()[1])
    date = (re.search(r"^Date: .* (\d\d:\d\d:\d\d) GMT", rest, re.M) or re.search("()", "")).group(1)  # type: ignore[union-attr]
    payload = rest.split("\n\n", 1)[1].strip() if "\n\n" in rest else ""
    try:
        response = json.loads(payload) if payload else None
    except ValueError:
        response = payload
    return Recorded(path.stem, method, target, body_match.group(1) if body_match else None, auth, status, response,
                    date)


def recorded_in_order() -> list[Recorded]:
    # WEBSHAPE_* come from another workspace (the web app's own records): test_webshapes.py replays them.
    items = [load(p) for p in FIXTURES.glob("*.txt") if not p.name.startswith("WEBSHAPE_")]
    return sorted(items, key=lambda r: (r.date, r.name))


def learn_ids(recorded: Any, ours: Any, mapping: dict[str, str]) -> None:
    """Walk both answers in step; an id in the recording maps to the id at the same place in ours."""
    if isinstance(recorded, dict) and isinstance(ours, dict):
        for key, value in recorded.items():
            if key in ours:
                learn_ids(value, ours[key], mapping)
    elif isinstance(recorded, list) and isinstance(ours, list):
        for a, b in zip(recorded, ours, strict=False):
            learn_ids(a, b, mapping)
    elif isinstance(recorded, str) and isinstance(ours, str) and ID.match(recorded) and recorded not in mapping:
        mapping[recorded] = ours


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def shape_differences(recorded: Any, ours: Any, where: str = "") -> list[str]:
    """Keys and value types that differ; ids, times and list lengths are not compared."""
    if kind(recorded) != kind(ours):
        if recorded is None or ours is None:
            return [] if where.endswith(("nextCursor", "deadline", "completedAt", "icon")) else [
                f"{where}: {kind(recorded)} vs {kind(ours)}"]
        return [f"{where}: {kind(recorded)} vs {kind(ours)}"]
    if isinstance(recorded, dict):
        out = []
        if where.endswith(("values", "listValues", "content", "metadata", "config", "settings")):
            return []  # value documents: compared by the contract tests, not by shape
        for key in recorded.keys() - ours.keys():
            out.append(f"{where}.{key}: missing")
        for key in ours.keys() - recorded.keys():
            out.append(f"{where}.{key}: extra")
        for key in recorded.keys() & ours.keys():
            out.extend(shape_differences(recorded[key], ours[key], f"{where}.{key}"))
        return out
    if isinstance(recorded, list) and recorded and ours:
        return shape_differences(recorded[0], ours[0], f"{where}[]")
    return []
