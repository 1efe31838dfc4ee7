"""The rules every demo's numbers share: estimates, speedups, variants; each demo's own metrics
live with its findings in ``inparallel.analysis.demos.<demo>``.

Charts, findings, the notebook and the live demo's verdict read ``Point``s from
``inparallel.analysis.stats.aggregate`` and ask this module (or their demo's module) for
speedups, single-thread costs, start-up times and memory per worker, so that a page sentence and
a chart cannot disagree.

Each derived number is an ``Estimate``: the value from the medians plus a low/high range carried
through from the points' own ranges (conservatively: the ratio of a low over a high and of a
high over a low), so that a chart can draw it and a finding can say how sure it is.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from inparallel.build import catalog


class PointLike(Protocol):
    """What this module reads of ``stats.Point`` (so tests may pass any such object)."""

    variant: str
    env: Mapping[str, str]
    label: str
    workload: str
    strategy: str
    workers: int
    params: Mapping[str, Any]
    unit: str
    median: float | None
    low: float | None
    high: float | None
    ok: bool


class ResultLike(Protocol):
    """What this module reads of ``stats.MachineResult``."""

    points: Sequence[Any]

    def select(self, **match: object) -> list[Any]: ...


@dataclass(frozen=True)
class Estimate:
    """A derived value with the range it could take given its inputs' ranges."""

    value: float
    low: float
    high: float
    # The points it rests on that miss the precision rule (stats.PRECISION), named for
    # `invoke docs`: a finding stating an imprecise estimate has "not enough evidence".
    shortfall: tuple[str, ...] = ()

    @property
    def precise(self) -> bool:
        """Whether every point it rests on meets the precision rule."""
        return not self.shortfall

    def scaled(self, factor: float) -> Estimate:
        """The same estimate in another unit (``factor`` > 0)."""
        return Estimate(self.value * factor, self.low * factor, self.high * factor,
                        self.shortfall)


def _shortfall(point: PointLike) -> tuple[str, ...]:
    """The point, named as `invoke docs` names it (``3.14t threads x2 (numeric)``), if it
    misses the precision rule; nothing if it meets it."""
    if getattr(point, "precise", True):
        return ()
    return (f"{point.label} {point.strategy} x{point.workers} ({point.workload})",)


def estimate(point: PointLike) -> Estimate | None:
    """A point's median with its low/high (the median itself where no range is known)."""
    if not point.ok or point.median is None:
        return None
    low = point.low if point.low is not None else point.median
    high = point.high if point.high is not None else point.median
    return Estimate(point.median, min(low, point.median), max(high, point.median),
                    _shortfall(point))


def ratio(top: Estimate, bottom: Estimate) -> Estimate | None:
    """``top / bottom`` with the widest range the two ranges allow; None on a zero bottom."""
    if bottom.value <= 0 or bottom.low <= 0:
        return None
    return Estimate(top.value / bottom.value, top.low / bottom.high, top.high / bottom.low,
                    tuple(dict.fromkeys(top.shortfall + bottom.shortfall)))


# --- variants ------------------------------------------------------------------------------------


def version_key(label: str) -> tuple[int, ...]:
    """Orders 3.12 < 3.13 < 3.13t < 3.14 ... by number, a ``t`` build after its GIL build, and
    a series under an extra environment (``3.14t PYTHON_GIL=1``) after its plain run."""
    head = label.split()[0]
    numbers = [int(part) for part in head.rstrip("t").split(".") if part.isdigit()]
    return (*numbers, int(catalog.is_free_threaded(head)), len(label))


def gil_base(variant: str) -> str:
    """The ONE base-variant rule: a ``t`` build is compared with the GIL build of its version.

    ``3.14t`` (under any environment, ``PYTHON_GIL=1`` included) -> ``3.14``, run with no extra
    environment. A GIL build is its own base.
    """
    return variant.removesuffix("t")


def focus_pair(result: ResultLike) -> tuple[str | None, str | None]:
    """The GIL build and the free-threaded build most claims compare: 3.14 and 3.14t (the
    talk's subject) when measured, else the newest of each kind. None where a kind is missing."""
    plain = {p.variant for p in result.points if not p.env}
    gil = [v for v in plain if not catalog.is_free_threaded(v)]
    free = [v for v in plain if catalog.is_free_threaded(v)]

    def pick(found: list[str], preferred: str) -> str | None:
        if preferred in found:
            return preferred
        return max(found, key=version_key) if found else None

    return pick(gil, "3.14"), pick(free, "3.14t")


def free_threaded_builds(result: ResultLike, **match: object) -> list[str]:
    """The free-threaded builds with rows (no extra environment) matching ``match``
    (``workload="enter"``; nothing: every row), oldest first."""
    found = {p.variant for p in result.select(**match) if not p.env}
    return sorted((v for v in found if catalog.is_free_threaded(v)), key=version_key)


# --- work and throughput -------------------------------------------------------------------------

# Params that give a row's total work (split among the workers) ...
_TOTAL_KEYS = ("total_work", "units", "ops", "requests", "tasks", "items")
# ... and params that give each worker's share (doubling the workers doubles the work).
_PER_WORKER_KEYS = ("work_per_thread", "work_per_worker")


def work_units(point: PointLike) -> float:
    """How much work a point did, in units that compare across worker counts of one demo.

    Demos say which kind of scaling they measure through their params: a fixed total (the
    contention and I/O demos) or a fixed amount per worker (the nogil demo). Without either,
    every worker does the same fixed work.
    """
    for key in _TOTAL_KEYS:
        if isinstance(point.params.get(key), int | float):
            return float(point.params[key])
    for key in _PER_WORKER_KEYS:
        if isinstance(point.params.get(key), int | float):
            return float(point.params[key]) * point.workers
    return float(point.workers)


