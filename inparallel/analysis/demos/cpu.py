"""The cpu demo: numeric and object-heavy work under every strategy, against sequential."""

from __future__ import annotations

from collections.abc import Mapping

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def strategy_curves(result: m.ResultLike, workload: str
                    ) -> dict[tuple[str, str], dict[int, m.Estimate]]:
    """Speedup curves of one workload per ``(variant label, strategy)``, sequential excluded.

    Each is measured against the sequential run on the same variant (its fewest-workers point),
    so a strategy is compared with plain Python on the same interpreter.
    """
    points = result.select(workload=workload)
    curves: dict[tuple[str, str], dict[int, m.Estimate]] = {}
    for label in dict.fromkeys(p.label for p in points):
        mine = [p for p in points if p.label == label]
        sequential = [p for p in mine if p.strategy == "sequential" and p.ok]
        baseline = min(sequential, key=lambda p: p.workers, default=None)
        for strategy in dict.fromkeys(p.strategy for p in mine):
            if strategy != "sequential":
                curves[(label, strategy)] = m.speedups(
                    [p for p in mine if p.strategy == strategy], baseline)
    return curves


#: The share of the ideal speedup (the worker count) that counts as "near the ideal".
NEAR_IDEAL = 0.75


def _top(curves: Mapping[tuple[str, str], Mapping[int, m.Estimate]], label: str | None,
         strategy: str) -> tuple[int, m.Estimate] | None:
    return m.at_most_workers(curves.get((label or "", strategy), {}))


def cpu_parallel_strategies(result: m.ResultLike) -> Verdict:
    """Sub-interpreters and processes gain on the GIL build, GIL threads do not."""
    gil, free = m.focus_pair(result)
    curves = strategy_curves(result, "numeric")
    sub, fork = _top(curves, gil, "subinterpreters"), _top(curves, gil, "processes-fork")
    threads, free_threads = _top(curves, gil, "threads"), _top(curves, free, "threads")
    if not (sub and fork and threads and free_threads) or threads[0] < 2:
        return Verdict.no_data("needs numeric work under every strategy at 2 or more workers")
    n = threads[0]
    numbers = {"n": str(n), "gil": gil, "free": free,
               "sub_x": fmt.ranged(sub[1]), "fork_x": fmt.ranged(fork[1]),
               "threads_x": fmt.ranged(threads[1]), "free_threads_x": fmt.ranged(free_threads[1])}
    ok = (all(s[1].value >= m.scaled_floor(n) for s in (sub, fork, free_threads))
          and threads[1].value < m.FLAT)
    return Verdict.of(ok, numbers,
                      f"sub-interpreters {fmt.times(sub[1].value)}, fork "
                      f"{fmt.times(fork[1].value)}, {free} threads "
                      f"{fmt.times(free_threads[1].value)} each >= "
                      f"{fmt.times(m.scaled_floor(n))}; {gil} threads "
                      f"{fmt.times(threads[1].value)} < {fmt.times(m.FLAT)}")


def cpu_threads_scale_both(result: m.ResultLike) -> Verdict:
    """Free-threaded threads speed up numeric and object-heavy work alike, near the ideal."""
    _, free = m.focus_pair(result)
    numeric = _top(strategy_curves(result, "numeric"), free, "threads")
    objects = _top(strategy_curves(result, "objects"), free, "threads")
    if not numeric or not objects or numeric[0] < 2:
        return Verdict.no_data("needs free-threaded threads on both workloads")
    n = numeric[0]
    numbers = {"n": str(n), "free": free, "objects_x": fmt.ranged(objects[1]),
               "numeric_x": fmt.ranged(numeric[1])}
    # "Near the ideal": at least three quarters of one unit of work per worker.
    floor = NEAR_IDEAL * n
    return Verdict.of(min(numeric[1].value, objects[1].value) >= floor, numbers,
                      f"numeric {fmt.times(numeric[1].value)} and objects "
                      f"{fmt.times(objects[1].value)} >= {fmt.times(floor)}")


def findings() -> tuple[Finding, ...]:
    """The cpu demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "cpu-parallel-strategies", "cpu",
            "Numeric work on {n} workers, throughput against sequential: on {gil}, "
            "sub-interpreters {sub_x}, forked processes {fork_x}, threads {threads_x}; on {free}, "
            "threads {free_threads_x}.",
            cpu_parallel_strategies),
        Finding(
            "cpu-threads-scale-both", "cpu",
            "Free-threaded threads ({free}, {n} workers) sped up numeric work {numeric_x} and "
            "object-heavy work {objects_x} against sequential: both near the ideal of {n}.",
            cpu_threads_scale_both),
    )
