"""The demos' own rules, read from demos/harness.py: the package never restates them.

The demos run on every interpreter variant with the standard library alone, so the rules that
both sides must agree on live in the demo harness: which worker counts a run takes (1, 2, 4
... all usable CPUs), how many CPUs are usable, and the limits on --workers and --repeats.
The package loads that one file (it needs nothing but the standard library) and uses the
same functions, so a task checking options and a demo running them cannot disagree.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from inparallel.paths import DEMOS


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("inparallel_demo_harness", DEMOS / "harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_HARNESS = _load()

#: 1, 2, 4 ... up to ``limit``, ``limit`` included: the worker counts of a default run.
worker_counts = _HARNESS.worker_counts
#: The CPUs this process may use (its affinity), which is what workers can get.
usable_cpus = _HARNESS.cores
#: More workers than this is a typo, not an experiment.
MAX_WORKERS: int = _HARNESS.MAX_WORKERS
#: The most values one point may ask for (--repeats).
MAX_REPEATS: int = _HARNESS.REPEATS_LIMIT
