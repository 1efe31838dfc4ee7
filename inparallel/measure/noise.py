"""How noisy the machine was during a run, read from the demo's own speed readings.

Every timed point of a demo interleaves a fixed reference loop with its values (``Speed``
in demos/timer.py); ``noise_spread`` is how far those readings swung during the point:
p90 / p10 - 1. The machine's speed can swing without any other process showing up in
/proc/stat (a virtual machine's host, turbo and thermal limits, a laptop's power
management): the readings see it because they time the same fixed work again and again.

The readings run on one thread between values; a swing that hits the work's own cores
while they are busy (a CPU quota, a host that slows one vCPU) can pass them by. The pairs see
it: two values timed back to back should give the same ratio every time, so the scatter of a
point's ``paired_ratios`` (interquartile range over median) is the second signal.

A run is ``quiet`` when the median spread of its points stays at or below ``NOISY_SPREAD``
and fewer than a quarter of its paired points scatter by more than ``NOISY_PAIR_SCATTER``
(the upper quartile of their scatters stays at or below it: a swing of the machine hits many
points, while one point that is bimodal by nature, a process pool's start, say, must not
condemn the run; with one or two paired points, as in the nogil demo, that is the widest
but little); ``noisy`` otherwise, and
``unknown`` where no point took enough readings or pairs (quick runs, demos that time waits
rather than work). ``disturbed`` (other processes' CPU time) is decided by ``interference``
and takes precedence in ``model.Record.noise_class``.
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
#: Above this interquartile range of a point's paired ratios (over their median) a run is
#: noisy. Quiet runs here scattered 3% to 10%; under a CPU quota switched on and off in
#: bursts every run had a point at 30% or more, which the readings rated quiet in 8 of 10.
NOISY_PAIR_SCATTER = 0.15
MIN_PAIRS = 4  # fewest pairs whose quartiles mean something


def spreads(rows: Iterable[dict]) -> list[float]:
    """The ``noise_spread`` of every row that has one."""
    return [row["noise_spread"] for row in rows
            if isinstance(row.get("noise_spread"), int | float)]


def pair_scatter(rows: Iterable[dict]) -> float | None:
    """How far the points' paired ratios scatter: each point's interquartile range over its
    median, and of those the upper quartile (inclusive method: the widest of one point, near
    the widest of two)."""
    found = []
    for row in rows:
        ratios = row.get("paired_ratios") or []
        if len(ratios) >= MIN_PAIRS:
            q1, middle, q3 = statistics.quantiles(ratios, n=4)
            found.append((q3 - q1) / middle)
    if not found:
        return None
    upper = found[0] if len(found) == 1 else statistics.quantiles(found, n=4,
                                                                   method="inclusive")[2]
    return round(upper, 4)


def summarize(rows: Iterable[dict]) -> dict:
    """The record's ``noise``: the median spread of its points' readings, the upper quartile
    of its points' pair scatters, and the class they give."""
    rows = list(rows)
    found, scatter = spreads(rows), pair_scatter(rows)
    spread = round(statistics.median(found), 4) if found else None
    if spread is None and scatter is None:
        kind = "unknown"
    elif (spread or 0.0) > NOISY_SPREAD or (scatter or 0.0) > NOISY_PAIR_SCATTER:
        kind = "noisy"
    else:
        kind = "quiet"
    return {"spread": spread, "class": kind, "threshold": NOISY_SPREAD, "points": len(found),
            "pair_scatter": scatter, "pair_threshold": NOISY_PAIR_SCATTER}
