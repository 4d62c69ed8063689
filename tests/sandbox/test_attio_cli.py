"""``crmdesk sandbox --dialect attio`` serves Attio's API and greets with a ``curl`` line that works."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

from crmdesk.sandbox.cli import main
from tests.cli_support import ROOT


def test_the_greeting_curl_line_works() -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CRMDESK_")}, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "crmdesk", "sandbox", "--dialect", "attio", "--port", "0",
                                "--records", "20", "--rate-limit"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:  # the greeting ends with the curl line; the server is up by then
            lines.append(line)
            if line.startswith("try: curl"):
                break
        found = re.fullmatch(r"try: curl -H \"Authorization: Bearer (\S+)\" '(\S+)'\n", lines[-1])
        assert found is not None, lines
        answer = httpx.get(found.group(2), headers={"Authorization": f"Bearer {found.group(1)}"}, timeout=10)
        assert answer.status_code == 200 and [o["api_slug"] for o in answer.json()["data"]] == [
            "people", "companies", "deals"]
        assert "the Attio API at http://127.0.0.1:" in lines[0] and lines[0].rstrip().endswith("/v2")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_strict_is_still_aria_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--dialect", "attio", "--strict"])
    assert "--strict is the aria facade's" in capsys.readouterr().err
