"""The throughput demo: warm pools of each strategy against a sequential stream of tasks, by
task duration."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict
from inparallel.build import catalog


def task_seconds(result: m.ResultLike, variant: str) -> dict[int, float]:
    """Seconds one task of each size takes on one core: the sequential stream's median time
    over its number of tasks, per task size (rounds of work) on ``variant``."""
    found = {}
    for point in result.select(variant=variant, workload="stream", strategy="sequential"):
        tasks, size = point.params.get("tasks"), point.params.get("size")
        if not point.env and point.ok and isinstance(tasks, int) and tasks > 0:
            found[int(size)] = float(point.median) / tasks
    return dict(sorted(found.items()))


def stream_speedups(result: m.ResultLike, variant: str) -> dict[str, dict[float, m.Estimate]]:
    """Steady-state throughput (tasks per second) of each strategy's warm pool against the
    sequential stream, per task duration (seconds on one core), on ``variant``."""
    durations = task_seconds(result, variant)
    base = {int(p.params["size"]): p for p in result.select(
        variant=variant, workload="stream", strategy="sequential") if not p.env and p.ok}
    curves: dict[str, dict[float, m.Estimate]] = {}
    for point in result.select(variant=variant, workload="stream"):
        size = point.params.get("size")
        if point.env or point.strategy == "sequential" or size not in base or not point.ok:
            continue
        value = m.paired_speedup(point, base[size])
        if value is None:
            mine, theirs = m.throughput(point), m.throughput(base[size])
            value = m.ratio(mine, theirs) if mine is not None and theirs is not None else None
        if value is not None:
            curves.setdefault(point.strategy, {})[durations[int(size)]] = value
    return {s: dict(sorted(c.items())) for s, c in curves.items()}


def stream_rates(result: m.ResultLike, variant: str) -> dict[str, dict[float, m.Estimate]]:
    """Tasks per second of every strategy (sequential included), per task duration."""
    durations = task_seconds(result, variant)
    curves: dict[str, dict[float, m.Estimate]] = {}
    for point in result.select(variant=variant, workload="stream"):
        size = point.params.get("size")
        if not point.env and point.ok and size in durations and (rate := m.throughput(point)):
            curves.setdefault(point.strategy, {})[durations[int(size)]] = rate
    return {s: dict(sorted(c.items())) for s, c in curves.items()}


@dataclass(frozen=True)
class BreakEven:
    """Where a strategy starts to beat sequential: ``seconds`` (the task duration at which
    its speedup crosses 1, interpolated on log scales between the two sizes around it), or
    ``kind`` 'always' (ahead at every size measured) or 'never' (behind at every size)."""

    kind: str  # "between", "always" or "never"
    seconds: float | None = None


def break_even(curve: Mapping[float, m.Estimate]) -> BreakEven | None:
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


#: The strategies of the throughput demo that have workers, in the order sentences list them.
POOLS = ("threads", "subinterpreters-pool", "subinterpreters-queue", "processes-fork",
         "processes-forkserver", "processes-spawn")


def _break_even_text(point: BreakEven | None) -> str | None:
    if point is None:
        return None
    if point.kind == "always":
        return "ahead at every size"
    if point.kind == "never":
        return "behind at every size"
    return f"about {units.seconds(point.seconds or 0)}"


Curves = dict[str, dict[float, m.Estimate]]


def _focus_streams(result: m.ResultLike
                   ) -> tuple[dict[str, tuple[str, Curves]], dict[str, str], list[str]] | None:
    """The stream speedup curves of the focus GIL and free-threaded builds (``gil``, ``free``),
    the numbers every throughput sentence names, and the stream rows with wrong answers; None
    when a build has no stream rows."""
    gil, free = m.focus_pair(result)
    found = {}
    for key, variant in (("gil", gil or ""), ("free", free or "")):
        curves = stream_speedups(result, variant)
        if not curves:
            return None
        found[key] = (variant, curves)
    points = result.select(workload="stream", strategy="threads", variant=free)
    numbers = {"gil": gil or "", "free": free or "",
               "n": str(max((p.workers for p in points), default=0))}
    wrong = [f"{p.label} {p.strategy} size {p.params.get('size')}" for p in
             result.select(workload="stream") if p.correct is False]
    return found, numbers, wrong


def _all_right(numbers: dict[str, str], wrong: list[str]) -> Verdict:
    return Verdict.of(not wrong, numbers,
                      f"every stream answer correct (wrong: {', '.join(wrong) or 'none'})")


def throughput_break_even(result: m.ResultLike) -> Verdict:
    """For each strategy, the task duration below which its warm pool loses to sequential."""
    focus = _focus_streams(result)
    if focus is None:
        return Verdict.no_data("needs stream rows of a GIL and a free-threaded build")
    found, numbers, wrong = focus
    for key, (_, curves) in found.items():
        numbers[f"{key}_breaks"] = "; ".join(
            f"{s} {text}" for s in POOLS
            if (text := _break_even_text(break_even(curves.get(s, {})))))
    return _all_right(numbers, wrong)


def throughput_steady_speedup(result: m.ResultLike) -> Verdict:
    """Steady-state speedup over sequential at the largest task size, per strategy."""
    focus = _focus_streams(result)
    if focus is None:
        return Verdict.no_data("needs stream rows of a GIL and a free-threaded build")
    found, numbers, wrong = focus
    for key, (_, curves) in found.items():
        tops = {s: curves[s][max(curves[s])] for s in POOLS if curves.get(s)}
        numbers[f"{key}_x"] = ", ".join(f"{s} {fmt.times(v.value)}" for s, v in tops.items())
        numbers["task"] = units.seconds(max(max(c) for c in curves.values()))
    return _all_right(numbers, wrong)


#: A GIL build's warm thread pool "stays near 1x" below the first; a free-threaded build's
#: "scaled" from the second on (times sequential, at the largest task, 2 or more workers).
GIL_BOUND, FREE_SCALES = 1.2, 1.5


def throughput_threads_every_build(result: m.ResultLike) -> Verdict:
    """On every GIL build measured, warm thread pools stay near 1x; which free-threaded builds
    scaled at the largest task size and which did not is read off the data."""
    tops: dict[str, m.Estimate] = {}
    largest = 0.0
    for variant in sorted(result.variants, key=m.version_key):
        curve = stream_speedups(result, variant).get("threads", {})
        if curve:
            tops[variant], largest = curve[max(curve)], max(largest, max(curve))
    gil = {v: e for v, e in tops.items() if not catalog.is_free_threaded(v)}
    free = {v: e for v, e in tops.items() if catalog.is_free_threaded(v)}
    if not gil or not free:
        return Verdict.no_data("needs warm thread pools on a GIL and a free-threaded build")
    workers = max((p.workers for p in result.select(workload="stream", strategy="threads")),
                  default=0)
    if workers < 2:
        return Verdict.no_data("needs warm thread pools of 2 or more workers")

    def listed(found: dict[str, m.Estimate]) -> str:
        return ", ".join(f"{v} {fmt.times(e.value)}" for v, e in found.items())

    scaled = [v for v, e in free.items() if e.value >= FREE_SCALES]
    behind = [v for v, e in free.items() if e.value < 1]
    numbers = {"n": str(workers), "gil_x": listed(gil), "free_x": listed(free),
               "task": units.seconds(largest), "bound": fmt.times(GIL_BOUND),
               "scaled": ", ".join(scaled) or "none",
               "behind": ", ".join(behind) or "none"}
    return Verdict.of(all(e.value < GIL_BOUND for e in gil.values()), numbers,
                      f"GIL builds < {fmt.times(GIL_BOUND)} ({listed(gil)})")


def findings() -> tuple[Finding, ...]:
    """The throughput demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "throughput-break-even", "throughput",
            "With warm pools of {n} workers, the task duration (on one core) below which each "
            "strategy's steady-state throughput fell under sequential's: on {gil}, {gil_breaks}; "
            "on {free}, {free_breaks}.",
            throughput_break_even),
        Finding(
            "throughput-steady-speedup", "throughput",
            "Steady-state throughput of warm pools of {n} workers against sequential, with tasks "
            "of {task}: on {gil}, {gil_x}; on {free}, {free_x}.",
            throughput_steady_speedup),
        Finding(
            "throughput-threads-every-build", "throughput",
            "Warm pools of {n} threads against sequential, with tasks of {task}, on every build "
            "measured: {gil_x} with the GIL, none above {bound}; {free_x} without it. Scaled on "
            "this task: {scaled}; slower than sequential: {behind}.",
            throughput_threads_every_build),
    )
