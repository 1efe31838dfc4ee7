"""Every number derived from the aggregated measurements has its rule here, and only here.

Charts, findings, the notebook and the live demo's verdict read ``Point``s from
``inparallel.analysis.stats.aggregate`` and ask this module for speedups, single-thread costs,
start-up times and memory per worker, so that a page sentence and a chart cannot disagree.

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


def is_free_threaded(variant: str) -> bool:
    """True for a free-threaded build's catalog name (``3.14t``)."""
    return variant.endswith("t")


def version_key(label: str) -> tuple[int, ...]:
    """Orders 3.12 < 3.13 < 3.13t < 3.14 ... by number, a ``t`` build after its GIL build, and
    a series under an extra environment (``3.14t PYTHON_GIL=1``) after its plain run."""
    head = label.split()[0]
    numbers = [int(part) for part in head.rstrip("t").split(".") if part.isdigit()]
    return (*numbers, int(is_free_threaded(head)), len(label))


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
    gil = [v for v in plain if not is_free_threaded(v)]
    free = [v for v in plain if is_free_threaded(v)]

    def pick(found: list[str], preferred: str) -> str | None:
        if preferred in found:
            return preferred
        return max(found, key=version_key) if found else None

    return pick(gil, "3.14"), pick(free, "3.14t")


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


def strategy_curves(result: ResultLike, workload: str
                    ) -> dict[tuple[str, str], dict[int, Estimate]]:
    """Speedup curves of one workload per ``(variant label, strategy)``, sequential excluded.

    Each is measured against the sequential run on the same variant (its fewest-workers point),
    so a strategy is compared with plain Python on the same interpreter.
    """
    points = result.select(workload=workload)
    curves: dict[tuple[str, str], dict[int, Estimate]] = {}
    for label in dict.fromkeys(p.label for p in points):
        mine = [p for p in points if p.label == label]
        sequential = [p for p in mine if p.strategy == "sequential" and p.ok]
        baseline = min(sequential, key=lambda p: p.workers, default=None)
        for strategy in dict.fromkeys(p.strategy for p in mine):
            if strategy != "sequential":
                curves[(label, strategy)] = speedups(
                    [p for p in mine if p.strategy == strategy], baseline)
    return curves


# --- single-thread cost of free-threading --------------------------------------------------------


def single_thread_cost(result: ResultLike) -> dict[tuple[str, str], Estimate]:
    """Per ``(label, workload)`` of each free-threaded run: its one-thread time against the GIL
    build of its version (``gil_base``), as a fraction (+0.2 = 20 % slower)."""
    costs: dict[tuple[str, str], Estimate] = {}
    for point in result.points:
        if not is_free_threaded(point.variant) or point.workers != 1:
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


# --- start-up, memory, transfer, I/O -------------------------------------------------------------


def startup(result: ResultLike, variant: str, workload: str = "start") -> dict[str, Estimate]:
    """Seconds to start one more worker and run a trivial task, per strategy, on ``variant``.

    The demo's ``start`` workload is the cost of each further worker; ``first`` includes the
    one-off imports of the first one.
    """
    found = {}
    for point in result.select(variant=variant, workload=workload):
        if not point.env and (value := estimate(point)) is not None:
            found[point.strategy] = value
    return found


def memory_per_worker(result: ResultLike, variant: str, workload: str = "idle"
                      ) -> dict[str, Estimate]:
    """Bytes each further worker adds, per strategy: the slope between the fewest and the most
    workers measured (a one-off cost such as a fork server's own process drops out), or the
    total over the workers where only one count was measured."""
    found = {}
    for strategy in dict.fromkeys(p.strategy for p in result.select(variant=variant)):
        points = sorted((p for p in result.select(variant=variant, workload=workload,
                                                  strategy=strategy)
                         if not p.env and p.ok), key=lambda p: p.workers)
        if not points:
            continue
        first, last = estimate(points[0]), estimate(points[-1])
        if first is None or last is None:
            continue
        span = points[-1].workers - points[0].workers
        if span:
            found[strategy] = Estimate((last.value - first.value) / span,
                                       (last.low - first.high) / span,
                                       (last.high - first.low) / span)
        else:
            found[strategy] = last.scaled(1 / points[-1].workers)
    return found


def transfer_curve(result: ResultLike, variant: str, workload: str, strategy: str
                   ) -> dict[float, Estimate]:
    """Round-trip seconds per payload size (bytes) of one way of sending one kind of data."""
    curve = {}
    for point in result.select(variant=variant, workload=workload, strategy=strategy):
        size = point.params.get("size_bytes")
        if not point.env and isinstance(size, int | float) and (value := estimate(point)):
            curve[float(size)] = value
    return dict(sorted(curve.items()))


