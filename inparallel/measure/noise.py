"""How noisy the machine was during a run, read from the demo's own speed readings.

Every timed point of a demo interleaves a fixed reference loop with its values (the
harness's ``Speed``); ``noise_spread`` is how far those readings swung during the point:
p90 / p10 - 1. The machine's speed can swing without any other process showing up in
/proc/stat (a virtual machine's host, turbo and thermal limits, a laptop's power
management): the readings see it because they time the same fixed work again and again.

A run is ``quiet`` when the median spread of its points stays at or below ``NOISY_SPREAD``,
``noisy`` above it, and ``unknown`` where no point took enough readings (quick runs, demos
that time waits rather than work). ``disturbed`` (other processes' CPU time) is decided by
``interference`` and takes precedence in ``model.Record.noise_class``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

#: Above this median p90/p10 swing of the reference readings a run is noisy. An idle 2-core
#: VM read 5% to 8% per point (a 1 ms reading has jitter of its own, median 6% per run); a
#: CPU quota switched on and off in bursts (tests/noise_injector.py) read 15% to 21%; the
#: noisy VMs that printed impossible speedups swung 40% to 50% (p90/p10 of a 16 ms loop).
#: 12% is twice a quiet run's median.
NOISY_SPREAD = 0.12


def spreads(rows: Iterable[dict]) -> list[float]:
    """The ``noise_spread`` of every row that has one."""
    return [row["noise_spread"] for row in rows
            if isinstance(row.get("noise_spread"), int | float)]


def summarize(rows: Iterable[dict]) -> dict:
    """The record's ``noise``: the median spread of its points and the class it gives."""
    found = spreads(rows)
    if not found:
        return {"spread": None, "class": "unknown", "threshold": NOISY_SPREAD, "points": 0}
    spread = statistics.median(found)
    return {"spread": round(spread, 4), "class": "quiet" if spread <= NOISY_SPREAD else "noisy",
            "threshold": NOISY_SPREAD, "points": len(found)}