def throughput(point: PointLike) -> Estimate | None:
    """Work per second: ``work_units / time`` (its low comes from the time's high)."""
    time = estimate(point)
    if time is None or time.low <= 0:
        return None
    return ratio(Estimate(work_units(point), work_units(point), work_units(point)), time)


def paired_speedup(point: PointLike, base: PointLike) -> Estimate | None:
    """The speedup from the pairs a point was timed in against ``base``: the median ratio of
    their back-to-back times, times the work ratio. None unless ``point`` was paired with
    ``base`` (same run series; ``paired.against`` names its workers or strategy): the caller
    passes the point's real partner, the row timed in the same rounds."""
    pair = getattr(point, "paired", None)
    if pair is None or point.label != base.label or point.workload != base.workload:
        return None
    if not all(getattr(base, key, None) == value for key, value in pair.against.items()):
        return None
    if "workers" in pair.against and point.strategy != base.strategy:
        return None
    work = work_units(point) / work_units(base)
    return Estimate(pair.value * work, pair.low * work, pair.high * work, _shortfall(point))


def impossible(speedup: Estimate, workers: int) -> str | None:
    """Why a throughput speedup cannot be a result, or None: more than ``workers`` workers
    can do even at the low end of its interval (their work never overlaps more than that).
    It is a measurement error, a machine that changed speed between the two timings."""
    if speedup.low > workers:
        return (f"{speedup.value:.2f}x on {workers} worker{'s' if workers != 1 else ''} is more "
                f"than {workers} can do (its interval starts at {speedup.low:.2f}x): a "
                "measurement error")
    return None


def speedup_curve(points: Iterable[PointLike], baseline: PointLike | None = None
                  ) -> tuple[dict[int, Estimate], dict[int, str]]:
    """``speedups`` and the points left out of it as impossible (``impossible``), by worker
    count, with the reason: a live demo says what happened instead of printing them."""
    usable = {p.workers: p for p in points if p.ok}
    base = baseline if baseline is not None and baseline.ok else usable.get(1)
    base_rate = throughput(base) if base is not None else None
    if base is None or base_rate is None:
        return {}, {}
    curve, problems = {}, {}
    for n, point in sorted(usable.items()):
        value = paired_speedup(point, base) if point is not base else None
        if value is None:
            rate = throughput(point)
            value = ratio(rate, base_rate) if rate is not None else None
        if value is None:
            continue
        if (problem := impossible(value, n)) is not None:
            problems[n] = problem
        else:
            curve[n] = value
    return curve, problems


def speedups(points: Iterable[PointLike], baseline: PointLike | None = None) -> dict[int, Estimate]:
    """Throughput speedup per worker count, against ``baseline`` or the 1-worker point.

    Throughput is work per second (see ``work_units``), so the ideal speedup is the number of
    workers whichever way a demo splits its work. A point timed pair by pair against the
    baseline (``paired_speedup``) takes its speedup from its pairs; others from the ratio of
    the two throughputs. An impossible speedup (``impossible``) is never part of the curve.
    """
    return speedup_curve(points, baseline)[0]


def at_most_workers(curve: Mapping[int, Estimate]) -> tuple[int, Estimate] | None:
    """The curve's point at its largest worker count."""
    if not curve:
        return None
    n = max(curve)
    return n, curve[n]


def thread_speedups(result: ResultLike, variant: str, workload: str | None = None
                    ) -> dict[int, Estimate]:
    """Threads against one thread on ``variant`` (no extra environment): the headline curve."""
    match: dict[str, object] = {"variant": variant, "strategy": "threads"}
    if workload is not None:
        match["workload"] = workload
    return speedups(p for p in result.select(**match) if not p.env)


#: Below this, a speedup is "no speed-up" (noise and switching included).
FLAT = 1.25


def scaled_floor(workers: int) -> float:
    """Half the ideal extra throughput, the least speedup that counts as scaling: 1.5 on 2
    workers, 2.5 on 4."""
    return 1 + 0.5 * (workers - 1)


# --- single-thread cost of free-threading --------------------------------------------------------


def single_thread_cost(result: ResultLike) -> dict[tuple[str, str], Estimate]:
    """Per ``(label, workload)`` of each free-threaded run: its one-thread time against the GIL
    build of its version (``gil_base``), as a fraction (+0.2 = 20 % slower)."""
    costs: dict[tuple[str, str], Estimate] = {}
    for point in result.points:
        if not catalog.is_free_threaded(point.variant) or point.workers != 1:
            continue
        base = [p for p in result.select(variant=gil_base(point.variant), workload=point.workload,
                                         strategy=point.strategy, workers=1) if not p.env]
        mine, theirs = estimate(point), estimate(base[0]) if base else None
        if mine is None or theirs is None:
            continue
        change = ratio(mine, theirs)
        if change is not None:
            costs[(point.label, point.workload)] = Estimate(
                change.value - 1, change.low - 1, change.high - 1)
    return costs


# --- summarising ratios (the overhead demo, the pyperformance suite) -----------------------------


def geometric_mean(ratios: Sequence[Estimate]) -> Estimate | None:
    """The geometric mean of positive ratios (value, low and high each), as pyperformance
    summarises a suite; None when there are none or one is not positive."""
    if not ratios or any(r.low <= 0 for r in ratios):
        return None

    def mean_of(values: Iterable[float]) -> float:
        return math.exp(statistics.fmean(math.log(v) for v in values))

    return Estimate(mean_of(r.value for r in ratios), mean_of(r.low for r in ratios),
                    mean_of(r.high for r in ratios))

