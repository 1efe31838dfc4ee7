"""The package's arrows point one way: build -> measure -> records -> analysis -> publish.

Measuring, storing and building never reach up into analysis or publishing (the task that
runs a demo chooses its live view and chart); records know nothing of analysis.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "inparallel"
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
