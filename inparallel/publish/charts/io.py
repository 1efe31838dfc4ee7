"""The io demo's chart: requests per second of I/O-bound work, per strategy."""

from __future__ import annotations

from typing import Any

from inparallel.analysis import metrics as m
from inparallel.analysis.demos.io import max_workers
from inparallel.publish.chart_parts import Chart, Value
from inparallel.publish.chart_per_strategy import PerStrategy, deck_drawer, workloads


def _io_rate(data: Any, variant: str, workload: str) -> dict[str, Value]:
    """Requests per second at the most workers of each strategy."""
    found: dict[str, Value] = {}
    for strategy in dict.fromkeys(p.strategy for p in data.select(variant=variant)):
        point = max_workers(p for p in data.select(variant=variant, workload=workload,
                                                     strategy=strategy) if not p.env)
        found[strategy] = m.throughput(point) if point is not None else None
    return found


draw = PerStrategy("requests per second (higher is better)", _io_rate, lambda v: f"{v:.0f}/s",
                   False, "Requests per second", workloads)

CHARTS = (
    Chart("io", "io", "I/O-bound work per strategy", draw,
          deck_drawer(draw, "requests per second")),
)
