"""The memory demo: what each further idle worker of each strategy adds to memory (PSS)."""

from __future__ import annotations

from inparallel import units
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def bytes_per_worker(result: m.ResultLike, variant: str, workload: str = "idle"
                      ) -> dict[str, m.Estimate]:
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
        first, last = m.estimate(points[0]), m.estimate(points[-1])
        if first is None or last is None:
            continue
        span = points[-1].workers - points[0].workers
        if span:
            found[strategy] = m.Estimate((last.value - first.value) / span,
                                       (last.low - first.high) / span,
                                       (last.high - first.low) / span)
        else:
            found[strategy] = last.scaled(1 / points[-1].workers)
    return found


def memory_per_worker(result: m.ResultLike) -> Verdict:
    """Threads add the least memory; an interpreter-pool worker more than a forked process."""
    gil, _ = m.focus_pair(result)
    per = bytes_per_worker(result, gil or "")
    keys = {"thread": "threads", "sub": "subinterpreters", "pool": "subinterpreters-pool",
            "fork": "processes-fork", "spawn": "processes-spawn"}
    if any(s not in per for s in keys.values()):
        return Verdict.no_data("needs idle-worker memory of every strategy")
    numbers = {"gil": gil, **{k: units.size(per[s].value) for k, s in keys.items()}}
    lightest = min(per, key=lambda s: per[s].value)
    ok = lightest == "threads" and per["subinterpreters-pool"].value > per["processes-fork"].value
    return Verdict.of(ok, numbers,
                      f"lightest is {lightest} ({units.size(per[lightest].value)}); pool "
                      f"{numbers['pool']} > fork {numbers['fork']}")


def findings() -> tuple[Finding, ...]:
    """The memory demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "memory-per-worker", "memory",
            "Memory each further idle worker added on {gil}: a thread {thread}, a sub-interpreter "
            "{sub}, a forked process {fork}, an interpreter-pool worker {pool}, a spawned process "
            "{spawn}. Threads are the lightest; an interpreter-pool worker used more than a forked "
            "process.",
            memory_per_worker),
    )
