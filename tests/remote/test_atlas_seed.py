"""The seed document is the atlas dialect's only contract: its filter table (which operators each
field type allows, and which is the default) is read from the copy in ``tests/fixtures/seeds`` and
must be what the adapter asks with and what the facade accepts."""

from __future__ import annotations

import re
from pathlib import Path

from crmdesk.remote.atlas.values import OPERATORS
from crmdesk.sandbox.atlas.template import OPERATORS as FACADE_OPERATORS

SEED = Path(__file__).parents[1] / "fixtures" / "seeds" / "atlas.txt"
# "string (Single line text) eq, contains eq any string": type, operators, default, value format.
ROW = re.compile(r"^(?P<type>[a-z-]+)(?: \([^)]*\))? (?P<ops>[a-z]+(?:, [a-z]+)*) (?P<default>[a-z]+) ")


def seed_filter_table() -> dict[str, tuple[tuple[str, ...], str]]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index("Field type Operators Default operator Value format")
    table: dict[str, tuple[tuple[str, ...], str]] = {}
    for line in lines[start + 1:]:
        found = ROW.match(line)
        if found is None:
            break
        table[found["type"]] = (tuple(found["ops"].split(", ")), found["default"])
    return table


def test_the_seed_table_reads_as_eight_field_types() -> None:
    table = seed_filter_table()
    assert sorted(table) == ["date", "decimal", "multi-select", "single-select", "string", "text", "timestamp",
                             "user"]
    assert table["string"] == (("eq", "contains"), "eq")


def test_the_adapter_asks_with_the_operators_the_seed_allows_default_first() -> None:
    table = seed_filter_table()
    assert {kind: set(ops) for kind, ops in OPERATORS.items()} == {kind: set(ops) for kind, (ops, _d) in table.items()}
    # The first is the one a look-up asks with: the seed's default, which finds equal values.
    assert {kind: ops[0] for kind, ops in OPERATORS.items()} == {kind: default for kind, (_o, default) in table.items()}


def test_the_facade_accepts_what_the_seed_allows() -> None:
    assert dict(FACADE_OPERATORS) == seed_filter_table()
