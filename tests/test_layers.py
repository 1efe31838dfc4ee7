"""The package's arrows point one way: build -> measure -> records -> analysis -> publish.

Measuring, storing and building never reach up into analysis or publishing (the task that
runs a demo chooses its live view and chart); records know nothing of analysis. And no module
grows into a catalog of every demo: each stays within ``MOST_LINES``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "inparallel"
MOST_LINES = 500  # issue 23: a module longer than this holds more than one job
# Each lower layer, and the layers it must not import.
FORBIDDEN = {"build": ("analysis", "publish"), "measure": ("analysis", "publish"),
             "records": ("analysis", "publish", "measure")}


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (lazy imports inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def backward(layer: str) -> list[str]:
    """``file: module`` for each import of ``layer`` that points up."""
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in sorted(imported(path)):
            if any(name == f"inparallel.{up}" or name.startswith(f"inparallel.{up}.")
                   for up in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(REPO)}: {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_lower_layer_imports_nothing_above_it(layer):
    assert backward(layer) == []


def test_the_check_sees_a_lazy_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from inparallel.publish import charts\n")
    assert "inparallel.publish.charts" in imported(module)


def test_no_module_of_the_package_the_demos_or_the_tasks_is_above_500_lines():
    modules = [*PACKAGE.rglob("*.py"), *(REPO / "demos").glob("*.py"), REPO / "tasks.py"]
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for p in modules}
    assert len(sizes) > 100
    assert {name: n for name, n in sizes.items() if n > MOST_LINES} == {}

