"""The startup demo: what it costs to start one more worker of each strategy."""

from __future__ import annotations

from inparallel import units
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def start_times(result: m.ResultLike, variant: str, workload: str = "start"
                ) -> dict[str, m.Estimate]:
    """Seconds to start one more worker and run a trivial task, per strategy, on ``variant``.

    The demo's ``start`` workload is the cost of each further worker; ``first`` includes the
    one-off imports of the first one.
    """
    found = {}
    for point in result.select(variant=variant, workload=workload):
        if not point.env and (value := m.estimate(point)) is not None:
            found[point.strategy] = value
    return found


def startup_order(result: m.ResultLike) -> Verdict:
    """thread < forked process < sub-interpreter < spawned process, to start one more worker."""
    gil, _ = m.focus_pair(result)
    times = start_times(result, gil or "")
    order = ["threads", "processes-fork", "subinterpreters", "processes-spawn"]
    if any(s not in times for s in order):
        return Verdict.no_data("needs start-up times of threads, fork, sub-interpreters, spawn")
    numbers = {"gil": gil, **{key: units.seconds(times[s].value) for key, s in
                              zip(("thread", "fork", "sub", "spawn"), order, strict=True)}}
    values = [times[s].value for s in order]
    return Verdict.of(values == sorted(values), numbers,
                      " < ".join(f"{s} {units.seconds(times[s].value)}" for s in order))


def findings() -> tuple[Finding, ...]:
    """The startup demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "startup-order", "startup",
            "Starting one more worker on {gil}: a thread {thread}, a forked process {fork}, a "
            "sub-interpreter {sub}, a spawned process {spawn}. A forked process started faster "
            "than a sub-interpreter, and a sub-interpreter faster than a spawned process.",
            startup_order),
    )
