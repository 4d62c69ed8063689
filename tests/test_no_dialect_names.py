"""No dialog or sync step tests a dialect's name: every difference between CRM APIs is a field of
``Capabilities`` (DESIGN §4). The UI and sync source may name a dialect in a docstring or a
comment (to say where a behaviour was seen), never in code, and import no dialect's package
(``crmdesk.remote.aria``, ``crmdesk.remote.atomic``): they reach a server through ``Backend``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests import test_layers
from tests.test_layers import _imports

ROOT = Path(__file__).resolve().parents[1] / "crmdesk"
CHECKED = ("ui", "sync")
DIALECT = re.compile(r"\b(aria|atomic|attio|atlas)\b", re.IGNORECASE)
DIALECT_PACKAGES = ("crmdesk.remote.aria", "crmdesk.remote.atomic")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (of the module, a class or a function)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                found.add(id(body[0].value))
    return found


def dialect_names_in_code(source: str, name: str = "<source>") -> list[str]:
    """Each string in code (f-string parts too) that names a dialect, as ``file:line: text``."""
    tree = ast.parse(source, name)
    docstrings = _docstrings(tree)
    return [
        f"{name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and DIALECT.search(node.value)
    ]


def dialect_imports(package: Path) -> list[str]:
    """Each import of a dialect's package (or a module in it) in ``package``'s UI and sync, as
    ``file imports module`` (top-level or lazy, relative ones resolved: ``test_layers._imports``)."""
    return [
        f"{path.relative_to(package.parent)} imports {name}"
        for layer in CHECKED
        for path in sorted((package / layer).rglob("*.py"))
        for name in _imports(path)
        if any(name == dialect or name.startswith(f"{dialect}.") for dialect in DIALECT_PACKAGES)
    ]


def test_the_ui_and_sync_name_no_dialect_in_code() -> None:
    found = [
        hit
        for package in CHECKED
        for path in sorted((ROOT / package).rglob("*.py"))
        for hit in dialect_names_in_code(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent)))
    ]
    assert found == [], "ask Capabilities instead:\n" + "\n".join(found)


def test_the_ui_and_sync_import_no_dialect_package() -> None:
    found = dialect_imports(ROOT)
    assert found == [], "go through Backend and Capabilities instead:\n" + "\n".join(found)


def test_the_check_finds_a_dialect_package_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scratch package laid out as crmdesk: ``_imports`` resolves names against it."""
    package = tmp_path / "crmdesk"
    for module in ("remote/__init__.py", "remote/dialects.py", "remote/aria/__init__.py",
                   "remote/aria/adapter.py", "remote/atomic/__init__.py"):
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text("", encoding="utf-8")
    (package / "ui").mkdir()
    (package / "ui" / "window.py").write_text(
        "from crmdesk.remote.aria.adapter import connect_aria\n"
        "from crmdesk.remote.dialects import open_backend\n"  # every dialect, by name: allowed
        "def later():\n    from crmdesk.remote import atomic\n", encoding="utf-8")
    (package / "sync").mkdir()
    (package / "sync" / "engine.py").write_text("from ..remote.aria import adapter\nimport crmdesk.remote.atomic\n",
                                                encoding="utf-8")
    monkeypatch.setattr(test_layers, "PACKAGE", package)
    assert dialect_imports(package) == [
        "crmdesk/ui/window.py imports crmdesk.remote.aria.adapter",
        "crmdesk/ui/window.py imports crmdesk.remote.atomic",
        "crmdesk/sync/engine.py imports crmdesk.remote.aria",
        "crmdesk/sync/engine.py imports crmdesk.remote.aria.adapter",
        "crmdesk/sync/engine.py imports crmdesk.remote.atomic",
    ]


@pytest.mark.parametrize("code", [
    'if caps.dialect == "aria":\n    pass\n',
    'TITLES = {"atomic": "Atomic CRM"}\n',
    'def f(d):\n    """Fine."""\n    return d in ("attio", "atlas")\n',
    'message = f"This does not look like an Aria server: {x}"\n',
])
def test_the_check_finds_a_dialect_named_in_code(code: str) -> None:
    assert dialect_names_in_code(code)


def test_the_check_leaves_docstrings_and_comments_alone() -> None:
    code = ('"""Aria answers 500 here."""\n\n# Atomic has no update time.\n'
            'def f():\n    """Attio pages by 500; Atlas by 20."""\n    return 1  # atlas\n')
    assert dialect_names_in_code(code) == []
