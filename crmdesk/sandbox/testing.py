"""A pytest fixture factory others import into their conftest:

    from crmdesk.sandbox.testing import sandbox_server  # noqa: F401  (the fixture)

    def test_pull(sandbox_server):
        server = sandbox_server(records=50, strict=True)

``sandbox_server`` is function-scoped: every server it starts is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crmdesk.sandbox.server import SandboxServer


@pytest.fixture
def sandbox_server() -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def start(**options: Any) -> SandboxServer:
        server = SandboxServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
