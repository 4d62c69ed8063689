"""The layers import only downward (DESIGN §2). A wrong import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crmdesk"

#: What each package may import from crmdesk, and whether it may use Qt widgets/GUI.
ALLOWED = {
    "model": set(),
    "store": {"model"},
    "remote": {"model"},
    "sync": {"model", "store", "remote"},
    "sandbox": {"model"},
    # The scriptable face runs without Qt: it shares the store and the window's workspace choice.
    "commands": {"model", "store", "paths", "workspaces"},
}
GUI_MODULES = ("PySide6.QtWidgets", "PySide6.QtGui")
#: Entry modules that run without the window (``crmdesk sync``, and what it shares with the
#: window): they may use every layer but the UI, here or in anything they import.
HEADLESS = ("sync_command", "workspaces", "paths", "secrets")
WINDOW = ("crmdesk.ui", "crmdesk.app")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_downward(layer: str) -> None:
    problems = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            if name.startswith(GUI_MODULES):
                problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if name.startswith("crmdesk."):
                target = name.split(".")[1]
                if target != layer and target not in ALLOWED[layer]:
                    problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if layer == "sync" and name.startswith("PySide6") and path.name != "worker.py":
                problems.append(f"{path.relative_to(PACKAGE)} uses Qt outside the worker")
            if layer in ("model", "store", "remote", "sandbox", "commands") and name.startswith("PySide6"):
                problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not problems, "\n".join(problems)


#: Pure-Python checkers the codecs hand email and phone syntax to (no I/O: email-validator is
#: always called with ``check_deliverability=False``).
MODEL_LIBRARIES = frozenset({"email_validator", "phonenumbers"})


def test_model_uses_only_the_standard_library() -> None:
    import sys

    for path in sorted((PACKAGE / "model").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top == "crmdesk" or top in sys.stdlib_module_names or top in MODEL_LIBRARIES
            assert allowed or top == "__future__", f"{path.relative_to(PACKAGE)} imports {name}"


def _module_file(name: str) -> Path | None:
    """The file of a crmdesk module (``crmdesk.sync.engine``), or None for a name in a module."""
    base = PACKAGE.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_closure(start: str) -> dict[str, Path]:
    """Every crmdesk module ``start`` imports (by name, with its file), directly or through
    others, lazily or not."""
    seen: dict[str, Path] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        for imported in _imports(path):
            if imported.startswith("crmdesk."):
                parts = imported.split(".")
                # ``from crmdesk.sync.engine import X`` loads crmdesk.sync first, then its engine.
                todo.extend(".".join(parts[:i]) for i in range(2, len(parts) + 1))
    return seen


@pytest.mark.parametrize("entry", HEADLESS)
def test_headless_entry_modules_never_load_the_window(entry: str) -> None:
    loaded = _imported_closure(f"crmdesk.{entry}")
    problems = [name for name in sorted(loaded) if name.startswith(WINDOW)]
    problems += [f"{name} imports {imported}" for name, path in sorted(loaded.items())
                 for imported in _imports(path) if imported.startswith(GUI_MODULES)]
    assert not problems, f"crmdesk.{entry} loads the window: {problems}"