def growth(curve: Mapping[float, Estimate]) -> Estimate | None:
    """How many times the value at the largest size is the value at the smallest."""
    if len(curve) < 2:
        return None
    sizes = sorted(curve)
    return ratio(curve[sizes[-1]], curve[sizes[0]])


def io_efficiency(point: PointLike) -> Estimate | None:
    """The ideal time of an I/O point (its stored ``ideal_s``: only the waits, overlapped)
    over its measured time: 1 is perfect overlap, 1/workers is none."""
    ideal = point.params.get("ideal_s")
    time = estimate(point)
    if not isinstance(ideal, int | float) or time is None:
        return None
    return ratio(Estimate(float(ideal), float(ideal), float(ideal)), time)


def max_workers(points: Iterable[PointLike]) -> PointLike | None:
    """The usable point with the most workers."""
    usable = [p for p in points if p.ok]
    return max(usable, key=lambda p: p.workers) if usable else None


# --- contention: one shared object against per-thread work ---------------------------------------

#: A difference counts as shown when it is at least this many times the noise of its points.
SHOWN_FACTOR = 5.0


@dataclass(frozen=True)
class Contention:
    """The shared and the per-thread version of one contention workload at ``workers`` threads.

    ``noise`` is the widest half-width of the two points' 95% intervals (seconds); infinite
    when a point has no interval, so that an effect is never called shown without one.
    """

    workload: str
    workers: int
    shared: Estimate
    local: Estimate
    noise: float

    @property
    def ratio(self) -> float:
        """How many times as long the shared version took."""
        return self.shared.value / self.local.value

    @property
    def difference(self) -> float:
        """Shared minus per-thread time, in seconds (negative: sharing was faster)."""
        return self.shared.value - self.local.value

    @property
    def shown(self) -> bool:
        """True when the difference is at least ``SHOWN_FACTOR`` times the noise."""
        return abs(self.difference) >= SHOWN_FACTOR * self.noise


def half_width(point: PointLike) -> float:
    """The wider half of a point's interval around its median; infinite without an interval."""
    if point.median is None or point.low is None or point.high is None:
        return float("inf")
    return max(point.median - point.low, point.high - point.median, 0.0)


def contention(result: ResultLike, variant: str, shared: str = "threads-shared",
               local: str = "threads-local") -> dict[str, Contention]:
    """Per workload of the contention demo on ``variant`` (no extra environment): the shared
    and the per-thread version at the most threads both were measured with."""
    found: dict[str, Contention] = {}
    points = [p for p in result.select(variant=variant) if not p.env and p.ok]
    for workload in dict.fromkeys(p.workload for p in points):
        by = {(p.strategy, p.workers): p for p in points if p.workload == workload}
        common = [n for (s, n) in by if s == shared and (local, n) in by]
        if not common:
            continue
        n = max(common)
        top, mine = by[(shared, n)], by[(local, n)]
        top_e, mine_e = estimate(top), estimate(mine)
        if top_e is None or mine_e is None or mine_e.value <= 0:
            continue
        found[workload] = Contention(workload, n, top_e, mine_e,
                                     max(half_width(top), half_width(mine)))
    return found


# --- throughput with warm pools (demos/throughput.py) --------------------------------------------


def task_seconds(result: ResultLike, variant: str) -> dict[int, float]:
    """Seconds one task of each size takes on one core: the sequential stream's median time
    over its number of tasks, per task size (rounds of work) on ``variant``."""
    found = {}
    for point in result.select(variant=variant, workload="stream", strategy="sequential"):
        tasks, size = point.params.get("tasks"), point.params.get("size")
        if not point.env and point.ok and isinstance(tasks, int) and tasks > 0:
            found[int(size)] = float(point.median) / tasks
    return dict(sorted(found.items()))


def stream_speedups(result: ResultLike, variant: str) -> dict[str, dict[float, Estimate]]:
    """Steady-state throughput (tasks per second) of each strategy's warm pool against the
    sequential stream, per task duration (seconds on one core), on ``variant``."""
    durations = task_seconds(result, variant)
    base = {int(p.params["size"]): p for p in result.select(
        variant=variant, workload="stream", strategy="sequential") if not p.env and p.ok}
    curves: dict[str, dict[float, Estimate]] = {}
    for point in result.select(variant=variant, workload="stream"):
        size = point.params.get("size")
        if point.env or point.strategy == "sequential" or size not in base or not point.ok:
            continue
        value = paired_speedup(point, base[size])
        if value is None:
            mine, theirs = throughput(point), throughput(base[size])
            value = ratio(mine, theirs) if mine is not None and theirs is not None else None
        if value is not None:
            curves.setdefault(point.strategy, {})[durations[int(size)]] = value
    return {s: dict(sorted(c.items())) for s, c in curves.items()}


