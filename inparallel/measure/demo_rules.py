"""The demos' own rules, read from demos/placement.py and demos/limits.py: the package never
restates them.

The demos run on every interpreter variant with the standard library alone, so the rules that
both sides must agree on live in demos/: which worker counts a run takes (1, 2, 4 ... all
usable CPUs) and how many CPUs are usable (``placement``), and the bounds of --workers,
--repeats and --time-cap (``limits``). The package loads those two files (they need nothing
but the standard library and import nothing from demos/) and uses the same functions and
numbers, so a task checking options and a demo running them cannot disagree.
"""

from __future__ import annotations

from inparallel.demo_code import load

_PLACEMENT = load("placement")
_LIMITS = load("limits")

#: 1, 2, 4 ... up to ``limit``, ``limit`` included: the worker counts of a default run.
worker_counts = _PLACEMENT.worker_counts
#: The CPUs this process may use (its affinity), which is what workers can get.
usable_cpus = _PLACEMENT.cores
#: More workers than this is a typo, not an experiment.
MAX_WORKERS: int = _LIMITS.MAX_WORKERS
#: The most values one point may ask for (--repeats).
MAX_REPEATS: int = _LIMITS.REPEATS_LIMIT
#: The shortest and the longest --time-cap, in seconds per point.
MIN_TIME_CAP_S: float = _LIMITS.MIN_TIME_CAP_S
MAX_TIME_CAP_S: float = _LIMITS.MAX_TIME_CAP_S
