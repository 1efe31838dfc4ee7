"""The io demo: requests that each wait, one after another, on threads and on asyncio."""

from __future__ import annotations

from collections.abc import Iterable

from inparallel import units
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def io_efficiency(point: m.PointLike) -> m.Estimate | None:
    """The ideal time of an I/O point (its stored ``ideal_s``: only the waits, overlapped)
    over its measured time: 1 is perfect overlap, 1/workers is none."""
    ideal = point.params.get("ideal_s")
    time = m.estimate(point)
    if not isinstance(ideal, int | float) or time is None:
        return None
    return m.ratio(m.Estimate(float(ideal), float(ideal), float(ideal)), time)


def max_workers(points: Iterable[m.PointLike]) -> m.PointLike | None:
    """The usable point with the most workers."""
    usable = [p for p in points if p.ok]
    return max(usable, key=lambda p: p.workers) if usable else None


def io_waits_overlap(result: m.ResultLike) -> Verdict:
    """On the GIL build, threads and asyncio overlap I/O waits close to the ideal."""
    gil, _ = m.focus_pair(result)
    threads = max_workers(result.select(variant=gil, strategy="threads"))
    tasks = max_workers(result.select(variant=gil, strategy="asyncio"))
    sequential = max_workers(result.select(variant=gil, strategy="sequential"))
    if not threads or not tasks or not sequential or threads.median is None:
        return Verdict.no_data("needs sequential, threads and asyncio I/O timings")
    eff = {s: io_efficiency(p) for s, p in (("threads", threads), ("asyncio", tasks))}
    if any(e is None for e in eff.values()):
        return Verdict.no_data("the I/O points carry no ideal time")
    params = threads.params
    numbers = {"gil": gil, "n": str(threads.workers), "requests": str(params.get("requests")),
               "latency": units.seconds(float(params.get("latency_ms", 0)) / 1000),
               "seq": units.seconds(sequential.median or 0),
               "threads": units.seconds(threads.median),
               "asyncio": units.seconds(tasks.median or 0),
               "ideal": units.seconds(float(params.get("ideal_s", 0)))}
    return Verdict.of(all(e.value >= 0.6 for e in eff.values() if e), numbers,
                      "ideal/measured >= 0.6 for threads and asyncio: "
                      + ", ".join(f"{s} {e.value:.2f}" for s, e in eff.items() if e))


def findings() -> tuple[Finding, ...]:
    """The io demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "io-waits-overlap", "io",
            "{requests} requests that each wait {latency} took {seq} one after another on {gil}; "
            "with {n} workers, threads took {threads} and asyncio {asyncio}, against an ideal of "
            "{ideal}: the waits overlap on the GIL build.",
            io_waits_overlap),
    )