def stream_rates(result: ResultLike, variant: str) -> dict[str, dict[float, Estimate]]:
    """Tasks per second of every strategy (sequential included), per task duration."""
    durations = task_seconds(result, variant)
    curves: dict[str, dict[float, Estimate]] = {}
    for point in result.select(variant=variant, workload="stream"):
        size = point.params.get("size")
        if not point.env and point.ok and size in durations and (rate := throughput(point)):
            curves.setdefault(point.strategy, {})[durations[int(size)]] = rate
    return {s: dict(sorted(c.items())) for s, c in curves.items()}


@dataclass(frozen=True)
class BreakEven:
    """Where a strategy starts to beat sequential: ``seconds`` (the task duration at which
    its speedup crosses 1, interpolated on log scales between the two sizes around it), or
    ``kind`` 'always' (ahead at every size measured) or 'never' (behind at every size)."""

    kind: str  # "between", "always" or "never"
    seconds: float | None = None


def break_even(curve: Mapping[float, Estimate]) -> BreakEven | None:
    """The task duration below which ``curve`` (speedup per task duration) falls under 1.

    The crossing above which the strategy stays ahead: the largest size where it is behind,
    and the next size, bracket it.
    """
    if not curve:
        return None
    sizes = sorted(curve)
    behind = [s for s in sizes if curve[s].value < 1]
    if not behind:
        return BreakEven("always")
    last = behind[-1]
    if last == sizes[-1]:
        return BreakEven("never")
    after = sizes[sizes.index(last) + 1]
    low, high = math.log(curve[last].value), math.log(curve[after].value)
    share = -low / (high - low)  # where log(speedup) crosses 0 between the two sizes
    return BreakEven("between", math.exp(math.log(last) + share * math.log(after / last)))


# --- large shared state (demos/shared_state.py) --------------------------------------------------


def shared_state(result: ResultLike, variant: str) -> dict[str, dict[str, Estimate]]:
    """Per strategy on ``variant``: its ``first-answer`` and ``queries`` seconds and its
    ``pss`` and ``pss-growth`` bytes (a strategy that failed or gave a wrong answer is left out)."""
    found: dict[str, dict[str, Estimate]] = {}
    for point in result.select(variant=variant):
        if not point.env and getattr(point, "correct", None) is not False and (
                value := estimate(point)):
            found.setdefault(point.strategy, {})[point.workload] = value
    return found


# --- the single-thread cost on the standard suite (pyperformance) ------------------------------


def geometric_mean(ratios: Sequence[Estimate]) -> Estimate | None:
    """The geometric mean of positive ratios (value, low and high each), as pyperformance
    summarises a suite; None when there are none or one is not positive."""
    if not ratios or any(r.low <= 0 for r in ratios):
        return None

    def mean_of(values: Iterable[float]) -> float:
        return math.exp(statistics.fmean(math.log(v) for v in values))

    return Estimate(mean_of(r.value for r in ratios), mean_of(r.low for r in ratios),
                    mean_of(r.high for r in ratios))


def suite_table(result: ResultLike) -> dict[str, dict[str, Estimate]]:
    """Per benchmark, per free-threaded series (``3.14t``, ``3.14t PYTHON_GIL=1``): its time
    against the GIL build of its version, as a fraction (+0.05 = 5 % slower)."""
    table: dict[str, dict[str, Estimate]] = {}
    for (label, benchmark), cost in single_thread_cost(result).items():
        table.setdefault(benchmark, {})[label] = cost
    return table


def suite_cost(result: ResultLike, label: str) -> Estimate | None:
    """The suite's single-thread cost of one free-threaded series: the geometric mean of its
    per-benchmark time ratios to the GIL build, minus one (+0.05 = 5 % slower)."""
    ratios = [Estimate(c.value + 1, c.low + 1, c.high + 1)
              for costs in suite_table(result).values() for lab, c in costs.items()
              if lab == label]
    mean = geometric_mean(ratios)
    return None if mean is None else Estimate(mean.value - 1, mean.low - 1, mean.high - 1)


# --- service: an HTTP service per server model, driven by wrk ---------------------------------

