"""The tree shows the architecture: layers import downwards only, and no module grows too long."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "readiness"

# Layers of the core, lowest first; a module may import its own layer and the ones before it.
LAYERS = (
    "foundation",
    "data",
    "index",
    "gaps",
    "figures",
    "uploads",
    "cities",
    "experiences",
    "store",
    "refresh",
    "reports",
    "commands",
)
FOUNDATION = {"errors", "paths", "i18n"}
TOP = {"__main__"}  # the entry point sits with the commands
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "foundation"  # `import readiness` itself
    head = parts[1]
    if head in FOUNDATION:
        return "foundation"
    if head in TOP:
        return "commands"
    assert head in LAYERS, f"{module}: readiness.{head} is in no layer; add it to LAYERS"
    return head


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module named by an import statement anywhere in the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "readiness":
                found += [(node.lineno, f"readiness.{alias.name}") for alias in node.names]
    return found


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


CORE_FILES = _python_files(CORE)


def test_every_core_module_is_in_a_layer():
    layers = {_layer(_module_name(p)) for p in CORE_FILES}
    assert layers == set(LAYERS)


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_point_down(path):
    module = _module_name(path)
    rank = LAYERS.index(_layer(module))
    reversed_arrows = [
        f"line {line}: {module} ({_layer(module)}) imports {name} ({_layer(name)})"
        for line, name in _imports(path)
        if name.split(".")[0] == "readiness" and LAYERS.index(_layer(name)) > rank
    ]
    assert not reversed_arrows


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_has_no_streamlit_and_no_dashboard(path):
    outside = [
        f"line {line}: {name}"
        for line, name in _imports(path)
        if name.split(".")[0] in {"streamlit", "dashboard", "app_pages"}
    ]
    assert not outside


def test_dashboard_never_imports_pages():
    wrong = [
        f"{p.relative_to(ROOT)} line {line}: {name}"
        for p in _python_files(ROOT / "dashboard")
        for line, name in _imports(p)
        if name.split(".")[0] == "app_pages"
    ]
    assert not wrong


def test_the_walk_sees_a_reversed_arrow(tmp_path):
    """The checks above would fail on a data module that imports the reports."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from readiness.reports.model import Report\n", encoding="utf-8")
    (name,) = [n for _, n in _imports(bad)]
    assert LAYERS.index(_layer(name)) > LAYERS.index(_layer("readiness.data.snapshot"))


@pytest.mark.parametrize(
    "path",
    [*CORE_FILES, *_python_files(ROOT / "dashboard"), *_python_files(ROOT / "app_pages")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_modules_and_functions_stay_short(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long


@pytest.mark.parametrize("path", [p for p in CORE_FILES if p.name == "__init__.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))  # fmt: skip
def test_every_subpackage_says_what_it_owns(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()) == 1
