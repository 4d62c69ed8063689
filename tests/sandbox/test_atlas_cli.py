"""``crmdesk sandbox --dialect atlas`` prints its credentials as ``CLIENT_ID:CLIENT_SECRET`` and two
``curl`` lines that work: the token request, then a GET with the token it answers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from crmdesk.sandbox.cli import main
from tests.cli_support import ROOT


@pytest.fixture(scope="module")
def greeting() -> Iterator[list[str]]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CRMDESK_")}, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "crmdesk", "sandbox", "--dialect", "atlas", "--port", "0",
                                "--records", "20", "--token-lifetime", "120", "--strict"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:  # the greeting ends with the GET; the server is up by then
            lines.append(line.rstrip("\n"))
            if line.startswith("then: "):
                break
        yield lines
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_the_greeting_names_the_api_and_the_credentials(greeting: list[str]) -> None:
    assert re.fullmatch(r"crmdesk sandbox serving the Atlas CRM \(Jira\) API at http://127\.0\.0\.1:\d+/api/1\.0",
                        greeting[0]), greeting
    admin = re.fullmatch(r"admin credentials:  ([\w-]+):([\w-]+)", greeting[1])
    member = re.fullmatch(r"member credentials: ([\w-]+):([\w-]+)", greeting[2])
    assert admin and member and admin.group(1) != member.group(1)
    assert re.fullmatch(r"admin account id: +[0-9a-f]{24}", greeting[3])


def test_the_greeting_curl_lines_work_as_read(greeting: list[str]) -> None:
    token = re.fullmatch(r"try: TOKEN=\$\(curl -s -X POST -H 'Content-Type: application/json' -d '(\{.*\})' "
                         r"'?(\S+?)'? \| sed .*\)", greeting[-2])  # shlex quotes only what needs it
    get = re.fullmatch(r"then: curl -H 'Content-Type: application/json' -H \"Authorization: Bearer \$TOKEN\" "
                       r"'?(\S+?)'?", greeting[-1])
    assert token and get, greeting
    answer = httpx.post(token.group(2), content=token.group(1), headers={"Content-Type": "application/json"},
                        timeout=10)
    assert answer.status_code == 200 and answer.json()["expires_in"] == 120
    listed = httpx.get(get.group(1), timeout=10, headers={"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {answer.json()['access_token']}"})
    assert listed.status_code == 200 and listed.json()["total"] == 4 and len(listed.json()["items"]) == 4


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs curl and bash")
def test_the_greeting_curl_lines_work_in_a_shell(greeting: list[str]) -> None:
    script = greeting[-2].removeprefix("try: ") + "\n" + greeting[-1].removeprefix("then: ") + " -s\n"
    ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0 and '"type":"company"' in ran.stdout and '"total":4' in ran.stdout, ran


@pytest.mark.parametrize(("argv", "named"), [(["--dialect", "attio", "--token-lifetime", "5"], "--token-lifetime"),
                                             (["--dialect", "atlas", "--token-lifetime", "0"], "--token-lifetime"),
                                             (["--dialect", "atomic", "--strict"], "--strict")])
def test_flags_that_do_not_apply_are_refused(capsys: pytest.CaptureFixture[str], argv: list[str], named: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2 and named in capsys.readouterr().err