#: A model's Python work has filled one core once it keeps this share of a core busy: from there
#: on a model that runs Python on one core at a time (asyncio, GIL threads) cannot serve more.
SATURATED = 0.8
#: The server models that run Python on one core at a time, on a GIL build.
ONE_CORE_MODELS = ("asyncio", "threads")
#: And those that can use several: what the service findings compare with the two above.
MULTI_CORE_MODELS = ("processes-prefork", "subinterpreters")


def service_points(result: ResultLike, variant: str, strategy: str, workload: str
                   ) -> list[PointLike]:
    """The usable points of one server model and metric on ``variant`` (no extra environment)."""
    return [p for p in result.select(variant=variant, strategy=strategy, workload=workload)
            if not p.env and p.ok]


def service_connections(result: ResultLike, variant: str) -> int | None:
    """The most connections measured on ``variant``: the load the throughput claims use."""
    points = [p for p in result.select(variant=variant, workload="throughput") if not p.env]
    return max((p.workers for p in points), default=None)


def service_curve(result: ResultLike, variant: str, strategy: str,
                  connections: int | None = None, workload: str = "throughput"
                  ) -> dict[float, Estimate]:
    """CPU per request (ms) -> the metric at ``connections`` (default: the most measured)."""
    connections = connections or service_connections(result, variant)
    curve = {float(p.params["cpu_ms"]): estimate(p)
             for p in service_points(result, variant, strategy, workload)
             if p.workers == connections}
    return {ms: curve[ms] for ms in sorted(curve) if curve[ms] is not None}


def service_by_connections(result: ResultLike, variant: str, strategy: str, cpu_ms: float,
                           workload: str = "latency-p99") -> dict[int, Estimate]:
    """Connections -> the metric (p99 latency by default) at ``cpu_ms`` of work per request."""
    curve = {p.workers: estimate(p) for p in service_points(result, variant, strategy, workload)
             if float(p.params["cpu_ms"]) == cpu_ms}
    return {n: curve[n] for n in sorted(curve) if curve[n] is not None}


def work_cores(rate: Estimate, cpu_ms: float) -> Estimate:
    """Cores kept busy by the requests' Python work: requests per second x CPU per request."""
    return rate.scaled(cpu_ms / 1000)


def saturation(curve: Mapping[float, Estimate]) -> tuple[float, Estimate] | None:
    """The least CPU per request at which the Python work kept SATURATED of a core busy, with
    the cores it kept busy there; None if it never did."""
    for cpu_ms, rate in sorted(curve.items()):
        cores = work_cores(rate, cpu_ms)
        if cpu_ms > 0 and cores.value >= SATURATED:
            return cpu_ms, cores
    return None


def service_series(result: ResultLike) -> list[tuple[str, str]]:
    """(variant, strategy) the service charts draw: every model on the focus GIL build, and
    threads on the focus free-threaded build (the one model the build changes)."""
    gil, free = focus_pair(result)
    series = [(gil, s) for s in dict.fromkeys(p.strategy for p in result.select(variant=gil))
              if gil is not None]
    if free is not None and result.select(variant=free, strategy="threads"):
        series.append((free, "threads"))
    return series


def loadgen_peak(result: ResultLike) -> PointLike | None:
    """The point at which wrk itself kept the most CPU busy (``loadgen-cpu`` rows, in cores)."""
    points = [p for p in result.select(workload="loadgen-cpu") if not p.env and p.ok]
    return max(points, key=lambda p: p.median) if points else None


# --- packages (the packages demo) ----------------------------------------------------------------


def package_verdicts(result: ResultLike, variant: str, workload: str) -> dict[str, bool]:
    """Package -> the yes/no of one of its checks on ``variant`` (a ``bool`` row, 1 is yes),
    run without an extra environment; packages whose check did not run are left out."""
    return {p.params["package"]: bool(p.median)
            for p in result.select(variant=variant, workload=workload)
            if p.ok and not p.env and "package" in p.params}


def package_speedups(result: ResultLike, variant: str) -> dict[str, tuple[int, Estimate]]:
    """Package -> (threads, throughput speedup of its representative call over one thread) at
    the most threads measured on ``variant``; only calls that gave the correct answers."""
    by_package: dict[str, list[Any]] = {}
    for point in result.select(variant=variant, workload="call", strategy="threads"):
        if not point.env and point.correct is not False:
            by_package.setdefault(point.params.get("package", ""), []).append(point)
    found = {}
    for package, points in by_package.items():
        top = at_most_workers(speedups(points))
        if top is not None and top[0] > 1:
            found[package] = top
    return found
