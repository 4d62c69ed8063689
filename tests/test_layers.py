"""The layers import only downward (DESIGN §2). A wrong import fails here, not in review."""

from __future__ import annotations

import ast
import re
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
HEADLESS = ("sync_command", "copy_command", "workspace_copy", "workspaces", "paths", "secrets")
WINDOW = ("crmdesk.ui", "crmdesk.app")


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The nodes under ``if TYPE_CHECKING:``: read by the type checker, never run."""
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for statement in node.body:
                skipped.update(ast.walk(statement))
    return skipped


def _absolute(path: Path, node: ast.ImportFrom) -> str | None:
    """The module a ``from … import`` names, relative ones (``from ..app import X``) resolved."""
    if node.level == 0:
        return node.module
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join((*base, node.module) if node.module else base) or None


def _imports(path: Path, *, at_run_time: bool = False) -> list[str]:
    """The modules ``path`` imports, at its top or lazily in a function. ``from crmdesk import
    app`` counts as ``crmdesk.app`` (it loads that module). ``at_run_time`` leaves out what is
    imported for the type checker only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree) if at_run_time else set()
    names = []
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (module := _absolute(path, node)):
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names
                         if _module_file(f"{module}.{alias.name}") is not None)
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


#: What the window's code never reaches: the entry point that builds it (that would be an import
#: circle) and the sandbox server (the entry point hands the window ``AppContext.start_demo``).
UI_NEVER = ("crmdesk.app", "crmdesk.sandbox")
#: A module named in a string, as the window names the components it loads on demand
#: ("crmdesk.ui.dialogs.connect_dialog:ConnectDialog").
NAMED_BY_STRING = re.compile(r"crmdesk\.(app|sandbox)([.:][\w.:]*)?")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


def test_the_ui_never_imports_the_entry_point_or_the_sandbox() -> None:
    problems = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        where = path.relative_to(PACKAGE)
        # Type-checking imports count too: a type from app.py belongs in crmdesk.context.
        problems += [f"{where} imports {name}" for name in _imports(path) if _within(name, UI_NEVER)]
        problems += [f"{where} names {node.value}" for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)
                     and NAMED_BY_STRING.fullmatch(node.value)]
    assert not problems, "\n".join(problems)


def test_the_context_loads_no_crmdesk_module() -> None:
    """``crmdesk.context`` sits below everything that uses it: the types it names from ui, sync
    and store are for the type checker only, so no import circle can go through it."""
    path = PACKAGE / "context.py"
    assert [name for name in _imports(path, at_run_time=True) if name.startswith("crmdesk")] == []
    typed = {name.split(".")[1] for name in _imports(path) if name.startswith("crmdesk.")}
    assert {"ui", "sync", "store"} <= typed, "the context names real types, not Any"


def _top_level_units() -> set[str]:
    """crmdesk's top-level modules and packages (``app``, ``ui``, ``paths``, ...)."""
    modules = {path.stem for path in PACKAGE.glob("*.py") if not path.stem.startswith("__")}
    return modules | {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}


def _run_time_graph() -> dict[str, set[str]]:
    """Which top-level units each one loads when its code runs (lazy imports included)."""
    units = _top_level_units()
    graph: dict[str, set[str]] = {unit: set() for unit in units}
    for path in PACKAGE.rglob("*.py"):
        unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if unit not in units:  # crmdesk/__init__.py, __main__.py
            continue
        for name in _imports(path, at_run_time=True):
            parts = name.split(".")
            if parts[0] == "crmdesk" and len(parts) > 1 and parts[1] in units and parts[1] != unit:
                graph[unit].add(parts[1])
    return graph


def _a_circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle, as ``[a, b, a]``; [] when there is none."""
    cleared: set[str] = set()

    def visit(unit: str, trail: list[str]) -> list[str]:
        if unit in trail:
            return [*trail[trail.index(unit):], unit]
        if unit in cleared:
            return []
        for target in sorted(graph[unit]):
            if circle := visit(target, [*trail, unit]):
                return circle
        cleared.add(unit)
        return []

    for unit in sorted(graph):
        if circle := visit(unit, []):
            return circle
    return []


def test_no_import_circle_between_top_level_modules() -> None:
    circle = _a_circle(_run_time_graph())
    assert not circle, "import circle: " + " → ".join(f"crmdesk.{unit}" for unit in circle)
