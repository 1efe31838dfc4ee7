"""The nogil demo: the same CPU-bound work per thread, on a GIL and a free-threaded build."""

from __future__ import annotations

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def nogil_threads_scale(result: m.ResultLike) -> Verdict:
    """Free-threaded threads gain on CPU-bound work; GIL threads do not."""
    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs a GIL build and a free-threaded build")
    top_free = m.at_most_workers(m.thread_speedups(result, free))
    top_gil = m.at_most_workers(m.thread_speedups(result, gil))
    if not top_free or not top_gil or top_free[0] < 2:
        return Verdict.no_data("needs threads at 1 and at 2 or more workers")
    n, fx = top_free
    gx = top_gil[1]
    numbers = {"n": str(n), "free": free, "gil": gil,
               "free_x": fmt.ranged(fx), "gil_x": fmt.ranged(gx)}
    need = m.scaled_floor(n)
    return Verdict.of(fx.value >= need and gx.value < m.FLAT, numbers,
                      f"{free} {fmt.times(fx.value)} >= {fmt.times(need)} and "
                      f"{gil} {fmt.times(gx.value)} < {fmt.times(m.FLAT)} at {n} threads")


def findings() -> tuple[Finding, ...]:
    """The nogil demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "nogil-threads-scale", "nogil",
            "With {n} threads each doing the same CPU-bound work, the free-threaded build ({free}) "
            "did {free_x} the work per second of one thread; the GIL build ({gil}) did {gil_x}.",
            nogil_threads_scale),
    )
