"""What the window loads before its first paint leaves out the libraries only later work needs:
email-validator (checking an unusual address: a pull or an edit), rapidfuzz (a palette search
that finds too few hits) and the remote layer's ``Backend`` (a sync). Each costs 15–40 ms of a
start that has ~2× a bare window's time to paint its first table.

Checked in a fresh interpreter: this test process has imported them all already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What the window's start imports up to painting a record table: the entry point, the log
#: file's handlers, the store with its search index, and the object view.
FIRST_VIEW = ("crmdesk.cli", "crmdesk.logs", "crmdesk.app", "crmdesk.store", "crmdesk.store.search",
              "crmdesk.model.codecs", "crmdesk.ui.views.object_view")
LATER = ("email_validator", "rapidfuzz", "crmdesk.remote.backend")


def _python(code: str) -> str:
    """What ``python -c code`` prints, in a fresh interpreter running this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _loaded_after_importing(modules: tuple[str, ...], watched: tuple[str, ...]) -> list[str]:
    code = (f"import importlib, json, sys\nfor name in {list(modules)!r}: importlib.import_module(name)\n"
            f"print(json.dumps([name for name in {list(watched)!r} if name in sys.modules]))")
    return list(json.loads(_python(code)))


def test_the_first_view_loads_no_library_for_later_work() -> None:
    assert _loaded_after_importing(FIRST_VIEW, LATER) == []


def test_the_remote_layer_still_offers_its_names() -> None:
    """``crmdesk.remote`` loads ``backend`` and ``errors`` when one of their names is asked for."""
    assert _loaded_after_importing(("crmdesk.remote.redact",), LATER) == []
    code = "from crmdesk.remote import Backend, RemoteError; print(Backend.__module__, RemoteError.__module__)"
    assert _python(code).split() == ["crmdesk.remote.backend", "crmdesk.remote.errors"]
