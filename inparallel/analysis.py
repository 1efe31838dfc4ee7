"""Derived figures computed from stored rows: speedups and efficiencies, never stored twice."""

from __future__ import annotations


def rows_of(run: dict, workload: str | None = None, strategy: str | None = None) -> list[dict]:
    """The measured rows of one run, optionally narrowed to a workload and strategy."""
    return [
        row for row in run["results"]
        if row["available"] and not row["error"] and row["values"]
        and (workload is None or row["workload"] == workload)
        and (strategy is None or row["strategy"] == strategy)
    ]


def throughput_speedup(rows: list[dict], baseline: float | None = None) -> dict[int, float]:
    """Work per second at each worker count over that of one worker.

    Each worker does the same fixed work, so ``n`` workers do ``n`` units: the speedup at
    ``n`` is ``n * t1 / tn``. ``baseline`` is ``t1`` when it comes from another row
    (the sequential run); by default it is the 1-worker row itself.
    """
    by_workers = {row["workers"]: row["median"] for row in rows}
    t1 = baseline if baseline is not None else by_workers.get(1)
    if not t1:
        return {}
    return {n: n * t1 / tn for n, tn in sorted(by_workers.items())}


def efficiency(speedups: dict[int, float]) -> dict[int, float]:
    """Parallel efficiency: the speedup over the ideal (the worker count), 1.0 is perfect."""
    return {n: s / n for n, s in speedups.items()}
