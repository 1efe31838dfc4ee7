"""Loading a leaf module of demos/ into the package, so that a rule both sides need has one home.

The demos run on every interpreter variant with the standard library alone, so the rules they
share with the package live in demos/, in modules that import nothing from demos/
(``limits``, ``placement``, ``intervals``). The package loads those files by path under a
name of its own, rather than keeping a copy that could drift.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from inparallel.paths import DEMOS


def load(name: str) -> ModuleType:
    """demos/``name``.py, executed as the module ``inparallel_demo_<name>``."""
    spec = importlib.util.spec_from_file_location(f"inparallel_demo_{name}", DEMOS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
