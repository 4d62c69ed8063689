"""The ``crmdesk`` command run as a user's script runs it: a child process of this checkout,
with no token or data folder inherited from the developer's environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_crmdesk(*args: str, token: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m crmdesk *args``, whatever its exit code; ``token`` in ``CRMDESK_TOKEN`` when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR")}
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    if token:
        env["CRMDESK_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "crmdesk", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def crmdesk(*args: str, token: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``run_crmdesk`` that must succeed: a failure shows the command and its stderr."""
    result = run_crmdesk(*args, token=token, timeout=timeout)
    assert result.returncode == 0, f"crmdesk {' '.join(args)}: {result.returncode}\n{result.stderr}"
    return result
